using System.Net;
using Microsoft.AspNetCore.Hosting;
using Publishing.Local;
using Publishing.Local.Http;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// The local host serves this machine only: it binds loopback by default, and answers only requests that name it
/// (<c>Host</c>), so a page elsewhere that re-points its own name at 127.0.0.1 (DNS rebinding) gets nothing.
/// </summary>
public sealed class HostHeaderTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string host, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Host = host;
        return await Host.Http.SendAsync(request, Cancellation);
    }

    [Theory]
    [InlineData("GET", "api/tags")]
    [InlineData("GET", "articles/anything")]
    [InlineData("POST", "api/articles/anything/comments")]
    [InlineData("POST", "runtime/webhooks/blobs?functionName=Host.Functions.PublishArticle")]
    [InlineData("GET", "no/such/route")]
    public async Task Request_that_names_another_host_is_refused_with_400_before_any_route(string method, string path)
    {
        using var response = await SendAsync(new HttpMethod(method), path, $"rebound.example:{Host.BaseAddress.Port}", new StringContent("{}"));

        var (problem, _) = await CommentHttp.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Unknown host", problem.GetProperty("title").GetString());
        Assert.Contains("'rebound.example'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("LocalHost__AllowedHosts", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST.")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("[::1]")]
    public async Task Request_that_names_this_machine_is_served(string name)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/tags", $"{name}:{Host.BaseAddress.Port}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Names_come_from_loopback_the_urls_listened_on_and_allowed_hosts_never_from_a_wildcard()
    {
        var names = new LocalHostNames("http://devbox.lan:7071;http://*:7072;http://+:7073;http://0.0.0.0:7074;http://[::]:7075;http://192.0.2.7:7076", "Extra.Example; 198.51.100.9");

        Assert.True(names.Contains("localhost"));
        Assert.True(names.Contains("[::1]"));
        Assert.True(names.Contains("127.1.2.3"));
        Assert.True(names.Contains("devbox.lan"));
        Assert.True(names.Contains("extra.example"));
        Assert.True(names.Contains("192.0.2.7"));
        Assert.True(names.Contains("198.51.100.9"));
        Assert.False(names.Contains("*"));
        Assert.False(names.Contains("+"));
        Assert.False(names.Contains("0.0.0.0"));
        Assert.False(names.Contains("[::]"));
        Assert.False(names.Contains("evil.example"));
        Assert.False(names.Contains("localhost.evil.example"));
        Assert.False(names.Contains("192.0.2.8"));
        Assert.False(names.Contains(""));
    }

    [Fact]
    public async Task By_default_the_host_listens_on_localhost_only()
    {
        var app = LocalServer.Build(new LocalServerSetup());
        await using (app)
        {
            var urls = app.Configuration[WebHostDefaults.ServerUrlsKey] ?? "";

            Assert.Matches(@"^http://localhost:\d+$", urls);
        }
    }
}
