using System.ComponentModel.DataAnnotations;
using Publishing.Storage;

namespace Publishing.Local.Configuration;

/// <summary>
/// How the local host runs Event Grid-sourced blob triggers, bound from the <c>LocalHost</c> section
/// (<c>LocalHost__MaxDequeueCount</c> in local.settings.json or the environment). The defaults are the
/// Functions host's, except for the retry delays, which are short because a developer is waiting.
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

    /// <summary>Wait before the first retry; doubled for each further one (1 s, 2 s, 4 s, 8 s with the defaults).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

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

    /// <summary>Messages processed at once (the host's queue <c>batchSize</c> default is 16).</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 16;

    public TimeSpan RetryDelayAfter(int dequeueCount)
    {
        var exponent = Math.Clamp(dequeueCount - 1, 0, 20);
        var delay = TimeSpan.FromTicks(RetryDelay.Ticks * (1L << exponent));
        return delay > MaxRetryDelay ? MaxRetryDelay : delay;
    }
}
