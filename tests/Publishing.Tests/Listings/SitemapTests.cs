using System.Xml.Linq;
using Publishing.Listings;

namespace Publishing.Tests.Listings;

public sealed class SitemapTests
{
    private static readonly XNamespace Ns = SitemapXml.Namespace;

    [Theory]
    [InlineData(2, 0, 5, false, 1)]
    [InlineData(2, 3, 5, false, 1)]
    [InlineData(2, 4, 5, true, 2)]
    [InlineData(12, 0, 5, true, 3)]
    [InlineData(2, 49_998, 50_000, false, 1)]
    [InlineData(2, 49_999, 50_000, true, 2)]
    [InlineData(2, 10_000_000, 50_000, true, 201)]
    public void Sitemap_is_one_file_while_its_urls_fit_and_an_index_past_that(int pages, long articles, int size, bool isIndex, int files)
    {
        var plan = new SitemapPlan(pages, articles, size);

        Assert.Equal(isIndex, plan.IsIndex);
        Assert.Equal(files, plan.FileCount);
    }

    [Fact]
    public void Files_cover_the_pages_then_the_articles_each_once_none_past_the_page_size()
    {
        var plan = new SitemapPlan(PageCount: 7, ArticleCount: 11, PageSize: 4);
        var pages = new List<int>();
        var articles = new List<long>();

        for (var n = 1; n <= plan.FileCount; n++)
        {
            var (range, offset, count) = plan.File(n);
            var (start, length) = range.GetOffsetAndLength(plan.PageCount);
            Assert.InRange(length + count, 1, 4);
            pages.AddRange(Enumerable.Range(start, length));
            articles.AddRange(Enumerable.Range(0, count).Select(i => offset + i));
        }

        Assert.Equal(5, plan.FileCount);
        Assert.Equal(Enumerable.Range(0, 7), pages);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => (long)i), articles);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void A_file_the_plan_does_not_have_is_refused(int number) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new SitemapPlan(2, 3, 3).File(number));

    [Fact]
    public void Url_set_has_the_sitemaps_namespace_absolute_locations_and_utc_lastmod()
    {
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(SitemapXml.UrlSet(
        [
            new SitemapEntry(new Uri("https://news.example/"), null),
            new SitemapEntry(new Uri("https://news.example/articles/a-b"), new DateTimeOffset(2025, 5, 14, 20, 5, 0, TimeSpan.FromHours(2))),
        ])));

        Assert.Equal(Ns + "urlset", xml.Root?.Name);
        var urls = xml.Root?.Elements(Ns + "url").ToList() ?? [];
        Assert.Equal(["https://news.example/", "https://news.example/articles/a-b"], urls.Select(u => u.Element(Ns + "loc")?.Value));
        Assert.Null(urls[0].Element(Ns + "lastmod"));
        Assert.Equal("2025-05-14T18:05:00Z", urls[1].Element(Ns + "lastmod")?.Value);
    }

    [Fact]
    public void Index_lists_its_files()
    {
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(SitemapXml.Index([new Uri("https://news.example/sitemaps/1.xml"), new Uri("https://news.example/sitemaps/2.xml")])));

        Assert.Equal(Ns + "sitemapindex", xml.Root?.Name);
        Assert.Equal(
            ["https://news.example/sitemaps/1.xml", "https://news.example/sitemaps/2.xml"],
            xml.Root?.Elements(Ns + "sitemap").Select(s => s.Element(Ns + "loc")?.Value));
    }
}
