using System.Globalization;
using System.Threading.Channels;
using Azure;
using Microsoft.AspNetCore.Http;

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
    /// The version a write made, as its own request and Azurite's answer say it (<see cref="WrittenBy"/>); null when
    /// they do not say all of it, or another change of the blob overlapped it: the relay then reads the blob's properties.
    /// </summary>
    public BlobVersion? Version { get; init; }

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

    /// <summary>
    /// The blob version a successful single-shot Put Blob of a block blob made, from what the request sent (its length,
    /// <c>x-ms-blob-content-type</c>) and Azurite answered (<c>201</c>, <c>ETag</c>, <c>Last-Modified</c>): what the
    /// blob's properties would say, without reading them. Null for anything else (Put Block List, whose length is the
    /// blocks'; Copy Blob and Put Blob From URL; a page or append blob; a body of unknown length; a missing header),
    /// which the relay looks up instead.
    /// </summary>
    public static BlobVersion? WrittenBy(HttpRequest request, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (!HttpMethods.IsPut(request.Method)
            || request.Query.ContainsKey("comp")
            || response.StatusCode != StatusCodes.Status201Created
            || request.Headers.ContainsKey("x-ms-copy-source")
            || !string.Equals(request.Headers["x-ms-blob-type"], "BlockBlob", StringComparison.OrdinalIgnoreCase)
            || request.ContentLength is not { } length
            || request.Headers["x-ms-blob-content-type"] is not [{ Length: > 0 } contentType]
            || response.Headers.ETag is not [{ Length: > 0 } etag]
            || !DateTimeOffset.TryParseExact(response.Headers.LastModified, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var lastModified))
        {
            return null;
        }

        return new BlobVersion(new ETag(etag), contentType, length, lastModified);
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

    private readonly Dictionary<string, List<Change>> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Add(BlobChange change) => _changes.Writer.TryWrite(change);

    /// <summary>
    /// A change of <paramref name="container"/>/<paramref name="blobName"/> on its way through the blob endpoint, until
    /// <see cref="Complete"/>. Two that overlap cannot tell from their answers which version came last, so they are
    /// added without their <see cref="BlobChange.Version"/>, and the relay reads the blob's properties as they are then.
    /// </summary>
    public Change Begin(string container, string blobName)
    {
        var change = new Change($"{container}/{blobName}");
        lock (_gate)
        {
            if (!_inFlight.TryGetValue(change.Key, out var changes))
            {
                _inFlight[change.Key] = changes = [];
            }

            if (changes.Count > 0)
            {
                change.Overlapped = true;
                changes.ForEach(other => other.Overlapped = true);
            }

            changes.Add(change);
        }

        return change;
    }

    /// <summary>
    /// Ends <paramref name="change"/>, adding what it made (<paramref name="made"/>, null: nothing) without its version if
    /// another change of the blob overlapped it; added under the same lock as <see cref="Begin"/>, so a change begun
    /// after it is added after it.
    /// </summary>
    public void Complete(Change change, BlobChange? made)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            if (made is not null)
            {
                Add(change.Overlapped ? made with { Version = null } : made);
            }

            if (_inFlight.TryGetValue(change.Key, out var changes) && changes.Remove(change) && changes.Count == 0)
            {
                _inFlight.Remove(change.Key);
            }
        }
    }

    /// <summary>A change through the blob endpoint between <see cref="Begin"/> and <see cref="Complete"/>.</summary>
    internal sealed class Change(string key)
    {
        public string Key { get; } = key;

        /// <summary>Whether another change of the same blob was on its way at some time during this one.</summary>
        public bool Overlapped { get; set; }
    }
}
