using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Articles;
using Publishing.Comments;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Comments;

/// <summary>
/// <c>GET /api/articles/{slug}/comments?limit=&amp;cursor=</c>: an article's comments, oldest first, paged like the
/// listings. Not kept in the response cache, so a reader sees a comment as soon as it is stored.
/// </summary>
public sealed class CommentListEndpoint([FromKeyedServices(StorageLayout.Reads)] ArticleCatalog catalog, [FromKeyedServices(StorageLayout.Reads)] CommentStore store, ListingCursors cursors, StorageReadBudget budget)
{
    [Function(nameof(CommentList))]
    public Task<IActionResult> CommentList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/articles/{slug}/comments")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, slug, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        string slug,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Slug.IsSlug(slug))
        {
            return NotFound(request, slug);
        }

        var listing = CommentStore.CursorListing(slug);
        var query = request.Query;
        var parsed = await ListingRequest.ParseAsync(
            listing,
            query.TryGetValue("limit", out var limit) ? limit.ToString() : null,
            query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null,
            cursors,
            cancellationToken);
        if (parsed is not ListingRequest.Valid valid)
        {
            return ActionResults.BadParameter(request, (ListingRequest.Invalid)parsed);
        }

        var pageRead = store.PageAsync(slug, valid.Limit, valid.AfterKey, cancellationToken);
        if (await catalog.GetAsync(slug, cancellationToken) is not { Listing: not null })
        {
            await pageRead;
            return NotFound(request, slug);
        }

        var page = await pageRead;
        var next = page.NextKey is { } key ? await cursors.EncodeAsync(listing, key, cancellationToken) : null;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new CommentListJson([.. page.Items.Select(CommentJson.From)], next), CommentJsonContext.Default.CommentListJson);
        return CachedResults.Ok(request, CachedBody.Of(body), CachedResults.Json, "no-cache");
    }

    private static IActionResult NotFound(HttpRequest request, string slug) =>
        ActionResults.Problem(request, StatusCodes.Status404NotFound, "Article not found", $"There is no published article '{slug}'.");
}
