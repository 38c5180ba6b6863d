using System.Text.Json;
using Publishing.Articles;
using Publishing.Comments;
using Publishing.Pages;
using Publishing.Storage;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Pages;

/// <summary>
/// A page is rendered from the article's stored content with the site settings of the day: a change of site name,
/// language or base URL shows on pages published before it, head and JSON-LD included.
/// </summary>
public sealed class StoredContentRenderingTests
{
    private static readonly ArticlePageRenderer Renderer = new();

    private static readonly SiteInfo Renamed = new("Evening Courier", "de", new Uri("https://courier.example/news/"));

    private static readonly Article Story = Markdown("Geneva talks resume after *two* weeks.") with
    {
        Tags = [new Tag("diplomacy", "Diplomacy")],
        Image = "/images/geneva.jpg",
        Author = "Jane Roe",
    };

    /// <summary>What publishing stores, read back as the page route reads it.</summary>
    private static ArticleContent Stored(Article article)
    {
        Assert.True(Renderer.TryRenderContent(Model(article), out var content, out var rejection), rejection?.ToString());
        var json = JsonSerializer.SerializeToUtf8Bytes(content, StorageJson.Content.ArticleContent);
        return JsonSerializer.Deserialize(json, StorageJson.Content.ArticleContent) ?? throw new InvalidOperationException("null content");
    }

    [Fact]
    public void Stored_content_renders_the_page_publishing_would_have_rendered_with_the_same_settings()
    {
        Assert.Equal(Render(Story).Html, ArticlePageRenderer.RenderPage(Stored(Story), Site));
    }

    [Fact]
    public void Changed_site_settings_reach_the_page_of_stored_content_everywhere_it_names_them()
    {
        var page = Parse(ArticlePageRenderer.RenderPage(Stored(Story), Renamed));

        Assert.Equal("de", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Talks resume in Geneva – Evening Courier", page.Title);
        Assert.Equal("Evening Courier", Single(page, "body > header a[rel=home]").TextContent);
        Assert.Equal("https://courier.example/news/articles/talks-resume", Single(page, "link[rel=canonical]").GetAttribute("href"));
        Assert.Equal("https://courier.example/news/articles/talks-resume", Meta(page, "og:url"));
        Assert.Equal("Evening Courier", Meta(page, "og:site_name"));
        Assert.Equal("https://courier.example/images/geneva.jpg", Meta(page, "og:image"));
        var feeds = page.QuerySelectorAll("link[rel=alternate]");
        Assert.Equal(
            ["https://courier.example/news/feed", "https://courier.example/news/tags/diplomacy/feed"],
            feeds.Select(f => f.GetAttribute("href")));
        Assert.All(feeds, f => Assert.Contains("Evening Courier", f.GetAttribute("title"), StringComparison.Ordinal));

        using var json = JsonDocument.Parse(Single(page, "script[type='application/ld+json']").TextContent);
        var ld = json.RootElement;
        Assert.Equal("https://courier.example/news/articles/talks-resume", ld.GetProperty("url").GetString());
        Assert.Equal("https://courier.example/news/articles/talks-resume", ld.GetProperty("mainEntityOfPage").GetProperty("@id").GetString());
        Assert.Equal("de", ld.GetProperty("inLanguage").GetString());
        Assert.Equal("Evening Courier", ld.GetProperty("publisher").GetProperty("name").GetString());
        Assert.Equal("https://courier.example/news/", ld.GetProperty("publisher").GetProperty("url").GetString());
        Assert.Equal("https://courier.example/images/geneva.jpg", ld.GetProperty("image")[0].GetString());

        // The article itself is what was published.
        Assert.Equal("Geneva talks resume after <em>two</em> weeks.", Body(page).QuerySelector("p")?.InnerHtml);
        Assert.Equal("Jane Roe", Single(page, ".byline .author").TextContent);
        Assert.DoesNotContain("The Example Post", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void An_articles_own_language_outlives_a_change_of_the_sites_default()
    {
        var page = Parse(ArticlePageRenderer.RenderPage(Stored(Story with { Language = "fr" }), Renamed));

        Assert.Equal("fr", page.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public void Site_name_is_encoded_wherever_the_template_writes_it()
    {
        var hostile = Renamed with { Name = "</title><script>alert(1)</script>\"'&" };

        var page = Parse(ArticlePageRenderer.RenderPage(Stored(Story), hostile));

        AssertNoActiveContent(page);
        Assert.Equal(hostile.Name, Meta(page, "og:site_name"));
        Assert.Equal(hostile.Name, Single(page, "body > header a[rel=home]").TextContent);
    }

    [Fact]
    public void Comments_are_rendered_into_the_page_between_the_comment_markers()
    {
        var comment = new Comment("c1", "Ann <b>", "First!", new DateTimeOffset(2025, 5, 15, 8, 0, 0, TimeSpan.Zero));

        var html = ArticlePageRenderer.RenderPage(Stored(Story), Site, new CommentsView("talks-resume", 1, [comment], null, true));

        var section = html[html.IndexOf(ArticlePageHtml.CommentsStartMarker, StringComparison.Ordinal)..html.IndexOf(ArticlePageHtml.CommentsEndMarker, StringComparison.Ordinal)];
        Assert.Contains("Comments (1)", section, StringComparison.Ordinal);
        Assert.Contains("Ann &lt;b&gt;", section, StringComparison.Ordinal);
        Assert.Equal("Comments (1)", Single(Parse(html), "#comments-title").TextContent);
    }
}
