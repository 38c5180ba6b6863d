using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Publishing.Publishing;

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
/// read. Nothing is evicted on publish: instances cannot tell each other, so a change shows within the duration; only
/// an instance that stores a comment drops its own copies of that article's first page.
/// "Not found" answers are not kept.
/// </summary>
public sealed class ResponseCache : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly TimeSpan _duration;

    public ResponseCache(IOptions<PublishingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _duration = options.Value.ResponseCacheDuration;
    }

    public async Task<CachedBody?> GetAsync(string key, Func<CancellationToken, Task<CachedBody?>> read, CancellationToken cancellationToken)
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

            // Not tied to one request's cancellation: other requests may be waiting for the same read.
            return read(CancellationToken.None);
        }) ?? throw new InvalidOperationException("the cache returned no entry");
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

    /// <summary>Drops an entry this instance knows to be out of date (other instances' copies expire on their own).</summary>
    public void Remove(string key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();
}
