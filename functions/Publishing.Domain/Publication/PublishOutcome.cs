using Publishing.Articles;

namespace Publishing.Publication;

/// <summary>What processing one delivery of a dropped file did.</summary>
public abstract record PublishOutcome
{
    private PublishOutcome()
    {
    }

    /// <summary>The page is live at <paramref name="Url"/> and the article is in its tags' listings.</summary>
    public sealed record Published(string Slug, Uri Url) : PublishOutcome;

    /// <summary>The file says <c>draft: true</c>: whatever it had published is gone.</summary>
    public sealed record Unpublished(string Slug) : PublishOutcome;

    /// <summary>The file cannot be published; anything published before stays as it was.</summary>
    public sealed record Rejected(Rejection Rejection) : PublishOutcome;

    /// <summary>This version of the file was processed before (a repeated delivery); nothing changed.</summary>
    public sealed record AlreadyProcessed(string SourceETag) : PublishOutcome;

    /// <summary>The file was deleted before it could be read.</summary>
    public sealed record Vanished : PublishOutcome;

    /// <summary>The file was deleted: the article it had published under <paramref name="Slug"/> (if any) is unpublished.</summary>
    public sealed record Deleted(string? Slug) : PublishOutcome;

    /// <summary>A deletion was reported but the file exists again (re-created since): its own BlobCreated publishes it.</summary>
    public sealed record Recreated : PublishOutcome;
}
