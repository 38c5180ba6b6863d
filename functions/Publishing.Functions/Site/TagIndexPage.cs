using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publishing;
using Publishing.Storage;

namespace Publishing.Functions.Site;

/// <summary><c>GET /tags</c>: every tag with its article count, linking its page and feed (the HTML of <c>/api/tags</c>).</summary>
public sealed class TagIndexPage([FromKeyedServices(StorageLayout.Reads)] TagDirectory tags, ResponseCache cache, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    [Function("TagIndexPage")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tags")] HttpRequest request,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await cache.GetAsync("tags\nhtml", CacheScope.TagList, ReadAsync, cancellationToken)
            ?? throw new InvalidOperationException("the tag index always has a body");
        return CachedResults.Ok(request, body, "text/html; charset=utf-8", CachedResults.ListingCacheControl);
    }

    private async Task<CachedBody?> ReadAsync(CancellationToken cancellationToken) =>
        CachedBody.Of(Encoding.UTF8.GetBytes(TagIndexRenderer.Render(await tags.ListAsync(cancellationToken), options.Value.ToSiteInfo())));
}
