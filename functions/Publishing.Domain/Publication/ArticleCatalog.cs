using Azure;
using Azure.Data.Tables;
using Publishing.Listings;
using Publishing.Storage;

namespace Publishing.Publication;

/// <summary>One published (or being published) article: which file owns the slug, and what the listings show of it.</summary>
public sealed record ArticleRecord
{
    public required string Slug { get; init; }

    /// <summary>The blob name of the file that owns this slug.</summary>
    public required string Owner { get; init; }

    /// <summary>What the article's listings show; null while the owner has claimed the slug but not yet published it.</summary>
    public ListedArticle? Listing { get; init; }

    public string SourceETag { get; init; } = "";

    /// <summary>The row key of this article's tag index entries (newest first).</summary>
    public string IndexKey { get; init; } = "";

    /// <summary>Table ETag the record was read with; writes are conditional on it.</summary>
    public ETag ETag { get; init; }

    /// <summary>When the record was last written (the entity's timestamp); null for a record not read from storage.</summary>
    public DateTimeOffset? WrittenAt { get; init; }

    /// <summary>
    /// Set when <see cref="Owner"/> was deleted: the article is unpublished and the record stays as a tombstone, so the
    /// next file to take the slug can tell a move (it keeps the comments) from a new article (see <see cref="SlugSuccession"/>).
    /// </summary>
    public DateTimeOffset? DeletedAt { get; init; }
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
            return response is { HasValue: true, Value: { } entity } ? FromEntity(entity) : null;
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

    /// <summary>Replaces the record if it has not changed since it was read, returning it as written; null when it has changed.</summary>
    public async Task<ArticleRecord?> TryReplaceAsync(ArticleRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            var response = await storage.Articles.UpdateEntityAsync(ToEntity(record), record.ETag, TableUpdateMode.Replace, cancellationToken);
            return record with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            return null;
        }
    }

    private static TableEntity ToEntity(ArticleRecord record)
    {
        var entity = record.Listing is { } listing ? ListedArticleFields.ToEntity(record.Slug, RowKey, listing) : new TableEntity(record.Slug, RowKey);
        entity["Owner"] = record.Owner;
        entity["IsPublished"] = record.Listing is not null;
        entity["SourceETag"] = record.SourceETag;
        entity["IndexKey"] = record.IndexKey;
        entity["DeletedAt"] = record.DeletedAt;
        return entity;
    }

    private static ArticleRecord FromEntity(TableEntity entity) => new()
    {
        Slug = entity.PartitionKey,
        Owner = entity.GetString("Owner"),
        Listing = entity.GetBoolean("IsPublished") == true ? ListedArticleFields.FromEntity(entity) : null,
        SourceETag = entity.GetString("SourceETag") ?? "",
        IndexKey = entity.GetString("IndexKey") ?? "",
        ETag = entity.ETag,
        WrittenAt = entity.Timestamp,
        DeletedAt = entity.GetDateTimeOffset("DeletedAt"),
    };
}
