using System.Globalization;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// A site whose sitemap splits past 5 URLs. The tests seed listing entries straight into storage, past the publisher
/// that would drop cached answers, so this host keeps none (<see cref="SiteCrawlTests"/> tests the cache).
/// </summary>
public sealed class SiteHostFixture : LocalHostFixture
{
    public const int SitemapPageSize = 5;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Publishing:SitemapPageSize"] = SitemapPageSize.ToString(CultureInfo.InvariantCulture);
        settings["Publishing:ResponseCacheDuration"] = "00:00:00";
    }
}
