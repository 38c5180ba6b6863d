using System.Threading.Channels;

namespace Publishing.Local.Relay;

internal enum BlobChangeKind
{
    /// <summary>A write that makes Azure Storage raise <c>Microsoft.Storage.BlobCreated</c>.</summary>
    Written,

    /// <summary>A deletion, <c>Microsoft.Storage.BlobDeleted</c>.</summary>
    Deleted,
}

/// <summary>A blob write or deletion seen as it happened, by <see cref="BlobEndpointProxy"/>.</summary>
internal sealed record BlobChange(string Container, string BlobName, BlobChangeKind Kind)
{
    /// <summary>
    /// The change a successful Blob service request made, or null when it raises no event: Put Blob, Put Block List and
    /// Copy Blob (a <c>PUT</c> on a blob with no <c>comp</c>, or <c>comp=blocklist</c>) raise BlobCreated, as in Azure;
    /// Delete Blob (a <c>DELETE</c> on a blob with no <c>comp</c>) raises BlobDeleted. Anything else (a block, metadata,
    /// a lease, a container, a snapshot's or version's deletion) raises nothing here; the relay's sweep still sees a
    /// new ETag it leaves behind. <paramref name="path"/> is the decoded path at an Azurite endpoint:
    /// <c>/{account}/{container}/{blob}</c>.
    /// </summary>
    public static BlobChange? FromRequest(string method, string path, string? comp, bool isSnapshotOrVersion)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.TrimStart('/').Split('/', 3);
        if (segments is not [{ Length: > 0 }, { Length: > 0 } container, { Length: > 0 } blobName] || isSnapshotOrVersion)
        {
            return null;
        }

        return method.ToUpperInvariant() switch
        {
            "PUT" when string.IsNullOrEmpty(comp) || string.Equals(comp, "blocklist", StringComparison.OrdinalIgnoreCase)
                => new BlobChange(container, blobName, BlobChangeKind.Written),
            "DELETE" when string.IsNullOrEmpty(comp) => new BlobChange(container, blobName, BlobChangeKind.Deleted),
            _ => null,
        };
    }
}

/// <summary>
/// The changes <see cref="BlobEndpointProxy"/> saw, for <see cref="EventRelay"/> to deliver at once instead of at its
/// next sweep. Bounded: when the relay falls behind, the oldest are dropped, and the sweep delivers what they named.
/// </summary>
internal sealed class BlobChanges
{
    private readonly Channel<BlobChange> _changes = Channel.CreateBounded<BlobChange>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public ChannelReader<BlobChange> Reader => _changes.Reader;

    public void Add(BlobChange change) => _changes.Writer.TryWrite(change);
}
