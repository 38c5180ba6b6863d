using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Publishing.Local.Http;
using Publishing.TestFunctionApp;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// The local host in front of the real worker process, over real HTTP, held to what the Functions host does: it
/// forwards a request as it came (with X-Forwarded-* and the invocation id of its own), routes as the host routes,
/// cancels the invocation of a client that left, and checks function keys when told to.
/// </summary>
public sealed class WorkerHostTests(TestAppHostFixture fixture) : IClassFixture<TestAppHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forwarded_request_reaches_the_function_with_its_method_path_query_and_body_and_only_the_hosts_forwarding_headers()
    {
        var body = RandomNumberGenerator.GetBytes(1024 * 1024 + 17);
        var clientInvocationId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("test/echo/a/b?x=1&y=%20", UriKind.Relative))
        {
            Content = new ByteArrayContent(body),
        };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        request.Headers.TryAddWithoutValidation(HttpFunctionForwarder.InvocationIdHeader, clientInvocationId);

        using var response = await Host.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await response.Content.ReadFromJsonAsync<EchoedRequest>(Cancellation);
        Assert.NotNull(echoed);
        Assert.Equal("POST", echoed.Method);
        Assert.Equal("/test/echo/a/b", echoed.Path);
        Assert.Equal("?x=1&y=%20", echoed.QueryString);
        Assert.Equal("a/b", echoed.Rest);
        Assert.Equal(body.Length, echoed.BodyBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), echoed.BodySha256);

        // The host SETS X-Forwarded-For to the connection's client (replacing the client's own), which the worker
        // applies and removes; had the host appended to it, the client's 203.0.113.9 would still be there.
        Assert.Equal("127.0.0.1", echoed.RemoteIpAddress);
        Assert.Null(echoed.XForwardedFor);
        Assert.Equal("http", echoed.Scheme);

        // The worker paired the request with the invocation the host sent, by the host's id, not the client's.
        Assert.Equal(echoed.InvocationId, echoed.InvocationIdHeader);
        Assert.NotEqual(clientInvocationId, echoed.InvocationId);
    }

    [Fact]
    public async Task Function_with_an_empty_route_is_not_served_at_the_root_as_in_azure()
    {
        // Azure's host routes an empty route under the function's name (/EmptyRoute), where the worker, which maps it to
        // the root, finds no endpoint: the function is served nowhere. Never at the root.
        using var root = await fixture.Host.Http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
    }

    [Fact]
    public async Task Ten_megabyte_response_streams_back_byte_exact()
    {
        const long length = 10240 * 1024L;

        using var response = await Host.Http.GetAsync(new Uri("test/streams/10240", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(Cancellation);
        var buffer = new byte[64 * 1024];
        long offset = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, Cancellation)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != StreamedBody.ByteAt(offset + i))
                {
                    Assert.Fail($"Byte {offset + i} is {buffer[i]}, not {StreamedBody.ByteAt(offset + i)}.");
                }
            }

            offset += read;
        }

        Assert.Equal(length, offset);
    }

    [Theory]
    [InlineData("DELETE", "test/echo/x")]
    [InlineData("GET", "test/no/such/function")]
    [InlineData("GET", "test/streams/notanumber")]
    public async Task Request_no_function_route_and_method_match_answers_404_with_no_body(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));

        using var response = await Host.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Empty(response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Client_that_aborts_its_request_gets_the_functions_invocation_cancelled_in_the_worker()
    {
        var id = Guid.NewGuid().ToString("N");
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var call = Host.Http.GetAsync(new Uri($"test/waits/{id}", UriKind.Relative), abort.Token);
        await Eventually.TrueAsync(async () => await fixture.Calls.OfAsync("Waits", id, CallLog.Started) == 1, "the function to start", TimeSpan.FromSeconds(10));

        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Eventually.TrueAsync(
            async () => await fixture.Calls.OfAsync("Waits", id, CallLog.Cancelled) == 1, "the function's cancellation token to fire", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Without_enable_auth_a_function_level_route_needs_no_key_as_under_func_start()
    {
        Assert.Null(Host.Keys);

        using var response = await Host.Http.GetAsync(new Uri("test/keyed", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_enable_auth_a_function_level_route_opens_to_the_host_or_master_key_only_and_refuses_others_with_an_empty_401()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["LocalHost:EnableAuth"] = "true";
        storage.Settings["LocalHost:HostKey"] = "host-key-" + Guid.NewGuid().ToString("N");
        storage.Settings["LocalHost:MasterKey"] = "master-key-" + Guid.NewGuid().ToString("N");
        await using var host = await TestFunctions.StartHostAsync(storage);
        Assert.Equal(storage.Settings["LocalHost:HostKey"], host.Keys?.HostKey);

        async Task<HttpStatusCode> GetAsync(string path, string? headerKey = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            if (headerKey is not null)
            {
                request.Headers.TryAddWithoutValidation(FunctionKeys.HeaderName, headerKey);
            }

            using var response = await host.Http.SendAsync(request, Cancellation);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
            }

            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("test/keyed"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("test/keyed", headerKey: "not-a-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("test/keyed?code=not-a-key"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync("test/keyed", headerKey: storage.Settings["LocalHost:HostKey"]));
        Assert.Equal(HttpStatusCode.OK, await GetAsync("test/keyed?code=" + Uri.EscapeDataString(storage.Settings["LocalHost:HostKey"]!)));
        Assert.Equal(HttpStatusCode.OK, await GetAsync("test/keyed", headerKey: storage.Settings["LocalHost:MasterKey"]));
        Assert.Equal(HttpStatusCode.OK, await GetAsync("test/echo/x"));
    }

    [Fact]
    public async Task With_enable_auth_the_apps_editor_routes_refuse_a_request_without_a_key_and_its_reader_routes_need_none()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["LocalHost:EnableAuth"] = "true";
        await using var host = await TestLocalHost.StartAsync(storage);
        var keys = host.Keys ?? throw new InvalidOperationException("Keys are enforced, so the host has them.");
        var slug = "nokey" + Guid.NewGuid().ToString("N")[..8];

        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, $"api/articles/{slug}/comments/pending"),
                     (HttpMethod.Post, $"api/articles/{slug}/comments/c1/approve"),
                     (HttpMethod.Delete, $"api/articles/{slug}/comments/c1"),
                 })
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            using var refused = await host.Http.SendAsync(request, Cancellation);
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)refused.StatusCode} without a key");
            Assert.Empty(await refused.Content.ReadAsByteArrayAsync(Cancellation));
        }

        using var withKey = new HttpRequestMessage(HttpMethod.Get, new Uri($"api/articles/{slug}/comments/pending", UriKind.Relative));
        withKey.Headers.TryAddWithoutValidation(FunctionKeys.HeaderName, keys.HostKey);
        using (var pending = await host.Http.SendAsync(withKey, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, pending.StatusCode);
        }

        using var articles = await host.Http.GetAsync(new Uri("api/articles", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, articles.StatusCode);
        Assert.Equal("application/json", articles.Content.Headers.ContentType?.MediaType);
    }
}
