using System.ComponentModel.DataAnnotations;
using Publishing.Local.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Relay;

/// <summary>
/// The local event relay, bound from the <c>Relay</c> section (<c>Relay__PollInterval</c> in local.settings.json
/// or the environment). Event Grid retries a webhook for 24 hours (30 attempts); locally nobody waits that long,
/// so the default is 8 attempts with 1, 2, 4, 8, 16, 32 and 60 s between them: a little over two minutes before
/// an event is dead-lettered. A host that comes back later still gets the file when it changes again, and every
/// file dropped while the relay itself was stopped is delivered when it starts.
/// </summary>
internal sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>Whether <c>serve</c> runs the relay beside the host (the <c>relay</c> command always does).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The host to deliver to; unset under <c>serve</c>, which delivers to itself.</summary>
    public Uri? Target { get; set; }

    /// <summary>
    /// How often the relay lists the next page of each watched container (one list call): for a drop made straight to
    /// Azurite, the bulk of the drop-to-page time. Stretched so that listing takes at most a tenth of the time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Blobs listed per poll. A container of at most this many is swept whole on every poll; a larger one a page at a
    /// time, so a poll costs the relay and Azurite about the same however many files the container holds, and a drop
    /// made straight to Azurite waits up to one sweep of all its pages (drops through <see cref="BlobEndpoint"/> do not wait).
    /// </summary>
    [Range(1, 5000)]
    public int ListPageSize { get; set; } = 500;

    /// <summary>
    /// Where <c>serve</c> also answers as Azurite's Blob service (<see cref="BlobEndpointProxy"/>): a blob written or
    /// deleted through it is relayed as the request completes. A loopback <c>http://</c> address with a port; unset:
    /// none. The path is Azurite's (<c>http://127.0.0.1:10010/devstoreaccount1</c> for the development account).
    /// </summary>
    public string? BlobEndpoint { get; set; }

    /// <summary>Where <c>serve</c> answers as Azurite's Blob service unless told otherwise (Azurite's own is on port 10000).</summary>
    public const string DefaultBlobEndpoint = "http://127.0.0.1:10010/devstoreaccount1";

    /// <summary>The table that records, per function and blob, the version last delivered (or dead-lettered).</summary>
    [Required]
    [RegularExpression(StorageNames.Table)]
    public string StateTable { get; set; } = "localrelay";

    /// <summary>Where undeliverable events are written, as Event Grid's dead-letter destination.</summary>
    [Required]
    [RegularExpression(StorageNames.ContainerOrQueue)]
    public string DeadLetterContainer { get; set; } = "relay-deadletter";

    [Range(1, 100)]
    public int MaxDeliveryAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; doubled after each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one delivery may take before it counts as failed (Event Grid waits 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The Storage queue that gets the watched containers' <c>Microsoft.Storage.BlobDeleted</c> events, as the Event Grid
    /// subscription in <c>infra/app/event-subscription.bicep</c> delivers them in Azure. Unset: the app setting
    /// <see cref="DeletionsQueueSetting"/>; neither: deletions are not relayed.
    /// </summary>
    [RegularExpression(StorageNames.ContainerOrQueue)]
    public string? DeletionsQueue { get; set; }

    /// <summary>The app setting the deletion-handling function reads its queue name from.</summary>
    public const string DeletionsQueueSetting = "ArticleDeletionsQueue";

    [Range(1, 64)]
    public int MaxConcurrentDeliveries { get; set; } = 8;

    public TimeSpan RetryDelayAfter(int attempts) => Backoff.Doubling(FirstRetryDelay, MaxRetryDelay, attempts);
}
