using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Publishing.Articles;
using Publishing.Functions.Http;
using Publishing.Pages;

namespace Publishing.Functions.Articles;

/// <summary><c>GET /articles/{slug}</c>: the published page.</summary>
public sealed class ArticlePage(SitePages pages, ResponseCache cache)
{
    [Function("ArticlePage")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "articles/{slug}")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Anything that is not a slug cannot name a page: answer without touching storage.
        if (!Slug.IsSlug(slug) || await cache.GetAsync("article\n" + slug, token => ReadAsync(slug, token), cancellationToken) is not { } page)
        {
            return ActionResults.Problem(request, StatusCodes.Status404NotFound, "Article not found", $"There is no published article '{slug}'.");
        }

        // The blob's ETag changes exactly when the page does; the result answers If-None-Match with 304 itself.
        return CachedResults.Ok(request, page, "text/html; charset=utf-8", "public, max-age=60");
    }

    private async Task<CachedBody?> ReadAsync(string slug, CancellationToken cancellationToken) =>
        await pages.ReadArticleAsync(slug, cancellationToken) is { } page
            ? new CachedBody(page.Content.ToArray(), page.ETag.ToString("H"))
            : null;
}
