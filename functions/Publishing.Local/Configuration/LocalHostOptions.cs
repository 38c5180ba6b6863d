using System.ComponentModel.DataAnnotations;
using Publishing.Storage;

namespace Publishing.Local.Configuration;

/// <summary>
/// How the local host runs Event Grid-sourced blob triggers and checks function keys, bound from the
/// <c>LocalHost</c> section (<c>LocalHost__MaxDequeueCount</c> in local.settings.json or the environment). The
/// defaults are the Functions host's.
/// </summary>
internal sealed class LocalHostOptions
{
    public const string SectionName = "LocalHost";

    /// <summary>The queue the webhook puts events on, like the host's <c>azure-webjobs-blobtrigger-&lt;hostId&gt;</c>.</summary>
    [Required]
    [RegularExpression(StorageNames.ContainerOrQueue)]
    public string BlobTriggerQueue { get; set; } = "azure-webjobs-blobtrigger-publishing-local";

    /// <summary>Where a blob that failed <see cref="MaxDequeueCount"/> times is parked, as in the host.</summary>
    [Required]
    [RegularExpression(StorageNames.ContainerOrQueue)]
    public string PoisonQueue { get; set; } = "webjobs-blobtrigger-poison";

    /// <summary>Tries before a blob is poison: the host's <c>maxDequeueCount</c> (its poisonBlobThreshold), 5.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>
    /// Wait before the first retry; doubled for each further one. None by default, as in the host: its shared
    /// blob queue uses the default queue options (visibility timeout 0), so a failed message is tried again at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.Zero;

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a message being processed stays invisible to other readers (the host uses 10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often the queue is read when nothing signals new work: the webhook wakes the dispatcher at once, so
    /// this only matters for messages left by an earlier run or written by another process.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often an idle Storage queue trigger's queue is read (the host backs off up to a minute; locally a deletion shows sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Publishing concurrency: blob trigger messages processed at once (and queue trigger messages per read, the host's
    /// queue <c>batchSize</c>). The local counterpart of host.json's <c>extensions.blobs.maxDegreeOfParallelism</c> (16
    /// in this app's host.json), which bounds the blob-triggered invocations of an instance in Azure; keep the two equal.
    /// Concurrent publishes share their transactions on the tag index's shared partitions, so more at once means fewer
    /// storage calls each, up to what storage's CPU allows (docs/performance.md, "Bulk").
    /// </summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// Completed blob-trigger invocations kept for <c>GET /_local/blob-triggers/completed</c> (a ring: the oldest go
    /// first). A reader that falls further behind is told it missed some, and asks the app about every file it waits for.
    /// </summary>
    [Range(16, 1_000_000)]
    public int CompletionsKept { get; set; } = 4096;

    /// <summary>Enforce function keys on HTTP functions, as <c>func start --enableAuth</c> does; off by default, as under <c>func start</c>.</summary>
    public bool EnableAuth { get; set; }

    /// <summary>The key that opens <c>Function</c>-level routes when keys are enforced; made up at start when not set.</summary>
    public string? HostKey { get; set; }

    /// <summary>The key that opens every route when keys are enforced; made up at start when not set.</summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// Host names (separated by <c>;</c>) to answer to besides localhost, the loopback addresses and the names in the
    /// URLs listened on: a request with any other <c>Host</c> gets 400 (<see cref="Http.HostHeaderCheck"/>).
    /// </summary>
    public string? AllowedHosts { get; set; }

    public TimeSpan RetryDelayAfter(int dequeueCount) => Backoff.Doubling(RetryDelay, MaxRetryDelay, dequeueCount);
}
