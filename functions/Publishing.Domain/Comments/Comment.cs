using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Publishing.Comments;

/// <summary>Whether a comment is shown: with pre-approval on, new comments wait for an editor.</summary>
public enum CommentState
{
    Approved,
    Pending,
}

/// <summary>A reader's comment on an article, as stored and shown.</summary>
/// <param name="Id">Server-set; sorts oldest first (forward UTC ticks, then random hex), so it is also the row key.</param>
public sealed record Comment(string Id, string Author, string Body, DateTimeOffset Posted, CommentState State = CommentState.Approved)
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>A new id for a comment posted at <paramref name="posted"/>: later posts sort after earlier ones.</summary>
    public static string NewId(DateTimeOffset posted) =>
        posted.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>True for something <see cref="NewId"/> could have made (19 digits, a dash, 8 hex digits).</summary>
    public static bool IsId(string? id) =>
        id is { Length: 28 }
        && !id.AsSpan(0, 19).ContainsAnyExceptInRange('0', '9')
        && id[19] == '-'
        && !id.AsSpan(20).ContainsAnyExcept(LowerHex);
}

/// <summary>A comment as a reader wrote it, checked by <see cref="CommentValidator"/>.</summary>
public sealed record NewComment(string Author, string Body);
