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
public sealed class TagIndex(StorageLayout storage, TagDirectory directory)
{
    /// <summary>The partition listing every article; tag slugs never start with '_', so it cannot clash with one.</summary>
    public const string AllArticles = "_all";

    /// <summary>Row key of a partition's count row: '~' sorts after the digits every entry key starts with.</summary>
    public const string CountKey = "~count";

    private const int MaxAttempts = 20;

    /// <summary>Row key ordering newer articles first; the slug makes it unique.</summary>
    public static string KeyFor(DateTimeOffset published, string slug) =>
        (DateTimeOffset.MaxValue.UtcTicks - published.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + slug;

    /// <summary>Adds or refreshes the article in <see cref="AllArticles"/> and each of its tags' partitions.</summary>
    public async Task PutAsync(ListedArticle article, string key, CancellationToken cancellationToken)
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
                return ChangeAsync(p.Partition, key, entity, p.TagName, cancellationToken);
            });
        await Task.WhenAll(writes);
    }

    /// <summary>Removes the entries with <paramref name="key"/> from the given partitions; absent ones are fine.</summary>
    public async Task RemoveAsync(string key, IEnumerable<string> partitions, CancellationToken cancellationToken) =>
        await Task.WhenAll(partitions.Distinct().Select(partition => ChangeAsync(partition, key, entry: null, tagName: null, cancellationToken)));

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
        for (var attempt = 1; ; attempt++)
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
            try
            {
                if (countRow is null)
                {
                    await storage.TagIndex.AddEntityAsync(newCount, cancellationToken);
                }
                else
                {
                    await storage.TagIndex.UpdateEntityAsync(newCount, countRow.ETag, TableUpdateMode.Replace, cancellationToken);
                }
            }
            catch (RequestFailedException e) when (attempt < MaxAttempts && (e.IsConflict() || e.IsPreconditionFailed()))
            {
                continue; // an entry was added or removed meanwhile: count again
            }

            await CopyToDirectoryAsync(partition, newCount, cancellationToken);
            return count;
        }
    }

    /// <summary>Puts (<paramref name="entry"/> given) or removes the entry <paramref name="key"/> and keeps the partition's count row exact.</summary>
    private async Task ChangeAsync(string partition, string key, TableEntity? entry, string? tagName, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var countRead = storage.TagIndex.GetEntityIfExistsAsync<TableEntity>(partition, CountKey, cancellationToken: cancellationToken);
            var entryRead = storage.TagIndex.GetEntityIfExistsAsync<TableEntity>(partition, key, select: ["RowKey"], cancellationToken: cancellationToken);
            TableEntity? countRow, existing;
            try
            {
                countRow = (await countRead) is { HasValue: true, Value: { } c } ? c : null;
                existing = (await entryRead) is { HasValue: true, Value: { } e } ? e : null;
            }
            catch (RequestFailedException e) when (e.IsNotFound() && entry is null)
            {
                return; // no table: nothing to remove
            }

            if (entry is null && existing is null)
            {
                // Nothing to remove; still refresh the directory, which a crash may have left behind the count.
                await CopyToDirectoryAsync(partition, countRow, cancellationToken);
                return;
            }

            var count = countRow?.GetInt32("Count") ?? 0;
            var delta = entry is null ? -1 : existing is null ? 1 : 0;
            var name = tagName ?? countRow?.GetString("Name") ?? partition;
            var newCount = new TableEntity(partition, CountKey)
            {
                ["Count"] = count + delta,
                ["Name"] = name,
                ["Version"] = (countRow?.GetInt64("Version") ?? 0) + 1,
            };
            List<TableTransactionAction> actions =
            [
                entry is null
                    ? new(TableTransactionActionType.Delete, new TableEntity(partition, key), ETag.All)
                    : new(existing is null ? TableTransactionActionType.Add : TableTransactionActionType.UpsertReplace, entry),
                countRow is null
                    ? new(TableTransactionActionType.Add, newCount)
                    : new(TableTransactionActionType.UpdateReplace, newCount, countRow.ETag),
            ];
            try
            {
                await storage.TagIndex.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (RequestFailedException e) when (attempt < MaxAttempts && (e.IsConflict() || e.IsPreconditionFailed() || e.IsNotFound()))
            {
                // Another writer changed the partition between the reads and the transaction: read again.
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
                continue;
            }

            newCount.ETag = default;
            await CopyToDirectoryAsync(partition, newCount, cancellationToken);
            return;
        }
    }

    private Task CopyToDirectoryAsync(string partition, TableEntity? countRow, CancellationToken cancellationToken) =>
        partition == AllArticles || countRow is null
            ? Task.CompletedTask
            : directory.RefreshAsync(
                new TagSummary(partition, countRow.GetString("Name") ?? partition, countRow.GetInt32("Count") ?? 0),
                countRow.GetInt64("Version") ?? 0,
                cancellationToken);
}
