using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using Ganss.Xss;

namespace Publishing.Pages;

/// <summary>
/// The guarantee behind the article body: rendered Markdown keeps only the elements, attributes and URL
/// schemes the Markdown dialect produces, whatever the Markdown said. Configured once; Sanitize is
/// thread-safe on a shared instance that is not modified.
/// </summary>
internal static class ArticleHtmlSanitizer
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static TrustedHtml Sanitize(string html) => new(Sanitizer.Sanitize(html));

    private static HtmlSanitizer Create()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(
                [
                    "p", "h2", "h3", "h4", "h5", "h6", "a", "img", "em", "strong", "del", "code", "pre",
                    "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
                    "sup", "sub", "div", "span",
                ],
                StringComparer.OrdinalIgnoreCase),
            // Per element in Markdig's output: a[href,title,id,class], img[src,alt,title], ol[start],
            // h2-h6/li[id] for heading ids and footnotes, div/code[class], th/td[class,colspan,rowspan].
            // No style: table alignment comes as classes (TableAlignmentExtension), so no CSS is ever parsed.
            AllowedAttributes = new HashSet<string>(
                ["href", "title", "id", "class", "src", "alt", "start", "colspan", "rowspan"],
                StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<CssRuleType>(),
            AllowedSchemes = new HashSet<string>(SafeUrl.AllowedSchemes, StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src"], StringComparer.OrdinalIgnoreCase),
        };
        var sanitizer = new HtmlSanitizer(options);
        sanitizer.PostProcessNode += (_, e) =>
        {
            // An image whose source was refused would stay an empty box; its alt text says what it was.
            if (e.Node is IElement { LocalName: "img" } image && !image.HasAttribute("src"))
            {
                e.ReplacementNodes.Add(e.Document.CreateTextNode(image.GetAttribute("alt") ?? string.Empty));
            }
        };
        return sanitizer;
    }
}
