using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Publishing.Submissions;

namespace Publishing.Publication;

/// <summary>
/// Deleting a file unpublishes its article. Kept apart from publishing: it shares the lock, the ordering of writes
/// (listing entries before the page) and the submission log, and leaves the record as a tombstone so that
/// <see cref="SlugSuccession"/> can tell a move from a new article taking the slug.
/// </summary>
public sealed partial class ArticlePublisher
{
    /// <summary>
    /// Processes a <c>BlobDeleted</c> event for <paramref name="file"/>: if the file is still gone under its lock, takes
    /// down the article it published (listing entries and counts, page, record), records the status <c>deleted</c>, and
    /// then publishes the file that was refused the slug while this one held it, if any. Idempotent; a deletion of a
    /// file that exists again (re-created since) changes nothing, as the re-creation's own event publishes it.
    /// </summary>
    public async Task<PublishOutcome> UnpublishDeletedAsync(BlobClient file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        string? slug;
        await using (var held = await locks.AcquireAsync(file.Name, cancellationToken))
        {
            using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held.Lost);
            if (await GetPropertiesAsync(file, work.Token) is not null)
            {
                return Logged(file.Name, new PublishOutcome.Recreated());
            }

            var previous = await submissions.GetAsync(file.Name, work.Token);
            slug = previous?.Slug;
            await WithdrawAsync(slug, file.Name, work.Token);
            if (previous?.State != SubmissionState.Deleted)
            {
                await RecordAsync(held, new ETag(previous?.SourceETag ?? ""), SubmissionState.Deleted, slug, rejection: null, work.Token);
            }
        }

        // Outside this file's lock: the hand-over takes the contender's, and no delivery ever holds two.
        if (slug is not null)
        {
            await HandOverAsync(file, slug, cancellationToken);
        }

        return Logged(file.Name, new PublishOutcome.Deleted(slug));
    }

    /// <summary>
    /// Takes down what <paramref name="owner"/> published under <paramref name="slug"/> (its file deleted, turned into a
    /// draft, or moved to another slug): listing entries first, then the page, then the record, which stays as a
    /// tombstone, so that a different file taking the slug later starts without this article's comments.
    /// </summary>
    private async Task WithdrawAsync(string? slug, string owner, CancellationToken cancellationToken)
    {
        if (slug is null || await catalog.GetAsync(slug, cancellationToken) is not { } record || record.Owner != owner || record.DeletedAt is not null)
        {
            return;
        }

        if (record.Listing is { } listed)
        {
            await tagIndex.RemoveAsync(record.IndexKey, Partitions(listed.Tags), cancellationToken);
        }

        await pages.DeleteArticleAsync(slug, cancellationToken);
        var tombstone = record with { Listing = null, SourceETag = "", IndexKey = "", DeletedAt = time.GetUtcNow() };
        if (await catalog.TryReplaceAsync(tombstone, cancellationToken) is null)
        {
            throw new InvalidOperationException($"The record for '{slug}' changed while '{owner}' was being unpublished from it; retrying.");
        }

        Changed(slug, record.Listing is { } gone ? Partitions(gone.Tags) : []);
    }

    /// <summary>Publishes the file last refused <paramref name="slug"/>, now that <paramref name="deleted"/> freed it.</summary>
    private async Task HandOverAsync(BlobClient deleted, string slug, CancellationToken cancellationToken)
    {
        if (await succession.ContenderAsync(slug, cancellationToken) is not { } contender)
        {
            return;
        }

        if (contender.Name != deleted.Name)
        {
            var candidate = deleted.GetParentBlobContainerClient().GetBlobClient(contender.Name);
            await using var held = await locks.AcquireAsync(candidate.Name, cancellationToken);
            using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held.Lost);
            var record = await catalog.GetAsync(slug, work.Token);
            var free = record is null || record.DeletedAt is not null;
            if (free && await ReadAsync(candidate, work.Token) is ({ } parsed, { } version))
            {
                LogHandOver(slug, deleted.Name, candidate.Name);
                var previous = await submissions.GetAsync(candidate.Name, work.Token);
                Logged(candidate.Name, await PublishLockedAsync(candidate, held, version, parsed, previous?.Slug, work.Token));
            }
        }

        await succession.ForgetContenderAsync(slug, contender.ETag, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "'{Slug}' is free now that '{Deleted}' is deleted: publishing '{Contender}', which was refused it")]
    private partial void LogHandOver(string slug, string deleted, string contender);
}
