using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Articles;
using Publishing.Comments;
using Publishing.Functions.Comments;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Articles;

/// <summary>
/// <c>GET /articles/{slug}?comments=</c>: the published page with its current comments, rendered from the article's
/// stored content with the template and site settings of this build, and one page of comments (the first, or the one
/// <c>comments</c> points at): four storage reads in parallel whatever the number of comments, and kept in the
/// response cache as rendered bytes. The article's record is one of them: a page is only shown once its record says
/// it is published, so a publish that failed after writing the content (and before its listings and record) shows
/// nothing rather than a page no listing knows.
/// </summary>
public sealed class ArticlePage(
    [FromKeyedServices(StorageLayout.Reads)] SitePages pages,
    [FromKeyedServices(StorageLayout.Reads)] ArticleCatalog catalog,
    [FromKeyedServices(StorageLayout.Reads)] CommentStore comments,
    [FromKeyedServices(StorageLayout.Reads)] StoredArticleUpgrade upgrade,
    IOptions<PublishingOptions> options,
    ListingCursors cursors,
    ResponseCache cache,
    StorageReadBudget budget)
{
    private readonly SiteInfo _site = options.Value.Site();

    /// <summary>Comments shown on one page of the article.</summary>
    public const int CommentsPerPage = ListingRequest.DefaultLimit;

    [Function(nameof(ArticlePage))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "articles/{slug}")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, slug, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        string slug,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Anything that is not a slug cannot name a page: answer without touching storage.
        if (!Slug.IsSlug(slug))
        {
            return NotFound(request, slug);
        }

        string? afterKey = null;
        if (request.Query.TryGetValue("comments", out var cursor)
            && (afterKey = await cursors.DecodeAsync(CommentStore.CursorListing(slug), cursor.ToString(), cancellationToken)) is null)
        {
            return ActionResults.BadParameter(request, "comments",
                "'comments' is not a page of this article's comments. Follow the page's 'More comments' link as it is, or leave it out.");
        }

        if (await cache.GetAsync(CommentCacheKeys.ArticlePage(slug, afterKey), CacheScope.Article(slug), token => ReadAsync(slug, afterKey, token), cancellationToken) is not { } page)
        {
            return NotFound(request, slug);
        }

        // The ETag is the served body's hash: it changes when the page or its comments do. Browsers revalidate every
        // time (a cheap 304) rather than keep the page for a while: after posting a comment, the 303 back to this page
        // must show it, and a fresh cached copy would be reused without asking.
        return CachedResults.Ok(request, page, "text/html; charset=utf-8", "public, no-cache");
    }

    private static IActionResult NotFound(HttpRequest request, string slug) =>
        ActionResults.Problem(request, StatusCodes.Status404NotFound, "Article not found", $"There is no published article '{slug}'.");

    private async Task<CachedBody?> ReadAsync(string slug, string? afterKey, CancellationToken cancellationToken)
    {
        var stored = pages.ReadArticleAsync(slug, cancellationToken);
        var record = catalog.GetAsync(slug, cancellationToken);
        var count = comments.CountAsync(slug, cancellationToken);
        var shown = comments.PageAsync(slug, CommentsPerPage, afterKey, cancellationToken);
        await Task.WhenAll(stored, record, count, shown);
        if (await stored is not { } article || await record is not { Listing: not null } published)
        {
            return null;
        }

        article = await upgrade.UpgradeAsync(published, article, cancellationToken);
        var commentPage = await shown;
        var next = commentPage.NextKey is { } key ? await cursors.EncodeAsync(CommentStore.CursorListing(slug), key, cancellationToken) : null;
        var html = ArticlePageRenderer.RenderPage(article, _site, new CommentsView(slug, await count, commentPage.Items, next, afterKey is null));
        return CachedBody.Of(Encoding.UTF8.GetBytes(html));
    }
}
