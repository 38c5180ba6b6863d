using System.Collections.Concurrent;
using System.Net;
using System.Xml.Linq;
using AngleSharp.Html.Parser;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The readers' site as a crawler and a browser see it: every link resolves, the cache follows publishes, no CSP violation.</summary>
public sealed class SiteCrawlTests(SiteCrawlFixture fixture) : IClassFixture<SiteCrawlFixture>
{
    /// <summary>What <see cref="Publishing.Publication.PublishingOptions.PublicBaseUrl"/> is in tests: absolute links start with it.</summary>
    private static readonly Uri PublicBase = new("http://localhost:7071/");

    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Publishes an article file of the test's own and waits for its page; returns its slug.</summary>
    private async Task<string> PublishAsync(string frontMatter = "", string body = "Text.\n")
    {
        var slug = "w" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Storage.DropAsync($"{slug}.md", $"---\ntitle: Article {slug}\n{frontMatter}---\n{body}");
        using (await Host.GetWhenOkAsync($"articles/{slug}"))
        {
        }

        return slug;
    }

    /// <summary>A link as the crawler follows it: on this site (relative, or under the public base URL), as a URL of the test host; null for elsewhere.</summary>
    private Uri? OnSite(Uri page, string? link)
    {
        if (string.IsNullOrWhiteSpace(link) || !Uri.TryCreate(page, link, out var target))
        {
            return null;
        }

        if (target.AbsoluteUri.StartsWith(PublicBase.AbsoluteUri, StringComparison.Ordinal))
        {
            target = new Uri(Host.BaseAddress, target.PathAndQuery);
        }

        return target.Scheme is "http" or "https" && target.Authority == Host.BaseAddress.Authority
            ? new UriBuilder(target) { Fragment = "" }.Uri
            : null;
    }

    private async Task<(List<string> Broken, HashSet<string> Seen)> CrawlAsync(params string[] starts)
    {
        var queue = new Queue<(Uri Url, string From)>(starts.Select(s => (new Uri(Host.BaseAddress, s), "start")));
        var seen = new HashSet<Uri>(queue.Select(q => q.Url));
        var broken = new List<string>();
        var parser = new HtmlParser();
        while (queue.Count > 0 && seen.Count < 1000)
        {
            var (url, from) = queue.Dequeue();
            using var response = await Host.Http.GetAsync(url, Cancellation);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotModified))
            {
                broken.Add($"{(int)response.StatusCode} {url.PathAndQuery} (linked from {from})");
                continue;
            }

            var text = await response.Content.ReadAsStringAsync(Cancellation);
            IEnumerable<string?> links = response.Content.Headers.ContentType?.MediaType switch
            {
                "text/html" => parser.ParseDocument(text)
                    .QuerySelectorAll("[href], [src], form[action]")
                    .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src") ?? e.GetAttribute("action")),
                "application/atom+xml" => XDocument.Parse(text).Descendants(XName.Get("link", "http://www.w3.org/2005/Atom")).Select(l => l.Attribute("href")?.Value),
                "application/xml" => XDocument.Parse(text).Descendants(XName.Get("loc", Listings.SitemapXml.Namespace)).Select(l => l.Value),
                "text/plain" => text.Split('\n').Where(l => l.StartsWith("Sitemap: ", StringComparison.Ordinal)).Select(l => l["Sitemap: ".Length..].Trim()),
                _ => [],
            };
            foreach (var link in links)
            {
                if (OnSite(url, link) is { } next && seen.Add(next))
                {
                    queue.Enqueue((next, url.PathAndQuery));
                }
            }
        }

        Assert.True(seen.Count < 1000, "the crawl did not end");
        return (broken, [.. seen.Select(u => u.PathAndQuery)]);
    }

    [Fact]
    public async Task Crawling_the_site_from_the_front_page_and_robots_finds_no_broken_link()
    {
        var slugs = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            slugs.Add(await PublishAsync($"tags: [crawl, \"Topic {i % 2}\"]\nsource: Wire\ndate: 2030-01-0{i + 1}T00:00:00Z\n", $"See [the front page](/) and [the tags](/tags).\n\nBody {i}.\n"));
        }

        var (broken, seen) = await CrawlAsync("", "?limit=2", "robots.txt");

        Assert.Empty(broken);

        // The crawl got everywhere it should: every article, tag page and feed, the sitemap's files, older front pages (a page of two articles, and the links back).
        Assert.All(slugs, slug => Assert.Contains($"/articles/{slug}", seen));
        Assert.Contains("/tags/crawl", seen);
        Assert.Contains("/tags/crawl/feed", seen);
        Assert.Contains("/tags/topic-1", seen);
        Assert.Contains("/feed", seen);
        Assert.Contains("/tags", seen);
        Assert.Contains("/sitemap.xml", seen);
        Assert.Contains("/sitemaps/2.xml", seen);
        Assert.Contains(seen, s => s.StartsWith("/?limit=2&cursor=", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.StartsWith("/?limit=2&cursor=", StringComparison.Ordinal) && s.Contains("&newer=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Crawler_reports_a_link_that_does_not_resolve()
    {
        var (broken, _) = await CrawlAsync("articles/no-such-article-anywhere");

        Assert.Equal(["404 /articles/no-such-article-anywhere (linked from start)"], broken);
    }

    [Fact]
    public async Task Publishing_an_article_drops_the_cached_front_page_feed_tag_index_and_sitemap_at_once()
    {
        await PublishAsync();
        string[] paths = ["", "feed", "tags", "sitemap.xml"];
        var before = new Dictionary<string, string>();
        foreach (var path in paths)
        {
            using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            before[path] = await response.Content.ReadAsStringAsync(Cancellation);
        }

        // Dated after everything else, so it is the newest article; without the publish dropping them, the old answers would stay for a minute.
        var tag = "fresh" + Guid.NewGuid().ToString("N")[..8];
        var slug = await PublishAsync($"date: 2999-01-01T00:00:00Z\ntags: [{tag}]\n");

        var after = new Dictionary<string, string>();
        foreach (var path in paths)
        {
            using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            after[path] = await response.Content.ReadAsStringAsync(Cancellation);
        }

        var front = new HtmlParser().ParseDocument(after[""]);
        Assert.Equal($"Article {slug}", front.QuerySelector("main ol.listing > li h2 a")?.TextContent);
        Assert.Contains($"/articles/{slug}", after["feed"], StringComparison.Ordinal);
        Assert.Contains($"href=\"/tags/{tag}\"", after["tags"], StringComparison.Ordinal);
        Assert.NotEqual(before["sitemap.xml"], after["sitemap.xml"]);
        Assert.All(paths, p => Assert.DoesNotContain(slug, before[p], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Front_page_in_a_browser_shows_its_links_styled_and_reports_no_csp_violation()
    {
        var slug = await PublishAsync($"tags: [browser]\ndate: 2998-01-01T00:00:00Z\n");

        await Chromium.RunAsync(async page =>
        {
            var console = new ConcurrentQueue<string>();
            page.Console += (_, message) => console.Enqueue(message.Text);
            var response = await page.GotoAsync(Host.BaseAddress.ToString());
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);

            // The style sheet applied under the page's policy (44rem is the body's max-width in it).
            Assert.Equal("704px", await page.Locator("body").EvaluateAsync<string>("b => getComputedStyle(b).maxWidth"));
            foreach (var link in new[] { page.Locator("main a[href='/tags']"), page.Locator($"main a[href='/articles/{slug}']"), page.Locator("main a[href='/tags/browser']").First, page.Locator("body > header a[href='/']") })
            {
                Assert.True(await link.IsVisibleAsync(), "a link is not visible");
            }

            await page.Locator($"main a[href='/articles/{slug}']").ClickAsync();
            await page.WaitForURLAsync(new Uri(Host.BaseAddress, $"articles/{slug}").ToString());
            await page.Locator("body > header a[href='/']").ClickAsync();
            await page.WaitForURLAsync(Host.BaseAddress.ToString());
            Assert.Equal(1, await page.Locator("h1").CountAsync());

            Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.Ordinal));
        });
    }
}
