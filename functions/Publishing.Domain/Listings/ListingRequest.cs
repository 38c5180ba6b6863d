using System.Globalization;

namespace Publishing.Listings;

/// <summary>The <c>limit</c> and <c>cursor</c> of a listing request, checked; or which parameter is wrong and why.</summary>
public abstract record ListingRequest
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 100;

    private ListingRequest()
    {
    }

    /// <param name="AfterKey">The row key the page starts after; null for the first page.</param>
    public sealed record Valid(int Limit, string? AfterKey) : ListingRequest;

    public sealed record Invalid(string Parameter, string Detail) : ListingRequest;

    /// <summary>Checks the query parameters of a request for <paramref name="listing"/>; a cursor must have been issued for that listing.</summary>
    public static async Task<ListingRequest> ParseAsync(
        string listing, string? limit, string? cursor, ListingCursors cursors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursors);
        var size = DefaultLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            return new Invalid("limit", $"'limit' must be a whole number from 1 to {MaxLimit} (default {DefaultLimit}).");
        }

        if (cursor is null)
        {
            return new Valid(size, null);
        }

        return await cursors.DecodeAsync(listing, cursor, cancellationToken) is { } afterKey
            ? new Valid(size, afterKey)
            : new Invalid("cursor", "'cursor' is not a cursor of this listing. Use the 'next' value of the previous page as it is, or leave it out for the first page.");
    }
}
