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
using Publishing.Publishing;
using Publishing.Storage;

namespace Publishing.Functions.Listings;

/// <summary><c>GET /tags/{tag}?limit=&amp;cursor=</c>: the HTML listing of a tag, newest first, paged.</summary>
/// <remarks>
/// Table queries run only forwards, so a page knows its older neighbour exactly; the "newer" link goes to the page
/// this one was reached from (carried in the older link as <c>newer</c>), or to the newest page.
/// </remarks>
public sealed class TagPage(ListingReader listings, ListingCursors cursors, [FromKeyedServices(StorageLayout.Reads)] TagIndex index, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    [Function("TagPage")]
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

        // A "newer" cursor that does not verify is ignored: the link then goes to the newest page.
        var newer = request.Query["newer"].ToString() is { Length: > 0 } back && await cursors.DecodeAsync(tag, back, cancellationToken) is not null
            ? back
            : null;
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
            : CachedResults.Ok(request, body, "text/html; charset=utf-8", CachedResults.PageCacheControl);
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
        var path = "/tags/" + tag;
        var limit = page.Limit == ListingRequest.DefaultLimit ? "" : $"limit={page.Limit}";
        string Link(string? cursor, string? from) =>
            path + "?" + string.Join('&', new[]
            {
                limit,
                cursor is null ? "" : "cursor=" + Uri.EscapeDataString(cursor),
                from is null ? "" : "newer=" + Uri.EscapeDataString(from),
            }.Where(p => p.Length > 0));
        var older = page.Next is { } next ? Link(next, page.IsFirst ? null : current) : null;
        var newerLink = page.IsFirst ? null : Link(newer, null).TrimEnd('?');
        return TagPageRenderer.Render(new TagPageModel(
            new Tag(tag, name),
            page.Items.Items,
            site.TagUrl(tag),
            older,
            newerLink,
            new SiteInfo(site.SiteName, site.Language, site.PublicBaseUrl)));
    }
}
