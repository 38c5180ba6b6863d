using System.Diagnostics;
using System.Diagnostics.Metrics;
using Publishing.Articles;
using Publishing.Publication;

namespace Publishing.Telemetry;

/// <summary>
/// The app's own traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>, with instrument names, units and attributes after OpenTelemetry's semantic conventions
/// (docs/observability.md lists each one). Nothing here knows where telemetry goes: the function app's
/// <c>AddTelemetry</c> subscribes an exporter, and without one every call is a no-op.
/// </summary>
/// <remarks>
/// Hot paths (a cached read) record with tags built once, here: a counter <c>Add</c> and nothing else.
/// </remarks>
public sealed class PublishingTelemetry
{
    /// <summary>The name of the app's <see cref="Meter"/> and <see cref="ActivitySource"/>.</summary>
    public const string Name = "Publishing";

    /// <summary>Spans of the app's own work: a publish and its steps.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>What became of a publish: <c>published</c>, <c>draft</c>, <c>rejected</c>, <c>failed</c>, ...</summary>
    public const string PublishOutcomeAttribute = "publishing.publish.outcome";

    /// <summary>Why a file was rejected: its <see cref="RejectionCode"/>.</summary>
    public const string RejectionCodeAttribute = "publishing.rejection.code";

    /// <summary>The dropped file's name (its path in the articles container): on spans only, never on metrics.</summary>
    public const string FileNameAttribute = "publishing.file.name";

    /// <summary>What became of a comment post: <c>stored</c>, <c>pending</c>, <c>replayed</c>, <c>refused</c>, <c>rate_limited</c>.</summary>
    public const string CommentOutcomeAttribute = "publishing.comment.outcome";

    /// <summary>Why a comment post was refused (<see cref="CommentRefusal"/>).</summary>
    public const string CommentRefusalAttribute = "publishing.comment.refusal";

    /// <summary>The semantic conventions' cache attribute (as .NET's own cache metrics use it): <c>hit</c> or <c>miss</c>.</summary>
    public const string CacheRequestTypeAttribute = "cache.request.type";

    /// <summary>The semantic conventions' attribute for the class of error that ended an operation.</summary>
    public const string ErrorTypeAttribute = "error.type";

    private static readonly KeyValuePair<string, object?> HitTag = new(CacheRequestTypeAttribute, "hit");
    private static readonly KeyValuePair<string, object?> MissTag = new(CacheRequestTypeAttribute, "miss");

    // Publishes take from tens of milliseconds (a repeated delivery) to tens of seconds (waiting for a lease).
    private static readonly double[] PublishDurationBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly int[] StorageCallBuckets = [1, 2, 4, 6, 8, 10, 15, 20, 30, 50, 100];

    private readonly Counter<long> _publishes;
    private readonly Histogram<double> _publishDuration;
    private readonly Histogram<int> _storageCalls;
    private readonly Counter<long> _comments;
    private readonly Counter<long> _cacheRequests;

    public PublishingTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Name);
        _publishes = meter.CreateCounter<long>(
            "publishing.publishes", "{publish}", "Deliveries of dropped files processed, by outcome.");
        _publishDuration = meter.CreateHistogram(
            "publishing.publish.duration", "s", "How long processing one delivery of a dropped file took, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PublishDurationBuckets });
        _storageCalls = meter.CreateHistogram(
            "publishing.publish.storage_calls", "{call}", "Storage requests (retries included) one delivery of a dropped file made, by outcome.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = StorageCallBuckets });
        _comments = meter.CreateCounter<long>(
            "publishing.comments", "{comment}", "Comment posts answered, by outcome and, when refused, why.");
        _cacheRequests = meter.CreateCounter<long>(
            "publishing.response_cache.requests", "{request}", "Reads looked up in this instance's response cache, by hit or miss.");
    }

    /// <summary>
    /// Runs <paramref name="publish"/> (one delivery of <paramref name="fileName"/>) in a <c>publish</c> span, and
    /// counts its outcome, its duration and the storage requests it made. An exception is counted as
    /// <c>failed</c> and rethrown.
    /// </summary>
    public async Task<PublishOutcome> MeasurePublishAsync(
        string fileName, Func<CancellationToken, Task<PublishOutcome>> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        using var activity = Source.StartActivity("publish", ActivityKind.Internal);
        activity?.SetTag(FileNameAttribute, fileName);
        using var calls = StorageCalls.Count();
        var started = Stopwatch.GetTimestamp();
        var tags = new TagList();
        try
        {
            var outcome = await publish(cancellationToken);
            AddOutcomeTags(ref tags, outcome);
            activity?.SetTag(PublishOutcomeAttribute, tags[0].Value);
            return outcome;
        }
        catch (Exception e)
        {
            tags.Add(PublishOutcomeAttribute, "failed");
            tags.Add(ErrorTypeAttribute, e.GetType().FullName);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.AddException(e);
            throw;
        }
        finally
        {
            _publishes.Add(1, tags);
            _publishDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            _storageCalls.Record(calls.Value, tags);
        }
    }

    /// <summary>A span for one step of a publish (<c>read</c>, <c>render</c>, ...), a child of the <c>publish</c> span.</summary>
    public static Activity? StartStep(string step) => Source.StartActivity("publish." + step, ActivityKind.Internal);

    /// <summary>A comment post answered: stored (approved or pending), replayed, refused or rate-limited.</summary>
    public void CommentPosted(CommentPostResult result, CommentRefusal refusal = CommentRefusal.None)
    {
        var tags = new TagList { { CommentOutcomeAttribute, CommentOutcomeNames[(int)result] } };
        if (result == CommentPostResult.Refused)
        {
            tags.Add(CommentRefusalAttribute, CommentRefusalNames[(int)refusal]);
        }

        _comments.Add(1, tags);
    }

    /// <summary>A response served from this instance's cache (or a read already under way for it): no storage call.</summary>
    public void CacheHit() => _cacheRequests.Add(1, HitTag);

    /// <summary>A response read from storage because the cache had none.</summary>
    public void CacheMiss() => _cacheRequests.Add(1, MissTag);

    private static void AddOutcomeTags(ref TagList tags, PublishOutcome outcome)
    {
        switch (outcome)
        {
            case PublishOutcome.Published:
                tags.Add(PublishOutcomeAttribute, "published");
                break;
            case PublishOutcome.Unpublished:
                tags.Add(PublishOutcomeAttribute, "draft");
                break;
            case PublishOutcome.Rejected { Rejection.Code: var code }:
                tags.Add(PublishOutcomeAttribute, "rejected");
                tags.Add(RejectionCodeAttribute, RejectionCodeNames[(int)code]);
                break;
            case PublishOutcome.AlreadyProcessed:
                tags.Add(PublishOutcomeAttribute, "unchanged");
                break;
            case PublishOutcome.Vanished:
                tags.Add(PublishOutcomeAttribute, "vanished");
                break;

            // A new outcome (a deleted file's page taken down, say) gets its own value here and in docs/observability.md.
            default:
                tags.Add(PublishOutcomeAttribute, "other");
                break;
        }
    }

    private static readonly string[] RejectionCodeNames = [.. Enum.GetValues<RejectionCode>().Select(c => SnakeCase(c.ToString()))];

    private static readonly string[] CommentOutcomeNames = [.. Enum.GetValues<CommentPostResult>().Select(c => SnakeCase(c.ToString()))];

    private static readonly string[] CommentRefusalNames = [.. Enum.GetValues<CommentRefusal>().Select(c => SnakeCase(c.ToString()))];

    /// <summary><c>SlugTaken</c> as <c>slug_taken</c>: attribute values in the conventions' style.</summary>
    internal static string SnakeCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}

/// <summary>How a comment post was answered, for <see cref="PublishingTelemetry.CommentPosted"/>.</summary>
public enum CommentPostResult
{
    /// <summary>Stored and shown at once.</summary>
    Stored,

    /// <summary>Stored, waiting for an editor's approval.</summary>
    Pending,

    /// <summary>A retry with the same idempotency key: answered from the comment already stored.</summary>
    Replayed,

    /// <summary>Not stored, for a <see cref="CommentRefusal"/>.</summary>
    Refused,

    /// <summary>Not stored: the client's network posted too many comments in the last minute.</summary>
    RateLimited,
}

/// <summary>Why a comment post was refused.</summary>
public enum CommentRefusal
{
    None,
    ArticleNotFound,
    UnsupportedMediaType,
    TooLarge,
    InvalidJson,
    InvalidIdempotencyKey,
    InvalidAuthor,
    InvalidBody,

    /// <summary>The hidden field only bots fill in was filled in (answered as if stored).</summary>
    Honeypot,

    /// <summary>The idempotency key's comment was deleted by an editor.</summary>
    Removed,

    /// <summary>The idempotency key was used before for another author or body.</summary>
    KeyReused,
}
