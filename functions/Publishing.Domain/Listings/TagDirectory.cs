using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Publishing.Storage;

namespace Publishing.Listings;

/// <summary>A tag, its display name, and how many published articles carry it.</summary>
public sealed record TagSummary(string Slug, string Name, int Count);

/// <summary>
/// The <c>tags</c> table: one row per tag (PartitionKey <see cref="Partition"/>, RowKey the tag slug) with its
/// display name and article count, copied from the tag's count row in <see cref="TagIndex"/> whenever that
/// changes. Copies carry the count row's version and only ever replace an older one, so concurrent or late
/// copies converge on the newest count.
/// </summary>
public sealed class TagDirectory
{
    public const string Partition = "tags";

    private const int MaxAttempts = 20;

    private readonly OptimisticRetry _retry;

    private readonly ConcurrentDictionary<string, KnownRow?> _rows = new(StringComparer.Ordinal);

    private readonly GroupCommit<Copy> _writer;

    public TagDirectory(StorageLayout storage, TimeProvider time)
    {
        _storage = storage;
        _retry = new OptimisticRetry(MaxAttempts, WriteRefusals.Conflict | WriteRefusals.PreconditionFailed | WriteRefusals.NotFound, time);
        _writer = new GroupCommit<Copy>(CommitAsync, c => c.Tag.Slug, maxBatch: 100);
    }

    private readonly StorageLayout _storage;

    /// <summary>Every tag that has at least one article, by slug.</summary>
    public async Task<IReadOnlyList<TagSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Count gt {0}");
        var tags = new List<TagSummary>();
        try
        {
            await foreach (var row in _storage.Tags.QueryAsync<TableEntity>(filter, select: ["RowKey", "Name", "Count"], cancellationToken: cancellationToken))
            {
                tags.Add(new TagSummary(row.RowKey, row.GetString("Name") ?? row.RowKey, row.GetInt32("Count") ?? 0));
            }
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            // no table yet: no tags
        }

        return tags;
    }

    /// <summary>
    /// Records <paramref name="tag"/> as of count row <paramref name="version"/>, unless a newer version is recorded
    /// already. Copies made at once (one per tag partition a batch of publishes wrote) go to storage together, in one
    /// transaction of the directory's partition.
    /// </summary>
    public Task RefreshAsync(TagSummary tag, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return _writer.SubmitAsync(new Copy(tag, version), cancellationToken);
    }

    /// <summary>
    /// Writes the newest copy of each tag in the batch, each conditional on the row's ETag as this instance last saw it
    /// (read once per tag, then kept), so a late copy never overwrites a newer one from another instance: a changed row
    /// fails the transaction, is read again, and the copy is dropped if it is no longer newer.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<Copy> copies)
    {
        var cancellationToken = CancellationToken.None; // shared by every publish in the batch
        List<Copy> writes = [];
        try
        {
            await _retry.RunAsync<TableTransactionFailedException>(
                async cancellationToken =>
                {
                    writes = [];
                    await Task.WhenAll(copies.Where(c => !_rows.ContainsKey(c.Tag.Slug)).Select(async c =>
                    {
                        var row = await _storage.Tags.GetEntityIfExistsAsync<TableEntity>(Partition, c.Tag.Slug, select: ["Version"], cancellationToken: cancellationToken);
                        _rows[c.Tag.Slug] = row is { HasValue: true, Value: { } r } ? new KnownRow(r.GetInt64("Version") ?? 0, r.ETag) : null;
                    }));

                    writes = copies.Where(c => _rows[c.Tag.Slug] is not { } known || known.Version < c.Version).ToList();
                    if (writes.Count == 0)
                    {
                        return;
                    }

                    var actions = writes.Select(c =>
                    {
                        var entity = new TableEntity(Partition, c.Tag.Slug)
                        {
                            ["Name"] = c.Tag.Name,
                            ["Count"] = c.Tag.Count,
                            ["Version"] = c.Version,
                        };
                        return _rows[c.Tag.Slug] is { } known
                            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, known.ETag)
                            : new TableTransactionAction(TableTransactionActionType.Add, entity);
                    }).ToList();
                    var responses = await _storage.Tags.SubmitTransactionAsync(actions, cancellationToken);
                    for (var i = 0; i < writes.Count; i++)
                    {
                        _rows[writes[i].Tag.Slug] = new KnownRow(writes[i].Version, responses.Value[i].Headers.ETag ?? default);
                    }
                },
                (e, _) =>
                {
                    // Another instance wrote a row meanwhile: forget what was known of it (of all, if storage does not say which).
                    if (e.FailedTransactionActionIndex is { } index && index < writes.Count)
                    {
                        Forget([writes[index]]);
                    }
                    else
                    {
                        Forget(writes);
                    }

                    return Task.CompletedTask;
                },
                cancellationToken);
        }
        catch (Exception)
        {
            Forget(writes); // applied or not, with the answer lost: read again next time
            throw;
        }
    }

    private void Forget(IEnumerable<Copy> copies)
    {
        foreach (var copy in copies)
        {
            _rows.TryRemove(copy.Tag.Slug, out _);
        }
    }

    private sealed record Copy(TagSummary Tag, long Version);

    /// <summary>A directory row as this instance last read or wrote it.</summary>
    private sealed record KnownRow(long Version, ETag ETag);
}
