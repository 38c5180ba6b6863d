using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Listings;

/// <summary>
/// <c>GET /api/tags</c> and <c>GET /tags</c>: every tag in use, with its display name and article count (kept by
/// publishing), as JSON and as the HTML tag index linking each tag's page and feed.
/// </summary>
public sealed class TagListEndpoint([FromKeyedServices(StorageLayout.Reads)] TagDirectory tags, ResponseCache cache, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    [Function(nameof(TagList))]
    public Task<IActionResult> TagList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tags")] HttpRequest request,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, token), cancellationToken);

    [Function(nameof(TagIndexPage))]
    public Task<IActionResult> TagIndexPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tags")] HttpRequest request,
        CancellationToken cancellationToken) =>
        budget.RunAsync(
            async token =>
            {
                ArgumentNullException.ThrowIfNull(request);
                var body = await cache.GetAsync(
                    "tags\nhtml",
                    CacheScope.TagDirectory,
                    async t => CachedBody.Of(Encoding.UTF8.GetBytes(TagIndexRenderer.Render(await tags.ListAsync(t), options.Value.Site()))),
                    token) ?? throw new InvalidOperationException("the tag index always has a body");
                return CachedResults.Ok(request, body, "text/html; charset=utf-8", CachedResults.ListingCacheControl);
            },
            cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await cache.GetAsync("tags", CacheScope.TagDirectory, ReadAsync, cancellationToken)
            ?? throw new InvalidOperationException("the tag list always has a body");
        return CachedResults.Ok(request, body, CachedResults.Json, CachedResults.ListingCacheControl);
    }

    private async Task<CachedBody?> ReadAsync(CancellationToken cancellationToken)
    {
        var site = options.Value;
        var items = (await tags.ListAsync(cancellationToken))
            .Select(t => new TagCountJson(t.Slug, t.Name, t.Count, site.TagUrl(t.Slug), site.TagFeedUrl(t.Slug)))
            .ToList();
        return CachedBody.Of(JsonSerializer.SerializeToUtf8Bytes(new TagListJson(items, null), ListingJsonContext.Default.TagListJson));
    }
}
