using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Publishing.Articles;
using Publishing.Storage;

namespace Publishing.Listings;

/// <summary>One page of a listing, newest first; <see cref="NextKey"/> is the last row's key when more rows follow.</summary>
public sealed record ListingPage(IReadOnlyList<ListedArticle> Items, string? NextKey);

/// <summary>
/// The <c>tagindex</c> table: one partition per tag (plus <see cref="AllArticles"/>), one row per article keyed
/// newest first, so a page of any listing is one range query whatever the partition's size.
/// </summary>
/// <remarks>
/// Each partition also holds one count row (<see cref="CountKey"/>, sorting after every entry) with the number of
/// entries in the partition and the tag's display name. Every insert or delete of an entry changes the count row
/// in the same entity group transaction, conditional on the count row's ETag, so the count is exact whatever
/// crashes, retries or concurrent publishes happen: adding an entry that exists, or removing one that does not,
/// changes nothing. The count is then copied to the <see cref="TagDirectory"/> (a copy, not a delta, versioned so
/// that a late copy never overwrites a newer one), which a publisher's retry repeats.
/// </remarks>
public sealed class TagIndex(StorageLayout storage, TagDirectory directory, TimeProvider time)
{
    /// <summary>The partition listing every article; tag slugs never start with '_', so it cannot clash with one.</summary>
    public const string AllArticles = "_all";

    /// <summary>Row key of a partition's count row: '~' sorts after the digits every entry key starts with.</summary>
    public const string CountKey = "~count";

    private const int MaxAttempts = 20;

    /// <summary>A recount is retried when an entry was added or removed between the count and its write.</summary>
    private readonly OptimisticRetry _recountRetry = new(MaxAttempts, WriteRefusals.Conflict | WriteRefusals.PreconditionFailed, time);

    /// <summary>A batch is retried when one of its assumptions (the count row's ETag, an entry's existence) was wrong.</summary>
    private readonly OptimisticRetry _commitRetry = new(MaxAttempts, WriteRefusals.Conflict | WriteRefusals.PreconditionFailed | WriteRefusals.NotFound, time);

    /// <summary>An entity group transaction holds up to 100 actions: the count row and 99 entries.</summary>
    private const int MaxEntriesPerTransaction = 99;

    private readonly ConcurrentDictionary<string, GroupCommit<IndexChange>> _writers = new(StringComparer.Ordinal);

    /// <summary>Row key ordering newer articles first; the slug makes it unique.</summary>
    public static string KeyFor(DateTimeOffset published, string slug) =>
        (DateTimeOffset.MaxValue.UtcTicks - published.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + slug;

    /// <summary>
    /// Adds or refreshes the article in <see cref="AllArticles"/> and each of its tags' partitions.
    /// <paramref name="listedBefore"/> names the partitions that already hold the entry <paramref name="key"/> as far as
    /// the caller knows (the article's record); a wrong guess costs one more try of that partition's transaction, never a wrong count.
    /// </summary>
    public async Task PutAsync(ListedArticle article, string key, CancellationToken cancellationToken, IReadOnlyCollection<string>? listedBefore = null)
    {
        ArgumentNullException.ThrowIfNull(article);
        await storage.EnsureCreatedAsync(cancellationToken);
        var writes = article.Tags
            .Select(t => (Partition: t.Slug, TagName: (string?)t.Name))
            .Prepend((AllArticles, null))
            .Select(p =>
            {
                var entity = ListedArticleFields.ToEntity(p.Partition, key, article);
                entity["TagName"] = p.TagName;
                var change = new IndexChange(key, entity, p.TagName) { Exists = listedBefore?.Contains(p.Partition) == true };
                return WriterFor(p.Partition).SubmitAsync(change, cancellationToken);
            });
        await Task.WhenAll(writes);
    }

    /// <summary>Removes the entries with <paramref name="key"/> from the given partitions; absent ones are fine.</summary>
    public async Task RemoveAsync(string key, IEnumerable<string> partitions, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await Task.WhenAll(partitions.Distinct().Select(partition =>
            WriterFor(partition).SubmitAsync(new IndexChange(key, Entry: null, TagName: null) { Exists = true }, cancellationToken)));
    }

    /// <summary>The newest <paramref name="limit"/> articles of a partition whose key comes after <paramref name="afterKey"/>.</summary>
    public async Task<IReadOnlyList<(string Key, ListedArticle Article)>> ListAsync(
        string partition, int limit, string? afterKey, CancellationToken cancellationToken)
    {
        // One range query: the upper bound keeps the count row out.
        var filter = afterKey is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {CountKey}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {afterKey} and RowKey lt {CountKey}");
        var items = new List<(string, ListedArticle)>(limit);
        try
        {
            await foreach (var page in storage.TagIndex.QueryAsync<TableEntity>(filter, limit, cancellationToken: cancellationToken).AsPages())
            {
                items.AddRange(page.Values.Take(limit - items.Count).Select(e => (e.RowKey, ListedArticleFields.FromEntity(e))));
                if (items.Count >= limit)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            // no table yet: an empty listing
        }

        return items;
    }

    /// <summary>Up to <paramref name="limit"/> articles after <paramref name="afterKey"/>, reading one more row to learn whether a next page exists.</summary>
    public async Task<ListingPage> PageAsync(string partition, int limit, string? afterKey, CancellationToken cancellationToken)
    {
        var rows = await ListAsync(partition, limit + 1, afterKey, cancellationToken);
        return rows.Count > limit
            ? new ListingPage([.. rows.Take(limit).Select(r => r.Article)], rows[limit - 1].Key)
            : new ListingPage([.. rows.Select(r => r.Article)], null);
    }

    /// <summary>A tag as its partition's count row knows it; null for a tag that never had an article.</summary>
    public async Task<TagSummary?> GetTagAsync(string tag, CancellationToken cancellationToken)
    {
        try
        {
            var row = await storage.TagIndex.GetEntityIfExistsAsync<TableEntity>(tag, CountKey, cancellationToken: cancellationToken);
            return row is { HasValue: true, Value: { } entity }
                ? new TagSummary(tag, entity.GetString("Name") ?? tag, entity.GetInt32("Count") ?? 0)
                : null;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>
    /// Writes many entries into one partition in transactions of 100, then recounts it. For seeding and repair
    /// (the <c>seed</c> command), not for publishing, which keeps counts exact entry by entry.
    /// </summary>
    public async Task<int> BulkPutAsync(string partition, string? tagName, IEnumerable<ListedArticle> articles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(articles);
        await storage.EnsureCreatedAsync(cancellationToken);
        foreach (var chunk in articles.Chunk(100))
        {
            await storage.TagIndex.SubmitTransactionAsync(
                chunk.Select(a =>
                {
                    var entity = ListedArticleFields.ToEntity(partition, KeyFor(a.Published, a.Slug), a);
                    entity["TagName"] = tagName;
                    return new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
                }),
                cancellationToken);
        }

        return await RecountAsync(partition, tagName, cancellationToken);
    }

    /// <summary>Counts a partition's entries (keys only) and records the count; off the request path, linear in the partition's size.</summary>
    public async Task<int> RecountAsync(string partition, string? tagName, CancellationToken cancellationToken)
    {
        var written = await _recountRetry.RunAsync(
            async cancellationToken =>
            {
                var countRow = (await storage.TagIndex.GetEntityIfExistsAsync<TableEntity>(partition, CountKey, cancellationToken: cancellationToken)) is { HasValue: true, Value: { } c } ? c : null;
                var count = 0;
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {CountKey}");
                await foreach (var _ in storage.TagIndex.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
                {
                    count++;
                }

                var newCount = new TableEntity(partition, CountKey)
                {
                    ["Count"] = count,
                    ["Name"] = tagName ?? countRow?.GetString("Name") ?? partition,
                    ["Version"] = (countRow?.GetInt64("Version") ?? 0) + 1,
                };

                // Refused when an entry was added or removed meanwhile: then count again.
                if (countRow is null)
                {
                    await storage.TagIndex.AddEntityAsync(newCount, cancellationToken);
                }
                else
                {
                    await storage.TagIndex.UpdateEntityAsync(newCount, countRow.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return new CountRow(true, count, newCount.GetString("Name"), newCount.GetInt64("Version") ?? 0, default);
            },
            cancellationToken);
        await CopyToDirectoryAsync(partition, written, cancellationToken);
        return written.Count;
    }

    private GroupCommit<IndexChange> WriterFor(string partition) =>
        _writers.GetOrAdd(partition, p =>
        {
            var state = new PartitionState(p);
            return new GroupCommit<IndexChange>(changes => CommitAsync(state, changes), c => c.Key, MaxEntriesPerTransaction);
        });

    /// <summary>
    /// Writes a batch of entry changes and the partition's count row in one entity group transaction. Each action states
    /// what it assumes (an insert that the entry is new, a replace or delete that it exists, the count row's update its
    /// ETag), so the transaction either applies with an exact count or changes nothing; a wrong assumption is corrected
    /// from the failure (which action, why) and the batch tried again. The count row's ETag is kept between
    /// transactions, so a partition written by one instance reads it once, not per publish.
    /// </summary>
    private async Task CommitAsync(PartitionState state, IReadOnlyList<IndexChange> changes)
    {
        var cancellationToken = CancellationToken.None; // shared by every publish in the batch; each waiter has its own
        var entryFailedBefore = false;
        var copy = await _commitRetry.RunAsync<CountRow, TableTransactionFailedException>(
            async cancellationToken =>
            {
                state.Count ??= await ReadCountAsync(state.Partition, cancellationToken);
                var count = state.Count;
                var actions = new List<TableTransactionAction>(changes.Count + 1);
                var delta = 0;
                foreach (var change in changes)
                {
                    if (change.Entry is { } entry)
                    {
                        actions.Add(change.Exists
                            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entry, ETag.All)
                            : new TableTransactionAction(TableTransactionActionType.Add, entry));
                        delta += change.Exists ? 0 : 1;
                    }
                    else if (change.Exists)
                    {
                        actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(state.Partition, change.Key), ETag.All));
                        delta--;
                    }
                }

                if (actions.Count == 0)
                {
                    // Only removals of entries that are gone; still refresh the directory, which a crash may have left behind the count.
                    return count;
                }

                var written = count with
                {
                    Exists = true,
                    Count = count.Count + delta,
                    Name = changes.Select(c => c.TagName).LastOrDefault(n => n is not null) ?? count.Name,
                    Version = count.Version + 1,
                };
                var countEntity = new TableEntity(state.Partition, CountKey)
                {
                    ["Count"] = written.Count,
                    ["Name"] = written.Name,
                    ["Version"] = written.Version,
                };
                actions.Add(count.Exists
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, countEntity, count.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, countEntity));
                try
                {
                    var responses = await storage.TagIndex.SubmitTransactionAsync(actions, cancellationToken);
                    state.Count = written with { ETag = responses.Value[^1].Headers.ETag ?? default };
                    return state.Count;
                }
                catch (Exception)
                {
                    state.Count = null; // refused, or applied with its answer lost: read the count row again
                    throw;
                }
            },
            async (e, cancellationToken) =>
            {
                // An assumption was wrong: another instance changed the count row, a crashed publish left an entry, or a
                // removal found nothing. Correct the one that failed (or all, when storage does not say which) and retry.
                var changed = Changed(changes); // one per action before the count row's, in the same order
                var failed = e.FailedTransactionActionIndex is { } index && index < changed.Count ? changed[index] : null;
                if (failed is not null && !entryFailedBefore)
                {
                    failed.Exists = e.IsConflict();
                    entryFailedBefore = true;
                }
                else if (failed is not null || e.FailedTransactionActionIndex is null)
                {
                    // More than one wrong guess (a batch of retried publishes), or no word on which: read them all once.
                    await ReadExistenceAsync(state.Partition, changes, cancellationToken);
                }
            },
            cancellationToken);
        await CopyToDirectoryAsync(state.Partition, copy, cancellationToken);
    }

    /// <summary>The changes that made an action, in the order of the transaction's actions.</summary>
    private static List<IndexChange> Changed(IReadOnlyList<IndexChange> changes) => [.. changes.Where(c => c.Entry is not null || c.Exists)];

    private async Task ReadExistenceAsync(string partition, IReadOnlyList<IndexChange> changes, CancellationToken cancellationToken) =>
        await Task.WhenAll(changes.Select(async change =>
            change.Exists = (await storage.TagIndex.GetEntityIfExistsAsync<TableEntity>(partition, change.Key, select: ["RowKey"], cancellationToken: cancellationToken)).HasValue));

    private async Task<CountRow> ReadCountAsync(string partition, CancellationToken cancellationToken)
    {
        var row = await storage.TagIndex.GetEntityIfExistsAsync<TableEntity>(partition, CountKey, cancellationToken: cancellationToken);
        return row is { HasValue: true, Value: { } c }
            ? new CountRow(true, c.GetInt32("Count") ?? 0, c.GetString("Name") ?? partition, c.GetInt64("Version") ?? 0, c.ETag)
            : new CountRow(false, 0, partition, 0, default);
    }

    private Task CopyToDirectoryAsync(string partition, CountRow count, CancellationToken cancellationToken) =>
        partition == AllArticles || !count.Exists
            ? Task.CompletedTask
            : directory.RefreshAsync(new TagSummary(partition, count.Name, count.Count), count.Version, cancellationToken);

    /// <summary>One entry to put (<see cref="Entry"/> given) or remove, and whether it is in the partition as far as is known.</summary>
    private sealed record IndexChange(string Key, TableEntity? Entry, string? TagName)
    {
        public bool Exists { get; set; }
    }

    /// <summary>A partition's count row as last read or written; <see cref="Exists"/> false when there is none yet.</summary>
    private sealed record CountRow(bool Exists, int Count, string Name, long Version, ETag ETag);

    /// <summary>What a partition's writer knows between transactions: its count row, null when it must be read.</summary>
    private sealed class PartitionState(string partition)
    {
        public string Partition { get; } = partition;

        public CountRow? Count { get; set; }
    }
}
