using System.ComponentModel.DataAnnotations;
using Azure.Core;

namespace Publishing.Storage;

/// <summary>
/// The storage budget of a reader's request, bound from <c>StorageClient:Read</c>: the read clients' retries and
/// per-try timeout, and an overall deadline per request, after which the reader gets a <c>503</c> with
/// <c>Retry-After</c> rather than wait. Publishing and comment writes keep the SDK's budget (<c>StorageClient:Retry</c>),
/// since giving up there costs a retry of the whole delivery or a reader's comment, not a moment of a page view.
/// </summary>
public sealed class StorageReadOptions : IValidatableObject
{
    public const string SectionName = "StorageClient:Read";

    /// <summary>Retries of one storage call after its first try (the SDK's default for writes is 3).</summary>
    [Range(0, 5)]
    public int MaxRetries { get; set; } = 1;

    /// <summary>Wait before the first retry (exponential after it, with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one try may wait for storage's answer (the SDK's default is 100 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>What a reader's request may spend on storage in all, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMilliseconds(1250);

    /// <summary>Applies the retries and per-try timeout to a read client's options.</summary>
    public void ApplyTo(RetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = MaxRetries;
        retry.Delay = Delay;
        retry.MaxDelay = Deadline;
        retry.NetworkTimeout = NetworkTimeout;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (NetworkTimeout > Deadline)
        {
            yield return new ValidationResult(
                $"{nameof(NetworkTimeout)} ({NetworkTimeout}) is longer than {nameof(Deadline)} ({Deadline}): a single try could never finish within the request's budget.",
                [nameof(NetworkTimeout), nameof(Deadline)]);
        }
    }
}
