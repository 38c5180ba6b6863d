namespace Publishing.IntegrationTests.LocalHost;

/// <summary>A site of published articles (through the real pipeline) whose answers stay cached for a minute unless a publish drops them, and whose sitemap splits past 3 URLs.</summary>
public sealed class SiteCrawlFixture : LocalHostFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Publishing:SitemapPageSize"] = "3";
        settings["Publishing:ResponseCacheDuration"] = "00:01:00";
    }
}
