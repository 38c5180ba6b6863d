using System.ComponentModel.DataAnnotations;

namespace Publishing.Comments;

/// <summary>Limits and spam defences of readers' comments, bound from the <c>Comments</c> section.</summary>
public sealed class CommentOptions
{
    public const string SectionName = "Comments";

    /// <summary>Posts one client (an IPv4 /24 or IPv6 /48) may make per minute, on each instance.</summary>
    [Range(1, 100_000)]
    public int PostsPerMinute { get; set; } = 5;

    /// <summary>Whether new comments wait, unseen and uncounted, until an editor approves them.</summary>
    public bool RequireApproval { get; set; }

    /// <summary>Largest request body a post may have; larger ones are refused before being read.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 16 * 1024;
}
