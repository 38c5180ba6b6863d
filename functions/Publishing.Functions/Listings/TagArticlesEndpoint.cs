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

/// <summary><c>GET /api/tags/{tag}/articles?limit=&amp;cursor=</c>: a tag's articles, newest first, paged.</summary>
public sealed class TagArticlesEndpoint(ListingReader listings, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    [Function(nameof(TagArticles))]
    public Task<IActionResult> TagArticles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tags/{tag}/articles")] HttpRequest request,
        string tag,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, tag, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        string tag,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Anything that is not a slug cannot name a tag: answer without touching storage.
        if (!Slug.IsSlug(tag))
        {
            return UnknownTag(request, tag);
        }

        var parsed = await listings.ParseAsync(request, tag, cancellationToken);
        if (parsed is not ListingRequest.Valid valid)
        {
            return ActionResults.BadParameter(request, (ListingRequest.Invalid)parsed);
        }

        // A tag without articles on its first page has none at all: unknown (or no longer used).
        var body = await listings.GetAsync(
            "json",
            tag,
            valid,
            (page, _) => Task.FromResult(page is { IsFirst: true, Items.Items.Count: 0 } ? null : ArticleListEndpoint.Body(page, options.Value)),
            cancellationToken);
        return body is null
            ? UnknownTag(request, tag)
            : CachedResults.Ok(request, body, CachedResults.Json, CachedResults.ListingCacheControl);
    }

    internal static IActionResult UnknownTag(HttpRequest request, string tag) =>
        ActionResults.Problem(request, StatusCodes.Status404NotFound, "Tag not found", $"No published article has the tag '{tag}'.");
}
