using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Publishing.Articles;
using Publishing.Comments;
using Publishing.Functions.Http;

namespace Publishing.Functions.Comments;

/// <summary>
/// Editors' comment moderation, behind a function key (<see cref="AuthorizationLevel.Function"/>): list an article's
/// pending comments, approve one, delete one (pending or shown). The local host checks keys only when asked
/// (<c>LocalHost:EnableAuth</c>), so these also refuse what a browser sends for another site (<see cref="Http.CrossSiteRequestMiddleware"/>).
/// </summary>
public sealed class CommentModerationEndpoints(CommentStore store, ResponseCache cache)
{
    [Function(nameof(CommentPendingList))]
    public async Task<IActionResult> CommentPendingList(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/articles/{slug}/comments/pending")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<Comment> pending = Slug.IsSlug(slug) ? await store.PendingAsync(slug, 100, cancellationToken) : [];
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new CommentListJson([.. pending.Select(CommentJson.From)], Next: null), CommentJsonContext.Default.CommentListJson);
        return CachedResults.Ok(request, CachedBody.Of(body), CachedResults.Json, "no-store");
    }

    [Function(nameof(CommentApprove))]
    public async Task<IActionResult> CommentApprove(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/articles/{slug}/comments/{id}/approve")] HttpRequest request,
        string slug,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Slug.IsSlug(slug) || await store.ApproveAsync(slug, id, cancellationToken) is not { } approved)
        {
            return NotFound(request, slug, id);
        }

        Forget(slug);
        return Results.Text(
            JsonSerializer.Serialize(CommentJson.From(approved), CommentJsonContext.Default.CommentJson), CachedResults.Json).ToActionResult();
    }

    [Function(nameof(CommentDelete))]
    public async Task<IActionResult> CommentDelete(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/articles/{slug}/comments/{id}")] HttpRequest request,
        string slug,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Slug.IsSlug(slug) || await store.DeleteAsync(slug, id, cancellationToken) is null)
        {
            return NotFound(request, slug, id);
        }

        Forget(slug);
        return Results.NoContent().ToActionResult();
    }

    private void Forget(string slug)
    {
        cache.Invalidate(CacheScope.Article(slug));
    }

    private static IActionResult NotFound(HttpRequest request, string slug, string id) =>
        ActionResults.Problem(request, StatusCodes.Status404NotFound, "Comment not found", $"Article '{slug}' has no comment '{id}'.");
}
