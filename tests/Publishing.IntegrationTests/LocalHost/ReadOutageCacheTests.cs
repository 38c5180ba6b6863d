using System.Net;
using Publishing.IntegrationTests.Infrastructure;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>A storage outage while the response cache is on (as in production): what is cached is still answered from memory.</summary>
public sealed class ReadOutageCacheTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task While_storage_is_down_a_cached_page_is_still_answered_from_the_cache()
    {
        var faults = new FaultInjectionPolicy();
        var (storage, proxy, host, routes) = await ReadOutageTests.StartAsync(faults, responseCacheDuration: "00:01:00");
        await using (storage)
        await using (proxy)
        await using (host)
        {
            var down = faults.FailFrom(1, _ => true, StorageFault.Hung);
            foreach (var route in routes)
            {
                using var response = await host.Http.GetAsync(new Uri(route, UriKind.Relative), Cancellation);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {route} answered {(int)response.StatusCode} from a warm cache while storage was down");
            }

            down.Stop();
        }
    }
}
