using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Publishing.Functions.Http;

/// <summary>
/// Answers with a body and its strong ETag; a matching <c>If-None-Match</c> gets <c>304</c> with the same
/// <c>ETag</c> and <c>Cache-Control</c>.
/// </summary>
public static class CachedResults
{
    /// <summary>Listings (JSON, the front page, tag pages) change with every publish: short.</summary>
    public const string ListingCacheControl = "public, max-age=30";

    /// <summary>Feeds (polled by feed readers) and <c>robots.txt</c>: longer.</summary>
    public const string FeedCacheControl = "public, max-age=300";

    public const string Json = "application/json; charset=utf-8";

    public static IActionResult Ok(HttpRequest request, CachedBody body, string contentType, string cacheControl)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        request.HttpContext.Response.Headers.CacheControl = cacheControl;
        return Results.Bytes(body.Body, contentType, entityTag: new EntityTagHeaderValue(body.ETag)).ToActionResult();
    }
}
