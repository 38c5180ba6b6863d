using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Publishing.Articles;
using Publishing.Storage;

namespace Publishing.Publishing;

/// <summary>One published (or being published) article: which file owns the slug, and what the listings show of it.</summary>
public sealed record ArticleRecord
{
    public required string Slug { get; init; }

    /// <summary>The blob name of the file that owns this slug.</summary>
    public required string Owner { get; init; }

    /// <summary>False while the owner has claimed the slug but not yet finished publishing it.</summary>
    public bool IsPublished { get; init; }

    public string SourceETag { get; init; } = "";

    public string Title { get; init; } = "";

    public string Summary { get; init; } = "";

    public string? Author { get; init; }

    public string? Source { get; init; }

    public DateTimeOffset Published { get; init; }

    public DateTimeOffset? Updated { get; init; }

    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>The row key of this article's tag index entries (newest first).</summary>
    public string IndexKey { get; init; } = "";

    /// <summary>Table ETag the record was read with; writes are conditional on it.</summary>
    public ETag ETag { get; init; }
}

/// <summary>The <c>articles</c> table: one entity per slug, partitioned by slug.</summary>
public sealed class ArticleCatalog(StorageLayout storage)
{
    private const string RowKey = "article";

    public async Task<ArticleRecord?> GetAsync(string slug, CancellationToken cancellationToken)
    {
        try
        {
            var response = await storage.Articles.GetEntityIfExistsAsync<TableEntity>(slug, RowKey, cancellationToken: cancellationToken);
            return response.HasValue ? FromEntity(response.Value!) : null;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null; // no table yet
        }
    }

    /// <summary>Claims a free slug for <paramref name="owner"/>; null when another file claimed it first.</summary>
    public async Task<ArticleRecord?> TryClaimAsync(string slug, string owner, CancellationToken cancellationToken)
    {
        var claim = new ArticleRecord { Slug = slug, Owner = owner };
        try
        {
            var response = await storage.Articles.AddEntityAsync(ToEntity(claim), cancellationToken);
            return claim with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            return null;
        }
    }

    /// <summary>Replaces the record if it has not changed since it was read; false when it has.</summary>
    public async Task<bool> TryReplaceAsync(ArticleRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await storage.Articles.UpdateEntityAsync(ToEntity(record), record.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            return false;
        }
    }

    public async Task<bool> TryDeleteAsync(ArticleRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await storage.Articles.DeleteEntityAsync(record.Slug, RowKey, record.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed())
        {
            return false;
        }
    }

    private static TableEntity ToEntity(ArticleRecord record) => new(record.Slug, RowKey)
    {
        ["Owner"] = record.Owner,
        ["IsPublished"] = record.IsPublished,
        ["SourceETag"] = record.SourceETag,
        ["Title"] = record.Title,
        ["Summary"] = record.Summary,
        ["Author"] = record.Author,
        ["Source"] = record.Source,
        ["Published"] = record.Published,
        ["Updated"] = record.Updated,
        ["Tags"] = JsonSerializer.Serialize(record.Tags, StorageJson.Default.IReadOnlyListTag),
        ["IndexKey"] = record.IndexKey,
    };

    private static ArticleRecord FromEntity(TableEntity entity) => new()
    {
        Slug = entity.PartitionKey,
        Owner = entity.GetString("Owner"),
        IsPublished = entity.GetBoolean("IsPublished") ?? false,
        SourceETag = entity.GetString("SourceETag") ?? "",
        Title = entity.GetString("Title") ?? "",
        Summary = entity.GetString("Summary") ?? "",
        Author = entity.GetString("Author"),
        Source = entity.GetString("Source"),
        Published = entity.GetDateTimeOffset("Published") ?? default,
        Updated = entity.GetDateTimeOffset("Updated"),
        Tags = entity.GetString("Tags") is { Length: > 0 } tags
            ? JsonSerializer.Deserialize(tags, StorageJson.Default.IReadOnlyListTag) ?? []
            : [],
        IndexKey = entity.GetString("IndexKey") ?? "",
        ETag = entity.ETag,
    };
}
