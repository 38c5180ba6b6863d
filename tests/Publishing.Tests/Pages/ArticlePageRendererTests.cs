using System.Text.Json;
using AngleSharp.Html.Parser;
using Publishing.Articles;
using Publishing.Pages;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Pages;

public sealed class ArticlePageRendererTests
{
    private static readonly Article Full = Markdown(
        """
        Negotiators met again on Tuesday after a month without talks.

        ## What was agreed

        A timetable for the next round.

        ## What was not

        Everything else.
        """) with
    {
        Author = "Jane Doe",
        Source = "Reuters",
        Updated = new DateTimeOffset(2025, 5, 15, 18, 5, 0, TimeSpan.Zero),
        Tags = [new Tag("diplomacy", "Diplomacy"), new Tag("switzerland", "Switzerland")],
        Image = "https://images.example.org/geneva.jpg",
    };

    [Fact]
    public void Page_is_an_html5_document_that_parses_without_errors()
    {
        var html = Render(Full).Html;
        var errors = new List<string>();
        var parser = new HtmlParser();
        parser.Error += (_, e) => errors.Add(e.ToString() ?? "error");

        var page = parser.ParseDocument(html);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal("html", page.Doctype?.Name);
        Assert.Empty(errors);
        Assert.Equal("utf-8", Single(page, "meta[charset]").GetAttribute("charset"));
        Assert.Contains("width=device-width", Meta(page, "viewport"), StringComparison.Ordinal);
    }

    [Fact]
    public void Page_language_is_the_articles_else_the_sites()
    {
        Assert.Equal("en", RenderDocument(Full).DocumentElement.GetAttribute("lang"));
        Assert.Equal("fr", RenderDocument(Full with { Language = "fr" }).DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public void Page_has_exactly_one_h1_the_title_and_an_h2_per_section()
    {
        var page = RenderDocument(Full);

        Assert.Equal("Talks resume in Geneva", Single(page, "h1").TextContent);
        Assert.Equal(["What was agreed", "What was not"], page.QuerySelectorAll("article h2").Select(h => h.TextContent));
        Assert.Equal("Talks resume in Geneva – The Example Post", page.Title);
    }

    [Fact]
    public void Page_is_laid_out_as_site_header_main_and_article()
    {
        var page = RenderDocument(Full);

        var siteLink = Single(page, "body > header a");
        Assert.Equal("/", siteLink.GetAttribute("href"));
        Assert.Equal("The Example Post", siteLink.TextContent);
        Assert.Equal(["article", "section"], Single(page, "main").Children.Select(e => e.LocalName));
        Assert.Equal("main", Single(page, "h1").ParentElement?.ParentElement?.ParentElement?.LocalName);
    }

    [Fact]
    public void Head_has_description_canonical_link_and_open_graph_tags()
    {
        var page = RenderDocument(Full);
        const string url = "http://localhost:7071/articles/talks-resume";

        Assert.Equal("Negotiators met again on Tuesday after a month without talks.", Meta(page, "description"));
        Assert.Equal(url, Single(page, "link[rel='canonical']").GetAttribute("href"));
        Assert.Equal("article", Meta(page, "og:type"));
        Assert.Equal("Talks resume in Geneva", Meta(page, "og:title"));
        Assert.Equal(Meta(page, "description"), Meta(page, "og:description"));
        Assert.Equal(url, Meta(page, "og:url"));
        Assert.Equal("The Example Post", Meta(page, "og:site_name"));
        Assert.Equal("https://images.example.org/geneva.jpg", Meta(page, "og:image"));
        Assert.Equal("2025-05-14T07:30:00Z", Meta(page, "article:published_time"));
        Assert.Equal("2025-05-15T18:05:00Z", Meta(page, "article:modified_time"));
        Assert.Equal(["Diplomacy", "Switzerland"], page.QuerySelectorAll("meta[property='article:tag']").Select(m => m.GetAttribute("content")));
        Assert.Equal("Jane Doe", Meta(page, "author"));
    }

    [Fact]
    public void Head_links_the_atom_feed_of_the_site_and_of_each_tag()
    {
        var page = RenderDocument(Full);

        var feeds = page.QuerySelectorAll("link[rel='alternate'][type='application/atom+xml']");
        Assert.Equal(
            ["http://localhost:7071/feed", "http://localhost:7071/tags/diplomacy/feed", "http://localhost:7071/tags/switzerland/feed"],
            feeds.Select(l => l.GetAttribute("href")));
        Assert.Equal("The Example Post", feeds[0].GetAttribute("title"));
        Assert.Equal("Diplomacy – The Example Post", feeds[1].GetAttribute("title"));
    }

    [Fact]
    public void Article_without_update_image_or_tags_leaves_those_tags_out()
    {
        var page = RenderDocument(Markdown("Text."));

        Assert.Equal(["http://localhost:7071/feed"], page.QuerySelectorAll("link[rel='alternate']").Select(l => l.GetAttribute("href")));

        Assert.Empty(page.QuerySelectorAll("meta[property='article:modified_time'], meta[property='og:image'], meta[property='article:tag'], meta[name='author']"));
        Assert.Empty(page.QuerySelectorAll("nav, time.updated, .author, .source"));
    }

    [Theory]
    [InlineData("/media/geneva.jpg", "http://localhost:7071/media/geneva.jpg")]
    [InlineData("http://images.example.org/a.png", "http://images.example.org/a.png")]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("data:image/png;base64,iVBORw0KGgo=", null)]
    [InlineData("ftp://files.example.org/a.png", null)]
    public void Open_graph_image_is_given_only_for_http_urls(string image, string? expected)
    {
        var page = RenderDocument(Full with { Image = image });

        Assert.Equal(expected, page.QuerySelector("meta[property='og:image']")?.GetAttribute("content"));
        AssertNoActiveContent(page);
    }

    [Fact]
    public void Byline_gives_author_source_and_machine_readable_utc_times()
    {
        var page = RenderDocument(Full);
        var byline = Single(page, "article header .byline");

        Assert.Equal("Jane Doe", Single(page, ".byline .author").TextContent);
        Assert.Equal("Reuters", Single(page, ".byline .source").TextContent);
        var published = Single(page, "time.published");
        Assert.Equal("2025-05-14T07:30:00Z", published.GetAttribute("datetime"));
        Assert.Equal("14 May 2025", published.TextContent);
        Assert.Equal("2025-05-15T18:05:00Z", Single(page, "time.updated").GetAttribute("datetime"));
        Assert.StartsWith("By Jane Doe · Reuters · 14 May 2025 · Updated 15 May 2025", byline.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_link_to_their_listings_by_slug_and_show_their_names()
    {
        var page = RenderDocument(Full);

        var nav = Single(page, "article nav[aria-label='Tags']");
        var links = nav.QuerySelectorAll("ul > li > a");
        Assert.Equal(["/tags/diplomacy", "/tags/switzerland"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal(["Diplomacy", "Switzerland"], links.Select(a => a.TextContent));
    }

    [Fact]
    public void Json_ld_is_a_news_article_with_the_articles_facts()
    {
        var page = RenderDocument(Full);

        using var json = JsonDocument.Parse(Single(page, "script[type='application/ld+json']").TextContent);
        var root = json.RootElement;
        Assert.Equal("https://schema.org", root.GetProperty("@context").GetString());
        Assert.Equal("NewsArticle", root.GetProperty("@type").GetString());
        Assert.Equal("Talks resume in Geneva", root.GetProperty("headline").GetString());
        Assert.Equal("2025-05-14T07:30:00Z", root.GetProperty("datePublished").GetString());
        Assert.Equal("2025-05-15T18:05:00Z", root.GetProperty("dateModified").GetString());
        Assert.Equal("Person", root.GetProperty("author").GetProperty("@type").GetString());
        Assert.Equal("Jane Doe", root.GetProperty("author").GetProperty("name").GetString());
        Assert.Equal("Reuters", root.GetProperty("sourceOrganization").GetProperty("name").GetString());
        Assert.Equal("The Example Post", root.GetProperty("publisher").GetProperty("name").GetString());
        Assert.Equal("http://localhost:7071/articles/talks-resume", root.GetProperty("mainEntityOfPage").GetProperty("@id").GetString());
        Assert.Equal("Diplomacy, Switzerland", root.GetProperty("keywords").GetString());
        Assert.Equal("https://images.example.org/geneva.jpg", root.GetProperty("image")[0].GetString());
        Assert.Equal(Meta(page, "description"), root.GetProperty("description").GetString());
    }

    [Fact]
    public void Json_ld_cannot_be_closed_by_a_title_containing_a_script_end_tag()
    {
        const string title = "</script><script>alert(1)</script><!-- \"quoted\" & 'single'";
        var html = Render(Full with { Title = title, Author = "</SCRIPT>", Source = "<!--" }).Html;
        var page = Parse(html);

        AssertNoActiveContent(page);
        var script = Single(page, "script");
        using var json = JsonDocument.Parse(script.TextContent);
        Assert.Equal(title, json.RootElement.GetProperty("headline").GetString());
        Assert.Equal("</SCRIPT>", json.RootElement.GetProperty("author").GetProperty("name").GetString());
        Assert.DoesNotContain("<", script.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_loads_no_external_scripts_fonts_or_stylesheets()
    {
        var page = RenderDocument(Full with { Body = new MarkdownBody("![Map](https://images.example.org/map.png)") });

        AssertNoActiveContent(page);
        Assert.Empty(page.QuerySelectorAll("script[src], link[rel='stylesheet'], link[rel='preload'], iframe"));
        Assert.DoesNotContain("@import", Single(page, "head > style").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", Single(page, "head > style").TextContent, StringComparison.Ordinal);
        Assert.Equal(["https://images.example.org/map.png"], page.QuerySelectorAll("[src]").Select(e => e.GetAttribute("src")));
    }

    [Fact]
    public void Plain_text_body_renders_a_paragraph_per_paragraph_and_an_h2_per_heading()
    {
        var article = PlainText(
            "Ceasefire holds",
            new Paragraph("The ceasefire held overnight, officials said."),
            new Heading("Reaction"),
            new Paragraph("Markets rose \"sharply\" on the news."),
            new Paragraph("Analysts were cautious."));

        var page = RenderDocument(article);

        var body = Body(page);
        Assert.Equal(["p", "h2", "p", "p"], body.Children.Select(e => e.LocalName));
        Assert.Equal("Reaction", Single(page, "article h2").TextContent);
        Assert.Equal("Markets rose \"sharply\" on the news.", body.Children[2].TextContent);
        Assert.Equal("The ceasefire held overnight, officials said.", Meta(page, "description"));
    }

    [Fact]
    public void Rendered_page_carries_the_description_it_put_in_the_head()
    {
        var rendered = Render(Full with { Summary = "  The editor's   own\nsummary. " });

        Assert.Equal("The editor's own summary.", rendered.Description);
        Assert.Equal(rendered.Description, Meta(Parse(rendered.Html), "description"));
    }

    [Fact]
    public void One_renderer_renders_many_pages_at_once()
    {
        var renderer = new ArticlePageRenderer();
        var pages = new string[64];

        Parallel.For(0, pages.Length, i =>
            pages[i] = renderer.Render(Model(Full with { Title = $"Story {i}", Body = new MarkdownBody($"## Part {i}\n\n[link {i}](javascript:alert({i}))") })).Html);

        for (var i = 0; i < pages.Length; i++)
        {
            var page = Parse(pages[i]);
            Assert.Equal($"Story {i}", Single(page, "h1").TextContent);
            Assert.Equal($"Part {i}", Single(page, "article h2").TextContent);
            Assert.Equal($"link {i}", Body(page).QuerySelector("p")?.TextContent);
            AssertNoActiveContent(page);
        }
    }
}
