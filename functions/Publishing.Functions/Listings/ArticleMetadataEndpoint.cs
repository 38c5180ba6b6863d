using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Articles;
using Publishing.Comments;
using Publishing.Functions.Comments;
using Publishing.Functions.Http;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Listings;

/// <summary><c>GET /api/articles/{slug}</c>: one published article's metadata, from its record.</summary>
public sealed class ArticleMetadataEndpoint([FromKeyedServices(StorageLayout.Reads)] ArticleCatalog catalog, [FromKeyedServices(StorageLayout.Reads)] CommentStore comments, ResponseCache cache, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    [Function(nameof(ArticleMetadata))]
    public Task<IActionResult> ArticleMetadata(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/articles/{slug}")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, slug, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        string slug,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Slug.IsSlug(slug) || await cache.GetAsync(CommentCacheKeys.ArticleJson(slug), CacheScope.Article(slug), token => ReadAsync(slug, token), cancellationToken) is not { } body)
        {
            return ActionResults.Problem(request, StatusCodes.Status404NotFound, "Article not found", $"There is no published article '{slug}'.");
        }

        return CachedResults.Ok(request, body, CachedResults.Json, CachedResults.ListingCacheControl);
    }

    private async Task<CachedBody?> ReadAsync(string slug, CancellationToken cancellationToken)
    {
        var count = comments.CountAsync(slug, cancellationToken);
        if (await catalog.GetAsync(slug, cancellationToken) is not { Listing: { } article })
        {
            await count;
            return null;
        }

        var summary = ArticleSummaryJson.From(article, options.Value);
        var json = new ArticleJson(
            summary.Title, summary.Slug, summary.Url, summary.Summary, summary.Tags, summary.Source, summary.Author, summary.Published, summary.Updated, CommentCount: await count);
        return CachedBody.Of(JsonSerializer.SerializeToUtf8Bytes(json, ListingJsonContext.Default.ArticleJson));
    }
}
