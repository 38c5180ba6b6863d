using AngleSharp.Css.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Publishing.Fuzzing;

/// <summary>
/// The test oracle for an article body: HtmlSanitizer with the allowlist the publish path sanitised with before the
/// Markdown renderer was made safe by construction (<c>Pages/ArticleMarkdown.cs</c>). The page carries the renderer's
/// HTML as it is, so widening what the renderer writes is a deliberate change here too.
/// </summary>
public static class BodySanitizer
{
    private static readonly HtmlSanitizer Sanitizer = new(new HtmlSanitizerOptions
    {
        AllowedTags = new HashSet<string>(
            [
                "p", "h2", "h3", "h4", "h5", "h6", "a", "img", "em", "strong", "del", "code", "pre",
                "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
                "sup", "sub", "div", "span",
            ],
            StringComparer.OrdinalIgnoreCase),
        AllowedAttributes = new HashSet<string>(
            ["href", "title", "id", "class", "src", "alt", "start", "colspan", "rowspan"],
            StringComparer.OrdinalIgnoreCase),
        AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        AllowedAtRules = new HashSet<CssRuleType>(),
        AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
        UriAttributes = new HashSet<string>(["href", "src"], StringComparer.OrdinalIgnoreCase),
    });

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    /// <summary>The fragment parsed and written back the way the sanitiser writes it, so that only removals differ.</summary>
    public static string Normalise(string html)
    {
        var document = new HtmlParser().ParseDocument("<!doctype html><html><body>" + html);
        return document.Body!.InnerHtml;
    }
}
