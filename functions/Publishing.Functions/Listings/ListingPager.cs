using Microsoft.AspNetCore.Http;
using Publishing.Listings;

namespace Publishing.Functions.Listings;

/// <summary>The older/newer links of an HTML listing page (the front page, a tag page).</summary>
/// <remarks>
/// Table queries run only forwards, so a page knows its older neighbour exactly; the "newer" link goes to the page
/// this one was reached from (carried in the older link as <c>newer</c>), or to the newest page.
/// </remarks>
public sealed class ListingPager(ListingCursors cursors)
{
    /// <summary>The request's <c>newer</c> cursor when it verifies for <paramref name="listing"/>; one that does not is ignored (the link then goes to the newest page).</summary>
    public async Task<string?> NewerAsync(HttpRequest request, string listing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query["newer"].ToString() is { Length: > 0 } back && await cursors.DecodeAsync(listing, back, cancellationToken) is not null
            ? back
            : null;
    }

    /// <summary>Relative links (under <paramref name="path"/>) to the older and newer neighbours of <paramref name="page"/>, reached with cursor <paramref name="current"/>.</summary>
    public static (string? Older, string? Newer) Links(string path, ListingRead page, string current, string? newer)
    {
        ArgumentNullException.ThrowIfNull(page);
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
        return (older, newerLink);
    }
}
