using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Publishing.Publication;
using Publishing.Telemetry;

namespace Publishing.Functions.Http;

/// <summary>A response body ready to send, with its strong entity tag (quoted).</summary>
public sealed record CachedBody(byte[] Body, string ETag)
{
    /// <summary>A body whose ETag is the first 128 bits of its SHA-256, base64url: it changes when and only when the body does.</summary>
    public static CachedBody Of(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new CachedBody(body, "\"" + Base64Url.EncodeToString(SHA256.HashData(body).AsSpan(0, 16)) + "\"");
    }
}

/// <summary>
/// Read responses kept in this process's memory for <see cref="PublishingOptions.ResponseCacheDuration"/>, so
/// that repeated reads (and their <c>304</c>s) cost no storage call. Concurrent misses for one key share one
/// read. "Not found" answers are not kept.
/// </summary>
/// <remarks>
/// Every entry belongs to one <see cref="CacheScope"/> (an article, a listing, the tag list). A change this instance
/// makes (a publish, a comment) drops its scopes' entries at once, whatever their keys (every page of a listing,
/// every comment page of an article): each scope has a cancellation token its entries expire with, so dropping a
/// scope touches only its own entries and costs nothing on a hit. Other instances cannot be told: their copies
/// expire within the duration, which is what bounds how stale a reader's answer can be.
/// </remarks>
public sealed class ResponseCache : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _scopes = new(StringComparer.Ordinal);
    private readonly TimeSpan _duration;
    private readonly PublishingTelemetry _telemetry;

    public ResponseCache(IOptions<PublishingOptions> options, PublishingTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(options);
        _duration = options.Value.ResponseCacheDuration;
        _telemetry = telemetry;
    }

    public async Task<CachedBody?> GetAsync(string key, CacheScope scope, Func<CancellationToken, Task<CachedBody?>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (_duration <= TimeSpan.Zero)
        {
            return await read(cancellationToken);
        }

        var created = false;
        var task = _cache.GetOrCreate(key, entry =>
        {
            created = true;
            entry.AbsoluteExpirationRelativeToNow = _duration;
            entry.Size = 1;

            // Taken before the read starts: a change that lands during the read cancels this token and drops the entry.
            entry.AddExpirationToken(new CancellationChangeToken(_scopes.GetOrAdd(scope.Name, static _ => new CancellationTokenSource()).Token));

            // Not tied to one request's cancellation: other requests may be waiting for the same read.
            return read(CancellationToken.None);
        }) ?? throw new InvalidOperationException("the cache returned no entry");
        if (created)
        {
            _telemetry.CacheMiss();
        }
        else
        {
            _telemetry.CacheHit();
        }

        try
        {
            var body = await task.WaitAsync(cancellationToken);
            if (body is null && created)
            {
                _cache.Remove(key);
            }

            return body;
        }
        catch (Exception) when (created)
        {
            _cache.Remove(key);
            throw;
        }
    }

    /// <summary>Drops every entry of <paramref name="scope"/>: this instance changed what they show.</summary>
    public void Invalidate(CacheScope scope)
    {
        // Not disposed: a read that took the token just before may still be registering with it.
        if (_scopes.TryRemove(scope.Name, out var tokens))
        {
            tokens.Cancel();
        }
    }

    public void Dispose() => _cache.Dispose();
}
