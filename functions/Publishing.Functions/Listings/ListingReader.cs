using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Functions.Http;
using Publishing.Listings;
using Publishing.Storage;

namespace Publishing.Functions.Listings;

/// <summary>A page read for a request, with the signed cursor of the next one.</summary>
public sealed record ListingRead(ListingPage Items, string? Next, int Limit, bool IsFirst);

/// <summary>
/// Reads the page of a listing a request asks for (<c>limit</c>, <c>cursor</c>): one range query on the tag
/// index, through the <see cref="ResponseCache"/>.
/// </summary>
public sealed class ListingReader([FromKeyedServices(StorageLayout.Reads)] TagIndex index, ListingCursors cursors, ResponseCache cache)
{
    /// <summary>The request's <c>limit</c> and <c>cursor</c>, checked against <paramref name="listing"/>.</summary>
    public Task<ListingRequest> ParseAsync(HttpRequest request, string listing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        return ListingRequest.ParseAsync(
            listing,
            query.TryGetValue("limit", out var limit) ? limit.ToString() : null,
            query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null,
            cursors,
            cancellationToken);
    }

    public async Task<ListingRead> ReadAsync(string listing, ListingRequest.Valid request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = await index.PageAsync(listing, request.Limit, request.AfterKey, cancellationToken);
        var next = page.NextKey is { } key ? await cursors.EncodeAsync(listing, key, cancellationToken) : null;
        return new ListingRead(page, next, request.Limit, request.AfterKey is null);
    }

    /// <summary>
    /// The cached body <paramref name="render"/> makes of the requested page (<c>kind</c> names the rendering);
    /// null when <paramref name="render"/> gives none (the listing does not exist).
    /// </summary>
    public Task<CachedBody?> GetAsync(
        string kind, string listing, ListingRequest.Valid request, Func<ListingRead, CancellationToken, Task<byte[]?>> render, CancellationToken cancellationToken,
        string? variant = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(render);
        return cache.GetAsync(
            $"{kind}\n{listing}\n{request.Limit}\n{request.AfterKey}\n{variant}",
            CacheScope.Listing(listing),
            async token => await render(await ReadAsync(listing, request, token), token) is { } body ? CachedBody.Of(body) : null,
            cancellationToken);
    }
}
