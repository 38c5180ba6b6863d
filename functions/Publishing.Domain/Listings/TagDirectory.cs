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
public sealed class TagDirectory(StorageLayout storage)
{
    public const string Partition = "tags";

    private const int MaxAttempts = 20;

    /// <summary>Every tag that has at least one article, by slug.</summary>
    public async Task<IReadOnlyList<TagSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Count gt {0}");
        var tags = new List<TagSummary>();
        try
        {
            await foreach (var row in storage.Tags.QueryAsync<TableEntity>(filter, select: ["RowKey", "Name", "Count"], cancellationToken: cancellationToken))
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

    /// <summary>Records <paramref name="tag"/> as of count row <paramref name="version"/>, unless a newer version is recorded already.</summary>
    public async Task RefreshAsync(TagSummary tag, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var entity = new TableEntity(Partition, tag.Slug)
        {
            ["Name"] = tag.Name,
            ["Count"] = tag.Count,
            ["Version"] = version,
        };
        for (var attempt = 1; ; attempt++)
        {
            var current = await storage.Tags.GetEntityIfExistsAsync<TableEntity>(Partition, tag.Slug, cancellationToken: cancellationToken);
            try
            {
                if (current is { HasValue: true, Value: { } row })
                {
                    if ((row.GetInt64("Version") ?? 0) >= version)
                    {
                        return;
                    }

                    await storage.Tags.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await storage.Tags.AddEntityAsync(entity, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException e) when (attempt < MaxAttempts && (e.IsConflict() || e.IsPreconditionFailed() || e.IsNotFound()))
            {
                // Another copy got there first: compare versions again.
            }
        }
    }
}
