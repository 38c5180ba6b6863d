using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Publishing;
using Publishing.Storage;

namespace Publishing.Functions.Site;

/// <summary><c>GET /feed</c>: the Atom 1.0 feed of the whole site's newest articles.</summary>
public sealed class SiteFeedEndpoint([FromKeyedServices(StorageLayout.Reads)] TagIndex index, ResponseCache cache, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    public const int Entries = 20;

    [Function("SiteFeed")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "feed")] HttpRequest request,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await cache.GetAsync("feed\n" + TagIndex.AllArticles, CacheScope.Listing(TagIndex.AllArticles), ReadAsync, cancellationToken)
            ?? throw new InvalidOperationException("the site feed always has a body");
        return CachedResults.Ok(request, body, TagFeed.ContentType, CachedResults.PageCacheControl);
    }

    private async Task<CachedBody?> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = await index.ListAsync(TagIndex.AllArticles, Entries, afterKey: null, cancellationToken);
        return CachedBody.Of(TagFeed.WriteSite([.. rows.Select(r => r.Article)], options.Value));
    }
}
