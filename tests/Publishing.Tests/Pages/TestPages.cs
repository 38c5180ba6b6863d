using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Publishing.Articles;
using Publishing.Pages;

namespace Publishing.Tests.Pages;

/// <summary>Builds articles and renders them the way the publisher does, and reads pages back with a real HTML parser.</summary>
internal static class TestPages
{
    public static readonly SiteInfo Site = new("The Example Post", "en", new Uri("http://localhost:7071/"));

    public static readonly DateTimeOffset Published = new(2025, 5, 14, 9, 30, 0, TimeSpan.FromHours(2));

    private static readonly ArticlePageRenderer Renderer = new();

    public static Article Markdown(string markdown, string title = "Talks resume in Geneva") => new()
    {
        Title = title,
        Slug = "talks-resume",
        Body = new MarkdownBody(markdown),
    };

    public static Article PlainText(string title, params TextBlock[] blocks) => new()
    {
        Title = title,
        Slug = "plain-story",
        Body = new PlainTextBody(blocks),
    };

    public static ArticlePageModel Model(Article article) =>
        new(article, Published, Site);

    public static RenderedPage Render(Article article) => Renderer.Render(Model(article));

    public static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    public static IDocument RenderDocument(Article article) => Parse(Render(article).Html);

    /// <summary>The rendered article body: what the Markdown or plain text became.</summary>
    public static IElement Body(IDocument page) =>
        page.QuerySelector("article .article-body") ?? throw new InvalidOperationException("the page has no article body");

    public static IElement Single(IDocument page, string selector)
    {
        var matches = page.QuerySelectorAll(selector);
        Assert.True(matches.Length == 1, $"expected exactly one '{selector}', found {matches.Length}");
        return matches[0];
    }

    public static string Meta(IDocument page, string property) =>
        Single(page, $"meta[property='{property}'], meta[name='{property}']").GetAttribute("content")
        ?? throw new InvalidOperationException($"meta {property} has no content");

    /// <summary>Undoes smart punctuation, which also applies to raw HTML shown as text.</summary>
    public static string Straight(string text) => text
        .Replace('“', '"').Replace('”', '"').Replace('‘', '\'').Replace('’', '\'')
        .Replace("…", "...", StringComparison.Ordinal).Replace("–", "--", StringComparison.Ordinal);

    public static string ArticleFile(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Articles", "Pages", name));

    /// <summary>The Markdown after a sample file's front matter.</summary>
    public static string MarkdownOf(string fileText)
    {
        var lines = fileText.ReplaceLineEndings("\n").Split('\n');
        if (lines[0] != "---")
        {
            return fileText;
        }

        var end = Array.IndexOf(lines, "---", 1);
        return string.Join('\n', lines.Skip(end + 1));
    }

    /// <summary>
    /// Nothing on the page can run or load code: no event handler attributes, no script but the one
    /// JSON-LD block, no embedding elements, and every URL attribute relative or http, https or mailto.
    /// </summary>
    public static void AssertNoActiveContent(IDocument page)
    {
        var pageUrl = new Uri(Site.BaseUrl, "articles/x");
        foreach (var element in page.All)
        {
            foreach (var attribute in element.Attributes)
            {
                Assert.False(
                    attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase),
                    $"<{element.LocalName}> has event handler {attribute.Name}=\"{attribute.Value}\"");
                if (attribute.Name is "href" or "src" or "action" or "formaction" or "srcset" or "poster" or "xlink:href" or "background")
                {
                    Assert.True(
                        Uri.TryCreate(pageUrl, attribute.Value, out var resolved)
                            && resolved.Scheme is "http" or "https" or "mailto",
                        $"<{element.LocalName}> has {attribute.Name}=\"{attribute.Value}\"");
                }
            }
        }

        var script = Assert.Single(page.QuerySelectorAll("script"));
        Assert.Equal("application/ld+json", script.GetAttribute("type"));
        Assert.False(script.HasAttribute("src"));
        Assert.Empty(page.QuerySelectorAll("iframe, frame, object, embed, form, input, button, base, svg, math, template"));

        // Links only name the canonical page and the tags' feeds.
        Assert.All(page.QuerySelectorAll("link"), link => Assert.True(
            link.GetAttribute("rel") == "canonical"
                || (link.GetAttribute("rel") == "alternate" && link.GetAttribute("type") == "application/atom+xml"),
            link.OuterHtml));
        Assert.Single(page.QuerySelectorAll("style"));
        Assert.DoesNotContain(page.QuerySelectorAll("meta[http-equiv]"), m => !string.Equals(m.GetAttribute("http-equiv"), "Content-Security-Policy", StringComparison.OrdinalIgnoreCase));
    }
}
