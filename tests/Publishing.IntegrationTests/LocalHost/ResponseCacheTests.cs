using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Articles;
using Publishing.Listings;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The server's in-memory cache of read responses, on (one minute) as in production.</summary>
public sealed class ResponseCacheTests : IAsyncLifetime
{
    private readonly LocalHostStorage _storage = new();
    private TestLocalHost? _host;

    private TestLocalHost Host => _host ?? throw new InvalidOperationException("not started");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage.Settings["Publishing:ResponseCacheDuration"] = "00:01:00";
        _host = await TestLocalHost.StartAsync(_storage);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _storage.DisposeAsync();
    }

    private Task PutAsync(string tag, string slug, int hour)
    {
        var published = new DateTimeOffset(2025, 1, 1, hour, 0, 0, TimeSpan.Zero);
        var article = new ListedArticle { Slug = slug, Title = slug, Summary = "", Published = published, Tags = [new Tag(tag, tag)] };
        return _storage.Domain<TagIndex>().PutAsync(article, TagIndex.KeyFor(published, slug), Cancellation);
    }

    [Fact]
    public async Task Repeated_reads_within_the_cache_duration_are_answered_from_memory_with_the_same_etag()
    {
        await PutAsync("cached", "first", 1);
        using var first = await Host.Http.GetAsync(new Uri("api/tags/cached/articles", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        await PutAsync("cached", "second", 2);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/tags/cached/articles", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag ?? throw new InvalidOperationException("no ETag"));
        using var again = await Host.Http.SendAsync(request, Cancellation);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(first.Headers.CacheControl, again.Headers.CacheControl);
    }

    [Fact]
    public async Task Not_found_is_not_cached()
    {
        using var before = await Host.Http.GetAsync(new Uri("api/tags/later/articles", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

        await PutAsync("later", "arrives", 1);

        using var after = await Host.Http.GetAsync(new Uri("api/tags/later/articles", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Local_host_answers_the_load_baseline_route_from_memory()
    {
        Assert.Equal("pong", await Host.Http.GetStringAsync(new Uri("_local/ping", UriKind.Relative), Cancellation));
    }
}
