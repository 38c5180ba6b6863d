using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Storage;

namespace Publishing.Functions.Site;

/// <summary>
/// <c>GET /sitemap.xml</c> and, past <see cref="Publishing.Publication.PublishingOptions.SitemapPageSize"/> URLs, the files
/// <c>GET /sitemaps/{number}.xml</c> it indexes. Cached with the <c>_all</c> listing: a publish drops them.
/// </summary>
public sealed class SitemapEndpoint(SitemapReader sitemaps, ResponseCache cache, StorageReadBudget budget)
{
    [Function(nameof(Sitemap))]
    public Task<IActionResult> Sitemap(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sitemap.xml")] HttpRequest request,
        CancellationToken cancellationToken) =>
        budget.RunAsync(
            async token => Answer(request, await cache.GetAsync("sitemap\nroot", Scope, async t => CachedBody.Of(await sitemaps.ReadRootAsync(t)), token)),
            cancellationToken);

    [Function(nameof(SitemapFile))]
    public Task<IActionResult> SitemapFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sitemaps/{number:int}.xml")] HttpRequest request,
        int number,
        CancellationToken cancellationToken) =>
        budget.RunAsync(
            async token => Answer(request, await cache.GetAsync(
                $"sitemap\n{number}", Scope, async t => await sitemaps.ReadNumberedAsync(number, t) is { } body ? CachedBody.Of(body) : null, token)),
            cancellationToken);

    private static CacheScope Scope => CacheScope.Listing(TagIndex.AllArticles);

    private static IActionResult Answer(HttpRequest request, CachedBody? body) =>
        body is null
            ? ActionResults.Problem(request, StatusCodes.Status404NotFound, "Sitemap file not found", "The sitemap has no such file: /sitemap.xml lists the files there are.")
            : CachedResults.Ok(request, body, SitemapXml.ContentType, CachedResults.ListingCacheControl);
}
