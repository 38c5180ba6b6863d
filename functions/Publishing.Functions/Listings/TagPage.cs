using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Articles;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Listings;

/// <summary><c>GET /tags/{tag}?limit=&amp;cursor=</c>: the HTML listing of a tag, newest first, paged.</summary>
/// <remarks>Older/newer links as <see cref="ListingPager"/> makes them.</remarks>
public sealed class TagPage(ListingReader listings, ListingPager pager, [FromKeyedServices(StorageLayout.Reads)] TagIndex index, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    [Function(nameof(TagPage))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tags/{tag}")] HttpRequest request,
        string tag,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, tag, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        string tag,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Slug.IsSlug(tag))
        {
            return TagArticlesEndpoint.UnknownTag(request, tag);
        }

        var parsed = await listings.ParseAsync(request, tag, cancellationToken);
        if (parsed is not ListingRequest.Valid valid)
        {
            return ActionResults.BadParameter(request, (ListingRequest.Invalid)parsed);
        }

        var newer = await pager.NewerAsync(request, tag, cancellationToken);
        var current = request.Query["cursor"].ToString();
        var body = await listings.GetAsync(
            "html",
            tag,
            valid,
            async (page, token) => await RenderAsync(tag, page, current, newer, token) is { } html ? Encoding.UTF8.GetBytes(html) : null,
            cancellationToken,
            variant: newer);
        return body is null
            ? TagArticlesEndpoint.UnknownTag(request, tag)
            : CachedResults.Ok(request, body, "text/html; charset=utf-8", CachedResults.ListingCacheControl);
    }

    private async Task<string?> RenderAsync(string tag, ListingRead page, string current, string? newer, CancellationToken cancellationToken)
    {
        var name = page.Items.Items.SelectMany(a => a.Tags).FirstOrDefault(t => t.Slug == tag)?.Name
            ?? (page.IsFirst ? null : (await index.GetTagAsync(tag, cancellationToken))?.Name);
        if (name is null)
        {
            return null;
        }

        var site = options.Value;
        var (older, newerLink) = ListingPager.Links("/tags/" + tag, page, current, newer);
        return TagPageRenderer.Render(new TagPageModel(
            new Tag(tag, name),
            page.Items.Items,
            site.TagUrl(tag),
            older,
            newerLink,
            site.Site()));
    }
}
