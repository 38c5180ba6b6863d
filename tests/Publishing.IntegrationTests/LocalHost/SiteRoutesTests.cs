using System.Globalization;
using System.Net;
using System.ServiceModel.Syndication;
using System.Xml;
using System.Xml.Linq;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Publishing.Articles;
using Publishing.Listings;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The readers' site over real HTTP: front page, site feed, tag index, sitemap and robots.txt.</summary>
/// <remarks>
/// The tests of this class share one site (one <c>_all</c> listing): each seeds articles dated after everything seeded
/// before, so its own are the newest while it runs (tests of a class run one at a time).
/// </remarks>
public sealed class SiteRoutesTests(SiteHostFixture fixture) : IClassFixture<SiteHostFixture>
{
    private static readonly XNamespace Sitemaps = SitemapXml.Namespace;

    private static int _era;

    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Seeds <paramref name="count"/> listing entries (no pages) under a new tag, newer than anything seeded before; returns their slugs, newest first.</summary>
    private async Task<(string Tag, List<string> Slugs)> SeedAsync(int count, string? source = "Wire")
    {
        var start = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref _era) * 10);
        var tag = "s" + Guid.NewGuid().ToString("N")[..12];
        var index = fixture.Storage.Domain<TagIndex>();
        var slugs = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var published = start.AddHours(i);
            var article = new ListedArticle
            {
                Slug = $"{tag}-{i}",
                Title = $"Title <{i}> of {tag}",
                Summary = $"Summary {i} & more.",
                Author = "Jane Roe",
                Source = source,
                Published = published,
                Updated = i == 0 ? published.AddDays(1) : null,
                Tags = [new Tag(tag, $"Name of {tag}"), new Tag("shared", "Shared")],
            };
            await index.PutAsync(article, TagIndex.KeyFor(published, article.Slug), Cancellation);
            slugs.Insert(0, article.Slug);
        }

        return (tag, slugs);
    }

    private async Task<IHtmlDocument> GetHtmlAsync(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var errors = new List<string>();
        var parser = new HtmlParser();
        parser.Error += (_, e) => errors.Add(e.ToString() ?? "error");
        var page = parser.ParseDocument(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Empty(errors);
        return page;
    }

    private async Task<XDocument> GetXmlAsync(string path, string mediaType)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return XDocument.Load(await response.Content.ReadAsStreamAsync(Cancellation));
    }

    private static List<string?> Titles(IHtmlDocument page) => [.. page.QuerySelectorAll("main ol.listing > li h2 a").Select(a => a.TextContent)];

    private static string Relative(string? href)
    {
        Assert.NotNull(href);
        Assert.StartsWith("/", href, StringComparison.Ordinal);
        return href.TrimStart('/');
    }

    [Fact]
    public async Task Front_page_lists_the_newest_articles_with_link_date_source_summary_and_tags_and_links_feed_and_tag_index()
    {
        var (tag, slugs) = await SeedAsync(2);

        var page = await GetHtmlAsync("");

        var first = page.QuerySelector("main ol.listing > li article");
        Assert.NotNull(first);
        Assert.Equal($"Title <1> of {tag}", first.QuerySelector("h2 a")?.TextContent);
        Assert.Equal($"/articles/{slugs[0]}", first.QuerySelector("h2 a")?.GetAttribute("href"));
        Assert.NotNull(first.QuerySelector("time[datetime]"));
        Assert.Equal("Wire", first.QuerySelector(".source")?.TextContent);
        Assert.Equal("Jane Roe", first.QuerySelector(".author")?.TextContent);
        Assert.Contains("Summary 1 & more.", first.TextContent, StringComparison.Ordinal);
        Assert.Equal([$"/tags/{tag}", "/tags/shared"], first.QuerySelectorAll(".tags a[rel='tag']").Select(a => a.GetAttribute("href")));
        Assert.Equal($"Name of {tag}", first.QuerySelector(".tags a")?.TextContent);

        Assert.NotNull(page.QuerySelector("main a[href='/tags']"));
        Assert.Equal("http://localhost:7071/feed", page.QuerySelector("head link[rel='alternate'][type='application/atom+xml']")?.GetAttribute("href"));
        Assert.Equal("http://localhost:7071/feed", page.QuerySelector("main a[type='application/atom+xml']")?.GetAttribute("href"));
        Assert.Equal("http://localhost:7071/", page.QuerySelector("link[rel='canonical']")?.GetAttribute("href"));
        Assert.Equal("/", page.QuerySelector("body > header a")?.GetAttribute("href"));
        Assert.Single(page.QuerySelectorAll("style"));
        Assert.Empty(page.QuerySelectorAll("script, [style]"));
        Assert.Null(page.QuerySelector("a[rel='prev']"));
    }

    [Fact]
    public async Task Front_page_pages_older_and_back_newer_with_signed_cursors()
    {
        var (tag, _) = await SeedAsync(7);

        var page1 = await GetHtmlAsync("?limit=3");
        Assert.Equal([$"Title <6> of {tag}", $"Title <5> of {tag}", $"Title <4> of {tag}"], Titles(page1));
        Assert.Null(page1.QuerySelector("a[rel='prev']"));

        var page2 = await GetHtmlAsync(Relative(page1.QuerySelector("a[rel='next']")?.GetAttribute("href")));
        Assert.Equal([$"Title <3> of {tag}", $"Title <2> of {tag}", $"Title <1> of {tag}"], Titles(page2));
        Assert.Equal("/?limit=3", page2.QuerySelector("a[rel='prev']")?.GetAttribute("href"));

        var page3 = await GetHtmlAsync(Relative(page2.QuerySelector("a[rel='next']")?.GetAttribute("href")));
        Assert.Equal($"Title <0> of {tag}", Titles(page3)[0]);
        var back = await GetHtmlAsync(Relative(page3.QuerySelector("a[rel='prev']")?.GetAttribute("href")));
        Assert.Equal(Titles(page2), Titles(back));
        var home = await GetHtmlAsync(Relative(back.QuerySelector("a[rel='prev']")?.GetAttribute("href")));
        Assert.Equal(Titles(page1), Titles(home));
    }

    [Theory]
    [InlineData("?cursor=nonsense", "cursor")]
    [InlineData("?cursor=", "cursor")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=abc", "limit")]
    public async Task Front_page_refuses_a_bad_parameter_with_a_400_problem(string query, string parameter)
    {
        using var response = await Host.Http.GetAsync(new Uri(query, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"parameter\":\"{parameter}\"", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Front_page_refuses_a_cursor_of_a_tag_listing()
    {
        var (tag, _) = await SeedAsync(3);
        using var tagPage = await Host.Http.GetAsync(new Uri($"api/tags/{tag}/articles?limit=1", UriKind.Relative), Cancellation);
        var next = System.Text.Json.JsonDocument.Parse(await tagPage.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("next").GetString();
        Assert.NotNull(next);

        using var response = await Host.Http.GetAsync(new Uri($"?cursor={Uri.EscapeDataString(next)}", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Site_feed_is_valid_atom_of_the_20_newest_articles_of_the_whole_site()
    {
        var (tag, slugs) = await SeedAsync(22);

        using var response = await Host.Http.GetAsync(new Uri("feed", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Cancellation);

        using (var reader = XmlReader.Create(new MemoryStream(bytes)))
        {
            var feed = SyndicationFeed.Load(reader);
            Assert.Equal("http://localhost:7071/", feed.Id);
            Assert.Contains(feed.Links, l => l.RelationshipType == "self" && l.Uri == new Uri("http://localhost:7071/feed"));
            Assert.Contains(feed.Links, l => l.RelationshipType == "alternate" && l.Uri == new Uri("http://localhost:7071/"));
            Assert.Equal(slugs.Take(20).Select(s => $"http://localhost:7071/articles/{s}"), feed.Items.Select(i => i.Id));
            Assert.Equal($"Title <21> of {tag}", feed.Items.First().Title.Text);
        }

        var xml = XDocument.Load(new MemoryStream(bytes));
        XNamespace atom = "http://www.w3.org/2005/Atom";
        Assert.Equal(atom + "feed", xml.Root?.Name);
        Assert.All(xml.Root?.Elements(atom + "entry") ?? [], e =>
        {
            Assert.NotNull(e.Element(atom + "id"));
            Assert.NotNull(e.Element(atom + "title"));
            Assert.NotNull(e.Element(atom + "updated"));
        });
    }

    [Fact]
    public async Task Tag_index_lists_every_tag_with_its_count_linking_its_page_and_feed()
    {
        var (tag, _) = await SeedAsync(3);

        var page = await GetHtmlAsync("tags");

        var item = page.QuerySelectorAll("main li").Single(li => li.QuerySelector($"a[href='/tags/{tag}']") is not null);
        Assert.Equal($"Name of {tag}", item.QuerySelector("a[rel='tag']")?.TextContent);
        Assert.Contains("(3 articles)", item.TextContent, StringComparison.Ordinal);
        Assert.Equal($"http://localhost:7071/tags/{tag}/feed", item.QuerySelector("a[type='application/atom+xml']")?.GetAttribute("href"));
        Assert.Equal("http://localhost:7071/feed", page.QuerySelector("head link[rel='alternate'][type='application/atom+xml']")?.GetAttribute("href"));
        Assert.Empty(page.QuerySelectorAll("script, [style]"));
    }

    [Fact]
    public async Task Sitemap_past_its_page_size_is_an_index_of_files_that_together_list_every_article_and_tag_page_once()
    {
        var (tag, slugs) = await SeedAsync(6);

        var root = await GetXmlAsync("sitemap.xml", "application/xml");

        Assert.Equal(Sitemaps + "sitemapindex", root.Root?.Name);
        var files = (root.Root ?? throw new InvalidOperationException("no root")).Elements(Sitemaps + "sitemap").Select(s => s.Element(Sitemaps + "loc")?.Value).ToList();
        Assert.True(files.Count >= 3, $"{files.Count} files");
        Assert.Equal(Enumerable.Range(1, files.Count).Select(n => $"http://localhost:7071/sitemaps/{n}.xml"), files);

        var urls = new List<XElement>();
        foreach (var n in Enumerable.Range(1, files.Count))
        {
            var file = await GetXmlAsync($"sitemaps/{n}.xml", "application/xml");
            Assert.Equal(Sitemaps + "urlset", file.Root?.Name);
            var entries = (file.Root ?? throw new InvalidOperationException("no root")).Elements(Sitemaps + "url").ToList();
            Assert.InRange(entries.Count, 1, SiteHostFixture.SitemapPageSize);
            urls.AddRange(entries);
        }

        var locations = urls.Select(u => u.Element(Sitemaps + "loc")?.Value).ToList();
        Assert.Equal(locations.Count, locations.Distinct().Count());
        Assert.Contains("http://localhost:7071/", locations);
        Assert.Contains("http://localhost:7071/tags", locations);
        Assert.Contains($"http://localhost:7071/tags/{tag}", locations);
        Assert.Contains("http://localhost:7071/tags/shared", locations);
        foreach (var slug in slugs)
        {
            var url = Assert.Single(urls, u => u.Element(Sitemaps + "loc")?.Value == $"http://localhost:7071/articles/{slug}");
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", url.Element(Sitemaps + "lastmod")?.Value);
        }

        // Every article of the site is in it (the listing API pages through the same listing).
        var all = new List<string>();
        string? cursor = null;
        do
        {
            using var page = await Host.Http.GetAsync(new Uri("api/articles?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), UriKind.Relative), Cancellation);
            var json = System.Text.Json.JsonDocument.Parse(await page.Content.ReadAsStringAsync(Cancellation)).RootElement;
            all.AddRange(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("slug").GetString() ?? ""));
            cursor = json.GetProperty("next").GetString();
        }
        while (cursor is not null);
        Assert.Equal(all.Select(s => $"http://localhost:7071/articles/{s}"), locations.Where(l => l is not null && l.Contains("/articles/", StringComparison.Ordinal)));

        // The oldest article's lastmod is its update time, later than its publication.
        var oldest = Assert.Single(urls, u => u.Element(Sitemaps + "loc")?.Value == $"http://localhost:7071/articles/{slugs[^1]}");
        Assert.Equal(
            DateTimeOffset.Parse(oldest.Element(Sitemaps + "lastmod")?.Value ?? "", CultureInfo.InvariantCulture).AddDays(-1),
            (await fixture.Storage.Domain<TagIndex>().ListAsync(tag, 100, null, Cancellation)).Single(r => r.Article.Slug == slugs[^1]).Article.Published);
    }

    [Theory]
    [InlineData("sitemaps/0.xml")]
    [InlineData("sitemaps/999.xml")]
    public async Task Sitemap_file_that_does_not_exist_is_a_404_problem(string path)
    {
        await SeedAsync(6);
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Robots_names_the_sitemap_by_its_absolute_url()
    {
        using var response = await Host.Http.GetAsync(new Uri("robots.txt", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Cancellation)).Split('\n');
        Assert.Contains("Sitemap: http://localhost:7071/sitemap.xml", lines);
        Assert.Contains("User-agent: *", lines);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?limit=2")]
    [InlineData("feed")]
    [InlineData("tags")]
    [InlineData("sitemap.xml")]
    [InlineData("sitemaps/1.xml")]
    [InlineData("robots.txt")]
    public async Task Site_routes_send_strong_etags_and_answer_if_none_match_with_304(string path)
    {
        await SeedAsync(6);
        using var first = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.NotNull(first.Headers.CacheControl?.MaxAge);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await Host.Http.SendAsync(request, Cancellation);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("FrontPage")]
    [InlineData("feed/x")]
    [InlineData("sitemaps/abc.xml")]
    [InlineData("sitemap.xml/1")]
    [InlineData("index.html")]
    public async Task Unknown_paths_are_404_as_from_the_functions_host(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Front_page_route_takes_only_get_on_the_root()
    {
        using var post = await Host.Http.PostAsync(new Uri("", UriKind.Relative), new StringContent(""), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);

        // The host's own endpoints are not shadowed by the root route.
        using var ping = await Host.Http.GetAsync(new Uri("_local/ping", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal("pong", await ping.Content.ReadAsStringAsync(Cancellation));
    }
}
