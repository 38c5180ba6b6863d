using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Listings;

/// <summary><c>GET /api/articles?limit=&amp;cursor=</c>: every article, newest first, paged.</summary>
public sealed class ArticleListEndpoint(ListingReader listings, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    [Function(nameof(ArticleList))]
    public Task<IActionResult> ArticleList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/articles")] HttpRequest request,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parsed = await listings.ParseAsync(request, TagIndex.AllArticles, cancellationToken);
        if (parsed is not ListingRequest.Valid valid)
        {
            return ActionResults.BadParameter(request, (ListingRequest.Invalid)parsed);
        }

        var body = await listings.GetAsync(
            "json", TagIndex.AllArticles, valid, (page, _) => Task.FromResult<byte[]?>(Body(page, options.Value)), cancellationToken);
        return body is null
            ? throw new InvalidOperationException("the site-wide listing always has a body")
            : CachedResults.Ok(request, body, CachedResults.Json, CachedResults.ListingCacheControl);
    }

    internal static byte[] Body(ListingRead page, PublishingOptions options) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ArticleListJson([.. page.Items.Items.Select(a => ArticleSummaryJson.From(a, options))], page.Next),
            ListingJsonContext.Default.ArticleListJson);
}
