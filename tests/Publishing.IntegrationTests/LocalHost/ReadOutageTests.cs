using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Publishing.IntegrationTests.Infrastructure;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Storage down, seen by readers: with storage refusing or hanging on every request (from a
/// <see cref="StorageFaultProxy"/> between the worker and Azurite), a page, a listing and a tag page answer a
/// problem+json <c>503</c> with <c>Retry-After</c> within 2 s, on the read path's own storage budget
/// (<c>StorageClient:Read:*</c>, left at its defaults here); a comment post keeps the write clients' longer budget; and
/// once storage is back the same reads succeed at once.
/// </summary>
public sealed class ReadOutageTests
{
    /// <summary>What a reader may wait for a 503 while storage is down, the local host's forwarding included.</summary>
    private static readonly TimeSpan ReaderLimit = TimeSpan.FromSeconds(2);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A host whose storage is reached through a proxy that applies <paramref name="faults"/>, with one published article in one tag.</summary>
    internal static async Task<(LocalHostStorage Storage, StorageFaultProxy Proxy, TestLocalHost Host, string[] Routes)> StartAsync(
        FaultInjectionPolicy faults, string? responseCacheDuration = null)
    {
        var storage = new LocalHostStorage();

        // The read budget's defaults, as in production.
        storage.Settings.Remove("StorageClient:Read:Deadline");
        storage.Settings.Remove("StorageClient:Read:NetworkTimeout");
        var proxy = await StorageFaultProxy.StartAsync(faults, Cancellation);
        storage.Settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        storage.Settings["Comments:PostsPerMinute"] = "1000";
        if (responseCacheDuration is not null)
        {
            storage.Settings["Publishing:ResponseCacheDuration"] = responseCacheDuration;
        }

        var host = await TestLocalHost.StartAsync(storage);
        var slug = "r" + Guid.NewGuid().ToString("N")[..12];
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        await storage.DropAsync($"{slug}.md", $"---\ntitle: Outage {slug}\ntags: [{tag}]\n---\nText.\n");

        // The outcome is recorded last, after the publish has dropped the instance's cached answers: only then
        // does warming the cache below last (a read a moment earlier would be dropped by the publish).
        using (await host.GetWhenOkAsync($"api/submissions/{slug}.md"))
        {
        }

        string[] routes = [$"articles/{slug}", "api/articles", $"tags/{tag}"];
        foreach (var route in routes)
        {
            using (await host.GetWhenOkAsync(route))
            {
            }
        }

        return (storage, proxy, host, routes);
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        var response = await send();
        return (response, clock.Elapsed);
    }

    private static Task<(HttpResponseMessage Response, TimeSpan Elapsed)> GetAsync(TestLocalHost host, string route) =>
        TimedAsync(() => host.Http.GetAsync(new Uri(route, UriKind.Relative), Cancellation));

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string route)
    {
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"GET {route} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        var problem = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData(StorageFault.ConnectionDropped)]
    [InlineData(StorageFault.ServiceUnavailable)]
    [InlineData(StorageFault.Hung)]
    public async Task While_storage_is_down_a_page_a_listing_and_a_tag_page_answer_503_with_Retry_After_within_2_s_and_succeed_at_once_when_it_is_back(
        StorageFault fault)
    {
        var faults = new FaultInjectionPolicy();
        var (storage, proxy, host, routes) = await StartAsync(faults);
        await using (storage)
        await using (proxy)
        await using (host)
        {
            var down = faults.FailFrom(1, _ => true, fault);
            var timings = new List<string>();
            foreach (var route in routes)
            {
                var (response, elapsed) = await GetAsync(host, route);
                using (response)
                {
                    timings.Add($"{route}: {elapsed.TotalMilliseconds:F0} ms");
                    await AssertUnavailableAsync(response, route);
                    Assert.True(elapsed < ReaderLimit, $"GET {route} took {elapsed.TotalMilliseconds:F0} ms to answer 503 ({fault}); the limit is {ReaderLimit.TotalSeconds} s.");
                }
            }

            Assert.True(down.Injected, "no storage request reached the proxy's rule");
            TestContext.Current.TestOutputHelper?.WriteLine($"{fault}: {string.Join(", ", timings)}");

            down.Stop();
            foreach (var route in routes)
            {
                using var response = await host.Http.GetAsync(new Uri(route, UriKind.Relative), Cancellation);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {route} answered {(int)response.StatusCode} right after storage came back");
            }
        }
    }

    [Fact]
    public async Task A_comment_post_while_storage_refuses_keeps_the_write_budget_and_is_not_cut_to_the_read_budget()
    {
        var faults = new FaultInjectionPolicy();
        var (storage, proxy, host, routes) = await StartAsync(faults);
        await using (storage)
        await using (proxy)
        await using (host)
        {
            var slug = routes[0]["articles/".Length..];
            var down = faults.FailFrom(1, _ => true, StorageFault.ConnectionDropped);

            var (read, readTime) = await GetAsync(host, routes[0]);
            using (read)
            {
                await AssertUnavailableAsync(read, routes[0]);
            }

            var (post, postTime) = await TimedAsync(() => CommentHttp.PostAsync(host, slug, "Jane", "Posted while storage is down.", Guid.NewGuid().ToString()));
            using (post)
            {
                await AssertUnavailableAsync(post, $"POST comments of {slug}");
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"read {readTime.TotalMilliseconds:F0} ms, post {postTime.TotalMilliseconds:F0} ms");
            Assert.True(readTime < ReaderLimit, $"the read took {readTime.TotalMilliseconds:F0} ms");

            // The write clients retry as the SDK does by default (3 retries, 0.8 s doubling): seconds, not the read budget.
            Assert.True(postTime > TimeSpan.FromSeconds(3), $"the post gave up after {postTime.TotalMilliseconds:F0} ms, as if on the read budget");
            Assert.True(down.Injected);
        }
    }
}
