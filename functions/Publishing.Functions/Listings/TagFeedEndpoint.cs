using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Articles;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Listings;

/// <summary><c>GET /tags/{tag}/feed</c> and <c>GET /feed</c>: the Atom 1.0 feeds of a tag's and of the whole site's newest articles.</summary>
public sealed class TagFeedEndpoint([FromKeyedServices(StorageLayout.Reads)] TagIndex index, ResponseCache cache, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    private const int Entries = 20;

    [Function(nameof(TagFeed))]
    public Task<IActionResult> TagFeed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tags/{tag}/feed")] HttpRequest request,
        string tag,
        CancellationToken cancellationToken) =>
        Slug.IsSlug(tag)
            ? budget.RunAsync(token => AnswerAsync(request, tag, token), cancellationToken)
            : Task.FromResult(TagArticlesEndpoint.UnknownTag(request, tag));

    [Function(nameof(SiteFeed))]
    public Task<IActionResult> SiteFeed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "feed")] HttpRequest request,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, TagIndex.AllArticles, token), cancellationToken);

    /// <summary>The feed of <paramref name="tag"/>, a slug or <see cref="TagIndex.AllArticles"/> (which always has one).</summary>
    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        string tag,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await cache.GetAsync("feed\n" + tag, CacheScope.Listing(tag), token => ReadAsync(tag, token), cancellationToken) is not { } body)
        {
            return TagArticlesEndpoint.UnknownTag(request, tag);
        }

        return CachedResults.Ok(request, body, AtomFeed.ContentType, CachedResults.FeedCacheControl);
    }

    private async Task<CachedBody?> ReadAsync(string tag, CancellationToken cancellationToken)
    {
        var rows = await index.ListAsync(tag, Entries, afterKey: null, cancellationToken);
        var articles = rows.Select(r => r.Article).ToList();
        if (tag == TagIndex.AllArticles)
        {
            return CachedBody.Of(AtomFeed.WriteSite(articles, options.Value));
        }

        if (rows.Count == 0)
        {
            return null;
        }

        var name = articles.SelectMany(a => a.Tags).FirstOrDefault(t => t.Slug == tag)?.Name ?? tag;
        return CachedBody.Of(AtomFeed.Write(new Tag(tag, name), articles, options.Value));
    }
}
