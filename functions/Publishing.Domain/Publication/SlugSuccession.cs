using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Publishing.Comments;
using Publishing.Storage;

namespace Publishing.Publication;

/// <summary>
/// Who gets a slug whose file was deleted, and whether its comments go along. A file deleted and published again
/// under the same file name in another folder (or the same folder) within <see cref="MoveWindow"/> is a move: the
/// article keeps its comments. Any other file that takes the slug is a new article: the old comments are deleted
/// before it is published, so they are never shown under it.
/// </summary>
/// <remarks>
/// Also keeps, per slug, the last file refused because the slug was taken (its "contender"), so that when the owner
/// is deleted the contender is published: a move whose new copy was processed before the old one's deletion ends up
/// published once, under its slug. The contender row lives in the <c>articles</c> table beside the record
/// (same partition, row key <c>contender</c>).
/// </remarks>
public sealed class SlugSuccession(StorageLayout storage, ArticleCatalog catalog, CommentStore comments, TimeProvider time)
{
    /// <summary>How long after a deletion a file of the same name still counts as the same article moved.</summary>
    public static readonly TimeSpan MoveWindow = TimeSpan.FromMinutes(10);

    private const string ContenderRow = "contender";

    /// <summary>
    /// Hands <paramref name="record"/> to <paramref name="claimant"/> when its owner was deleted (a tombstone, or the
    /// owner's blob is gone and its deletion not yet processed); otherwise returns it unchanged. Throws when the
    /// record changed meanwhile, so the delivery is retried from the new state.
    /// </summary>
    public async Task<ArticleRecord> SucceedAsync(ArticleRecord record, BlobClient claimant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(claimant);
        DateTimeOffset deletedAt;
        if (record.DeletedAt is { } tombstone)
        {
            deletedAt = tombstone;
        }
        else if (record.Owner != claimant.Name && !await ExistsAsync(claimant.GetParentBlobContainerClient().GetBlobClient(record.Owner), cancellationToken))
        {
            deletedAt = time.GetUtcNow(); // deleted, and its BlobDeleted event not processed yet
        }
        else
        {
            return record;
        }

        // The same file coming back (a draft published again, a slug moved back, a file re-created where it was) is the
        // same article whenever it comes; another file is only if it is a move.
        if (record.Owner != claimant.Name && !IsMove(record.Owner, claimant.Name, deletedAt))
        {
            await comments.PurgeAsync(record.Slug, cancellationToken);
        }

        return await catalog.TryReplaceAsync(record with { Owner = claimant.Name, DeletedAt = null }, cancellationToken)
            ?? throw new InvalidOperationException($"The record for '{record.Slug}' changed while '{claimant.Name}' was taking it over; retrying.");
    }

    /// <summary>The same file name (folders aside), soon enough after the deletion.</summary>
    public bool IsMove(string deleted, string claimant, DateTimeOffset deletedAt)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        ArgumentNullException.ThrowIfNull(claimant);
        return string.Equals(FileName(deleted), FileName(claimant), StringComparison.Ordinal)
            && time.GetUtcNow() - deletedAt <= MoveWindow;
    }

    /// <summary>Remembers <paramref name="name"/> as the file waiting for <paramref name="slug"/>; the latest one wins.</summary>
    public async Task NoteContenderAsync(string slug, string name, CancellationToken cancellationToken) =>
        await storage.Articles.UpsertEntityAsync(new TableEntity(slug, ContenderRow) { ["Name"] = name }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>The file last refused <paramref name="slug"/>, with the row's ETag; null when none waits.</summary>
    public async Task<(string Name, ETag ETag)?> ContenderAsync(string slug, CancellationToken cancellationToken)
    {
        try
        {
            var row = await storage.Articles.GetEntityIfExistsAsync<TableEntity>(slug, ContenderRow, cancellationToken: cancellationToken);
            return row is { HasValue: true, Value: { } entity } && entity.GetString("Name") is { } name ? (name, entity.ETag) : null;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>Forgets the contender read with <paramref name="etag"/>; a newer one noted meanwhile stays.</summary>
    public async Task ForgetContenderAsync(string slug, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Articles.DeleteEntityAsync(slug, ContenderRow, etag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
        {
            // A newer contender, or already forgotten.
        }
    }

    private static string FileName(string blobName) => blobName[(blobName.LastIndexOf('/') + 1)..];

    private static async Task<bool> ExistsAsync(BlobClient blob, CancellationToken cancellationToken) =>
        (await blob.ExistsAsync(cancellationToken)).Value;
}
