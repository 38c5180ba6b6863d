using Publishing.Articles;

namespace Publishing.Submissions;

/// <summary>What became of one dropped file, as an editor reads it at <c>/api/submissions/{name}</c>.</summary>
public sealed record SubmissionStatus
{
    public required string Name { get; init; }

    public required SubmissionState State { get; init; }

    /// <summary>The ETag of the file version this status is about.</summary>
    public required string SourceETag { get; init; }

    public required DateTimeOffset ProcessedAt { get; init; }

    /// <summary>The slug the file is published under: the new version's, or, when a new version was rejected, the one still live.</summary>
    public string? Slug { get; init; }

    public Rejection? Rejection { get; init; }
}

public enum SubmissionState
{
    Published,
    Draft,
    Rejected,

    /// <summary>The file was deleted from the container: whatever it had published is gone.</summary>
    Deleted,
}
