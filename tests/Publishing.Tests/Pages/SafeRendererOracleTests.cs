using CsCheck;
using Publishing.Fuzzing;
using Publishing.Pages;
using Publishing.Tests.Fuzzing;

namespace Publishing.Tests.Pages;

/// <summary>
/// The article pipeline's HTML goes into the page with no sanitiser after it, so the allowlist sanitiser
/// (<see cref="BodySanitizer"/>, configured as the publish path's used to be) is the oracle: whatever the Markdown,
/// sanitising the rendered body removes nothing. Compared as parsed and written back by the same HTML parser, since
/// the sanitiser writes <c>&lt;br&gt;</c> where Markdig writes <c>&lt;br /&gt;</c>. Fixtures and hostile files go
/// through the same check in worker processes (<see cref="ArticlePropertyTests"/>, <see cref="HostileFixtureTests"/>);
/// these run thousands of generated bodies in process, where the generators keep nesting shallow.
/// </summary>
public sealed class SafeRendererOracleTests
{
    /// <summary>Characters that decide how a browser or the sanitiser reads a URL's scheme, and some that do not.</summary>
    private static readonly Gen<string> UrlPart = Gen.OneOf(
        "javascript", "JavaScript", "data", "vbscript", "http", "https", "HTTPS", "mailto", "file", "x", ":", "/", "//",
        "?", "#", "\\", "&#58", "&#058;", "&#x3a", "&#X3A;", "&#x0003a", "&#", "&amp;", "&colon;", " ", "\t", "%20", "%3a",
        "\u00a0", "\u0001", "alert(1)", "example.org", "@", ".", "=", "'", "\"", "<", ">");

    private static readonly Gen<string> Url = UrlPart.Array[1, 8].Select(parts => string.Concat(parts));

    /// <summary>A URL in each place Markdown takes one: link, image, autolink, reference definition, bare address.</summary>
    private static readonly Gen<string> LinkMarkdown = Gen.Select(Url, Gen.Int[0, 6], (url, form) => form switch
    {
        0 => $"[text]({url})",
        1 => $"[text](<{url}>)",
        2 => $"![alt *text*]({url} \"title\")",
        3 => $"<{url}>",
        4 => $"[text][r]\n\n[r]: <{url}>",
        5 => $"See {url} today.",
        _ => $"![alt][r]\n\n[r]: {url} 'title'",
    });

    [Fact]
    public void Generated_Markdown_bodies_render_to_HTML_the_sanitiser_leaves_as_it_is() =>
        ArticleGen.MarkdownBody.Sample(AssertSanitiserRemovesNothing, iter: 3_000, print: FuzzInput.Escape);

    [Fact]
    public void Generated_link_addresses_render_to_HTML_the_sanitiser_leaves_as_it_is() =>
        LinkMarkdown.Array[1, 4].Select(links => string.Join("\n\n", links))
            .Sample(AssertSanitiserRemovesNothing, iter: 5_000, print: FuzzInput.Escape);

    [Theory]
    [InlineData("[t](page?at=10:30) [t](< https://example.org>) [t](https&#38;#58//x) <javascript&#58alert(1)>")]
    [InlineData("[t](\\javascript:alert(1)) [t](#x:y) [t](/a:b) [t](mailto:a@example.org) www.example.org/a:b")]
    [InlineData("![a](https://example.org/i.png) ![a](//example.org/i.png) ![a](data:image/png;base64,iVBORw0KGgo=)")]
    public void Awkward_link_addresses_render_to_HTML_the_sanitiser_leaves_as_it_is(string markdown) =>
        AssertSanitiserRemovesNothing(markdown);

    [Fact]
    public void The_pipeline_has_a_fixed_set_of_extensions_and_none_writes_arbitrary_attributes()
    {
        // A new extension can add elements or attributes (GenericAttributes writes any attribute the author types,
        // event handlers included): adding one is a deliberate change here and in the oracle's allowlist.
        Assert.Equal(
            [
                "ArticleHeadingExtension", "AutoLinkExtension", "EmphasisExtraExtension", "FootnoteExtension",
                "GridTableExtension", "PipeTableExtension", "SafeLinkExtension", "SmartyPantsExtension",
                "TableAlignmentExtension",
            ],
            ArticleMarkdown.Pipeline.Extensions.Select(e => e.GetType().Name).Order(StringComparer.Ordinal));
    }

    private static void AssertSanitiserRemovesNothing(string markdown)
    {
        string html;
        try
        {
            html = ArticleMarkdown.ToHtml(ArticleMarkdown.Parse(markdown), ArticleMarkdown.Pipeline).Value;
        }
        catch (ArgumentException e) when (e.Message.Contains("nested", StringComparison.OrdinalIgnoreCase))
        {
            return; // Rejected as too complex on the publish path.
        }

        var normalised = BodySanitizer.Normalise(html);
        var sanitised = BodySanitizer.Sanitize(html);
        Assert.True(
            string.Equals(normalised, sanitised, StringComparison.Ordinal),
            $"the sanitiser changes the body of {FuzzInput.Escape(markdown)}\nrendered:  {FuzzInput.Escape(normalised)}\nsanitised: {FuzzInput.Escape(sanitised)}");
    }
}
