using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Publishing.Functions.Http;
using Publishing.Functions.Listings;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Site;

/// <summary><c>GET /?limit=&amp;cursor=</c>: the front page, the whole site's articles newest first, paged like a tag page.</summary>
public sealed class FrontPage(ListingReader listings, ListingPager pager, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    /// <summary>
    /// The site root. Not an empty route: the Functions host maps an empty (or missing) route to the function's name
    /// (<c>/FrontPage</c>); an optional parameter that may only be empty matches <c>/</c> and nothing else.
    /// </summary>
    public const string Route = "{root:maxlength(0)?}";

    [Function(nameof(FrontPage))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parsed = await listings.ParseAsync(request, TagIndex.AllArticles, cancellationToken);
        if (parsed is not ListingRequest.Valid valid)
        {
            return ActionResults.BadParameter(request, (ListingRequest.Invalid)parsed);
        }

        var newer = await pager.NewerAsync(request, TagIndex.AllArticles, cancellationToken);
        var current = request.Query["cursor"].ToString();
        var body = await listings.GetAsync(
            "html",
            TagIndex.AllArticles,
            valid,
            (page, _) => Task.FromResult<byte[]?>(Encoding.UTF8.GetBytes(Render(page, current, newer))),
            cancellationToken,
            variant: newer) ?? throw new InvalidOperationException("the front page always has a body");
        return CachedResults.Ok(request, body, "text/html; charset=utf-8", CachedResults.ListingCacheControl);
    }

    private string Render(ListingRead page, string current, string? newer)
    {
        var (older, newerLink) = ListingPager.Links("/", page, current, newer);
        return FrontPageRenderer.Render(new FrontPageModel(page.Items.Items, older, newerLink, options.Value.Site()));
    }
}
