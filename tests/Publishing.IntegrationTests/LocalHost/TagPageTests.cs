using System.Net;
using System.ServiceModel.Syndication;
using System.Xml;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Articles;
using Publishing.Listings;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The HTML tag page and the tag's Atom feed over real HTTP.</summary>
public sealed class TagPageTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string NewTag() => "t" + Guid.NewGuid().ToString("N")[..12];

    private async Task SeedAsync(string tag, string name, int count)
    {
        var index = fixture.Storage.Domain<TagIndex>();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
        {
            var published = Epoch.AddHours(i);
            var article = new ListedArticle
            {
                Slug = $"{tag}-{i}",
                Title = $"Article <{i}>",
                Summary = $"Summary {i} & more.",
                Author = i % 2 == 0 ? "Jane Roe" : null,
                Published = published,
                Tags = [new Tag(tag, name)],
            };
            return index.PutAsync(article, TagIndex.KeyFor(published, article.Slug), Cancellation);
        }));
    }

    private async Task<(HttpResponseMessage Response, AngleSharp.Html.Dom.IHtmlDocument Page)> GetPageAsync(string path)
    {
        var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var errors = new List<string>();
        var parser = new HtmlParser();
        parser.Error += (_, e) => errors.Add(e.ToString() ?? "error");
        var page = parser.ParseDocument(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Empty(errors);
        return (response, page);
    }

    [Fact]
    public async Task Tag_page_shows_the_display_name_and_the_articles_newest_first_with_links_dates_and_summaries()
    {
        var tag = NewTag();
        await SeedAsync(tag, "Crème <brûlée>", 3);

        var (response, page) = await GetPageAsync($"tags/{tag}");
        using (response)
        {
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Crème <brûlée>", Assert.Single(page.QuerySelectorAll("h1")).TextContent);
            var items = page.QuerySelectorAll("main li article");
            Assert.Equal(["Article <2>", "Article <1>", "Article <0>"], items.Select(i => i.QuerySelector("h2 a")?.TextContent));
            Assert.Equal($"/articles/{tag}-2", items[0].QuerySelector("h2 a")?.GetAttribute("href"));
            Assert.Equal("2025-01-01T02:00:00Z", items[0].QuerySelector("time")?.GetAttribute("datetime"));
            Assert.Contains("Summary 2 & more.", items[0].TextContent, StringComparison.Ordinal);
            Assert.Equal(
                ["http://localhost:7071/feed", $"http://localhost:7071/tags/{tag}/feed"],
                page.QuerySelectorAll("link[rel='alternate'][type='application/atom+xml']").Select(l => l.GetAttribute("href")));
            Assert.Equal($"http://localhost:7071/tags/{tag}", page.QuerySelector("link[rel='canonical']")?.GetAttribute("href"));
            Assert.Equal("/", page.QuerySelector("body > header a")?.GetAttribute("href"));
            Assert.Single(page.QuerySelectorAll("style"));
            Assert.Empty(page.QuerySelectorAll("nav.pager"));
        }
    }

    [Fact]
    public async Task Tag_page_links_older_and_newer_pages()
    {
        var tag = NewTag();
        await SeedAsync(tag, "Paged", 7);

        var (first, page1) = await GetPageAsync($"tags/{tag}?limit=3");
        first.Dispose();
        Assert.Null(page1.QuerySelector("a[rel='prev']"));
        var older = page1.QuerySelector("a[rel='next']")?.GetAttribute("href");
        Assert.NotNull(older);

        var (second, page2) = await GetPageAsync(older.TrimStart('/'));
        second.Dispose();
        Assert.Equal(["Article <3>", "Article <2>", "Article <1>"], page2.QuerySelectorAll("main li h2 a").Select(a => a.TextContent));
        Assert.Equal($"/tags/{tag}?limit=3", page2.QuerySelector("a[rel='prev']")?.GetAttribute("href"));
        var oldest = page2.QuerySelector("a[rel='next']")?.GetAttribute("href");
        Assert.NotNull(oldest);

        var (third, page3) = await GetPageAsync(oldest.TrimStart('/'));
        third.Dispose();
        Assert.Equal(["Article <0>"], page3.QuerySelectorAll("main li h2 a").Select(a => a.TextContent));
        Assert.Null(page3.QuerySelector("a[rel='next']"));
        var back = page3.QuerySelector("a[rel='prev']")?.GetAttribute("href");
        Assert.NotNull(back);
        var (again, page2Again) = await GetPageAsync(back.TrimStart('/'));
        again.Dispose();
        Assert.Equal(page2.QuerySelectorAll("main li h2 a").Select(a => a.TextContent), page2Again.QuerySelectorAll("main li h2 a").Select(a => a.TextContent));
    }

    [Fact]
    public async Task Tag_page_is_cached_as_briefly_as_a_listing_and_its_feed_longer_and_both_answer_if_none_match_with_304()
    {
        var tag = NewTag();
        await SeedAsync(tag, "Cached", 2);

        // The page lists what was just published, so a browser keeps it no longer than the front page; feed readers poll.
        foreach (var (path, maxAge) in new[] { ($"tags/{tag}", 30), ($"tags/{tag}/feed", 300) })
        {
            using var first = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            var etag = first.Headers.ETag;
            Assert.NotNull(etag);
            Assert.False(etag.IsWeak);
            Assert.Equal(TimeSpan.FromSeconds(maxAge), first.Headers.CacheControl?.MaxAge);

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.IfNoneMatch.Add(etag);
            using var second = await Host.Http.SendAsync(request, Cancellation);
            Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
            Assert.Equal(etag, second.Headers.ETag);
            Assert.Equal(first.Headers.CacheControl, second.Headers.CacheControl);
        }
    }

    [Fact]
    public async Task Feed_is_valid_atom_with_id_updated_title_links_and_entry_summaries()
    {
        var tag = NewTag();
        await SeedAsync(tag, "Diplomacy", 3);

        using var response = await Host.Http.GetAsync(new Uri($"tags/{tag}/feed", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Cancellation);

        using (var reader = XmlReader.Create(new MemoryStream(bytes)))
        {
            var feed = SyndicationFeed.Load(reader);
            Assert.Equal($"http://localhost:7071/tags/{tag}", feed.Id);
            Assert.StartsWith("Diplomacy", feed.Title.Text, StringComparison.Ordinal);
            Assert.Equal(Epoch.AddHours(2), feed.LastUpdatedTime);
            Assert.Contains(feed.Links, l => l.RelationshipType == "self" && l.Uri == new Uri($"http://localhost:7071/tags/{tag}/feed"));
            Assert.Contains(feed.Links, l => l.RelationshipType == "alternate" && l.Uri == new Uri($"http://localhost:7071/tags/{tag}"));
            var entries = feed.Items.ToList();
            Assert.Equal(3, entries.Count);
            Assert.Equal($"http://localhost:7071/articles/{tag}-2", entries[0].Id);
            Assert.Equal("Article <2>", entries[0].Title.Text);
            Assert.Equal("Summary 2 & more.", entries[0].Summary.Text);
            Assert.Equal(Epoch.AddHours(2), entries[0].PublishDate);
            Assert.Equal(Epoch.AddHours(2), entries[0].LastUpdatedTime);
            Assert.Equal("Jane Roe", Assert.Single(entries[0].Authors).Name);
            Assert.Equal(new Uri($"http://localhost:7071/articles/{tag}-2"), Assert.Single(entries[0].Links).Uri);
        }

        // RFC 4287's required entry elements, checked on the XML itself rather than through the library that wrote it.
        var xml = XDocument.Load(new MemoryStream(bytes));
        Assert.Equal(Atom + "feed", xml.Root?.Name);
        foreach (var entry in xml.Root?.Elements(Atom + "entry") ?? [])
        {
            Assert.NotNull(entry.Element(Atom + "id"));
            Assert.NotNull(entry.Element(Atom + "title"));
            Assert.NotNull(entry.Element(Atom + "updated"));
            Assert.NotNull(entry.Element(Atom + "summary"));
            Assert.NotNull(entry.Element(Atom + "link"));
        }
    }

    [Theory]
    [InlineData("tags/no-such-tag-anywhere")]
    [InlineData("tags/no-such-tag-anywhere/feed")]
    [InlineData("tags/x'%20or%20'1'%20eq%20'1")]
    [InlineData("tags/..%2F..%2Fsecret/feed")]
    [InlineData("tags/_all")]
    [InlineData("tags/_all/feed")]
    public async Task Unknown_or_hostile_tags_are_404_problems(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Tag_page_refuses_a_garbled_cursor_with_a_400_problem()
    {
        var tag = NewTag();
        await SeedAsync(tag, "Garbled", 2);

        using var response = await Host.Http.GetAsync(new Uri($"tags/{tag}?cursor=nonsense", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
