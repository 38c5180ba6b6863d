using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Articles;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Storage;
using Publishing.Submissions;
using Publishing.Telemetry;

namespace Publishing.Publication;

/// <summary>
/// Publishes one dropped file: its page's content to the <c>site</c> container, its record and tag listings to tables,
/// and the outcome to the submission log. Safe to run any number of times for the same file version, and
/// for different versions at once (deliveries of one file are serialised by <see cref="PublishLock"/>).
/// Writes are ordered so that a listing never points at a page that does not exist: pages are written
/// before listing entries, and listing entries removed before pages.
/// </summary>
public sealed partial class ArticlePublisher(
    ArticleCatalog catalog,
    TagIndex tagIndex,
    SitePages pages,
    SubmissionLog submissions,
    PublishLock locks,
    SlugSuccession succession,
    ArticlePageRenderer renderer,
    IOptions<PublishingOptions> options,
    IEnumerable<IPublishedChangeObserver> observers,
    TimeProvider time,
    ILogger<ArticlePublisher> logger)
{
    private readonly IPublishedChangeObserver[] _observers = [.. observers];

    private readonly PublishingOptions _options = options.Value;

    public async Task<PublishOutcome> PublishAsync(BlobClient file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);

        // No check before the lock: it would read the file's properties and status twice on every publish to save a
        // lock on repeated deliveries, which are rare. Under the lock the file is read once, as it is now.
        await using var held = await locks.AcquireAsync(file.Name, cancellationToken);

        // Should the lock be lost, stop before the next write: another delivery may be publishing the file by then.
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held.Lost);

        var previousRead = submissions.GetAsync(file.Name, work.Token);
        var (parsed, version) = await ReadAsync(file, work.Token);
        var previous = await previousRead;
        if (parsed is null || version is null)
        {
            return Logged(file.Name, new PublishOutcome.Vanished());
        }

        if (IsProcessed(previous, version))
        {
            return Logged(file.Name, new PublishOutcome.AlreadyProcessed(previous.SourceETag));
        }

        return Logged(file.Name, await PublishLockedAsync(file, held, version, parsed, previous?.Slug, work.Token));
    }

    /// <summary>Publishes <paramref name="file"/> as <paramref name="parsed"/>; its outcome is recorded as the lock is given back.</summary>
    private async Task<PublishOutcome> PublishLockedAsync(
        BlobClient file, PublishLock.HeldLock held, FileVersion current, ArticleParseResult parsed, string? liveSlug, CancellationToken cancellationToken)
    {
        var version = current.ETag;
        if (parsed is ArticleParseResult.Rejected rejected)
        {
            return await RejectAsync(held, version, rejected.Rejection, liveSlug, cancellationToken);
        }

        var article = ((ArticleParseResult.Parsed)parsed).Article;
        if (article.Draft)
        {
            await WithdrawAsync(liveSlug, file.Name, cancellationToken);
            if (article.Slug != liveSlug)
            {
                await WithdrawAsync(article.Slug, file.Name, cancellationToken);
            }

            await RecordAsync(held, version, SubmissionState.Draft, slug: null, rejection: null, cancellationToken);
            return new PublishOutcome.Unpublished(article.Slug);
        }

        // A file publishing under the slug it had is most likely its owner already: read the record. A new slug is most
        // likely free: claim it straight away, and read who holds it only if that fails.
        var record = article.Slug == liveSlug
            ? await catalog.GetAsync(article.Slug, cancellationToken) ?? await catalog.TryClaimAsync(article.Slug, file.Name, cancellationToken)
            : await catalog.TryClaimAsync(article.Slug, file.Name, cancellationToken);
        record ??= await catalog.GetAsync(article.Slug, cancellationToken); // lost a race to claim it: see who won
        if (record is null)
        {
            throw new InvalidOperationException($"The record for '{article.Slug}' was claimed and deleted while publishing '{file.Name}'; retrying.");
        }

        record = await succession.SucceedAsync(record, file, cancellationToken); // its owner was deleted: a move, or a new article

        if (record.Owner != file.Name && IsAbandonedClaim(record))
        {
            // The claimant never published: its deliveries failed for good, or it was renamed before they were done.
            // Taking the claim over (conditionally) keeps the slug from being held by a file with no outcome.
            record = await catalog.TryReplaceAsync(record with { Owner = file.Name }, cancellationToken)
                ?? throw new InvalidOperationException($"The claim on '{article.Slug}' changed while '{file.Name}' was taking it over; retrying.");
        }

        if (record.Owner != file.Name)
        {
            await succession.NoteContenderAsync(article.Slug, file.Name, cancellationToken);
            var taken = new Rejection(
                RejectionCode.SlugTaken,
                $"the slug '{article.Slug}' is already used by '{record.Owner}'; give this article another 'slug:' in its front matter or another file name");
            return await RejectAsync(held, version, taken, liveSlug, cancellationToken);
        }

        var published = article.Published ?? record.Listing?.Published ?? current.FirstSeen;
        var url = _options.ArticleUrl(article.Slug);
        if (!Render(new ArticlePageModel(article, published, _options.Site()), out var content, out var unrenderable))
        {
            return await RejectAsync(held, version, unrenderable, liveSlug, cancellationToken);
        }

        var listed = ListedArticle.For(article, published, content.Description);
        var indexKey = TagIndex.KeyFor(published, article.Slug);

        await pages.WriteArticleAsync(article.Slug, content, cancellationToken);
        var listedBefore = record.Listing is { } shown && record.IndexKey == indexKey ? Partitions(shown.Tags).ToHashSet(StringComparer.Ordinal) : null;
        await tagIndex.PutAsync(listed, indexKey, cancellationToken, listedBefore);

        // Stale entries go before the record changes: the record still names them if this delivery dies here, so a
        // retry removes them (removing what is gone is a no-op); after the record changes, nothing would.
        if (record.Listing is { } old)
        {
            await tagIndex.RemoveAsync(record.IndexKey, StalePartitions(old.Tags, record.IndexKey, indexKey, article.Tags), cancellationToken);
        }

        var replaced = await catalog.TryReplaceAsync(
            record with { Listing = listed, SourceETag = version.ToString(), IndexKey = indexKey },
            cancellationToken);
        if (replaced is null)
        {
            // Only possible if this delivery's lock ran out mid-way; the retry starts from the new state.
            throw new InvalidOperationException($"The record for '{article.Slug}' changed while '{file.Name}' was being published; retrying.");
        }

        Changed(article.Slug, Partitions(article.Tags).Union(record.Listing is { } before ? Partitions(before.Tags) : []));

        if (liveSlug is not null && liveSlug != article.Slug)
        {
            await WithdrawAsync(liveSlug, file.Name, cancellationToken);
        }

        await RecordAsync(held, version, SubmissionState.Published, article.Slug, rejection: null, cancellationToken);
        return new PublishOutcome.Published(article.Slug, url);
    }

    private bool Render(ArticlePageModel model, [NotNullWhen(true)] out ArticleContent? content, [NotNullWhen(false)] out Rejection? unrenderable)
    {
        using var step = PublishingTelemetry.StartStep("render");
        return renderer.TryRenderContent(model, out content, out unrenderable);
    }

    /// <summary>A slug claimed by a file that has not published it for longer than any publish takes.</summary>
    private bool IsAbandonedClaim(ArticleRecord record) =>
        record.Listing is null && record.WrittenAt is { } claimed && time.GetUtcNow() - claimed > PublishLock.LeaseDuration * 2;

    /// <summary>
    /// Reads and parses the file as it is now, in one request whose answer gives its version and size before its
    /// content: an oversized file is refused from its size and its content never read. Nulls when the file is gone.
    /// </summary>
    private async Task<(ArticleParseResult? Parsed, FileVersion? Version)> ReadAsync(BlobClient file, CancellationToken cancellationToken)
    {
        using var step = PublishingTelemetry.StartStep("read");
        if (ArticleFormats.RejectUnsupported(file.Name) is { } unsupported)
        {
            return await GetPropertiesAsync(file, cancellationToken) is { } properties
                ? (unsupported, new FileVersion(properties.ETag, FirstSeen(properties.CreatedOn, properties.LastModified)))
                : (null, null);
        }

        try
        {
            using var download = (await file.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            var details = download.Details;
            var version = new FileVersion(details.ETag, FirstSeen(details.CreatedOn, details.LastModified));
            if (details.ContentLength > _options.MaxArticleBytes)
            {
                return (ArticleParser.TooLarge(details.ContentLength, _options.MaxArticleBytes), version);
            }

            var content = new byte[details.ContentLength];
            await download.Content.ReadExactlyAsync(content, cancellationToken);
            return (ArticleParser.Parse(file.Name, content, _options.MaxArticleBytes, _options.AllowHttpImages), version);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return (null, null);
        }
    }

    /// <summary>The version of the file being published, and when it was first seen (the publication date of an undated article).</summary>
    private sealed record FileVersion(ETag ETag, DateTimeOffset FirstSeen);

    private async Task<PublishOutcome> RejectAsync(
        PublishLock.HeldLock held, ETag version, Rejection rejection, string? liveSlug, CancellationToken cancellationToken)
    {
        await RecordAsync(held, version, SubmissionState.Rejected, liveSlug, rejection, cancellationToken);
        return new PublishOutcome.Rejected(rejection);
    }

    /// <summary>
    /// Tells the observers what changed, before the outcome is recorded: whoever sees the outcome and then reads
    /// from this instance gets the new state, not a copy kept from before.
    /// </summary>
    private void Changed(string slug, IEnumerable<string> listings)
    {
        var change = new PublishedChange(slug, [.. listings.Distinct(StringComparer.Ordinal)]);
        foreach (var observer in _observers)
        {
            observer.OnChanged(change);
        }
    }

    /// <summary>Records the outcome and gives the lock back: the last write of a delivery.</summary>
    private Task RecordAsync(
        PublishLock.HeldLock held, ETag version, SubmissionState state, string? slug, Rejection? rejection, CancellationToken cancellationToken) =>
        held.RecordAsync(
            new SubmissionStatus
            {
                Name = held.BlobName,
                State = state,
                SourceETag = version.ToString(),
                ProcessedAt = time.GetUtcNow(),
                Slug = slug,
                Rejection = rejection,
            },
            cancellationToken);

    /// <summary>Partitions that list the article under its old key but should not any more.</summary>
    private static IEnumerable<string> StalePartitions(IReadOnlyList<Tag> oldTags, string oldKey, string newKey, IReadOnlyList<Tag> newTags)
    {
        var oldPartitions = Partitions(oldTags);
        return oldKey == newKey
            ? oldPartitions.Except(Partitions(newTags))
            : oldPartitions; // the date moved, so every old entry sits under a key nothing uses any more
    }

    /// <summary>The listings an article with <paramref name="tags"/> appears in.</summary>
    private static IEnumerable<string> Partitions(IReadOnlyList<Tag> tags) => tags.Select(t => t.Slug).Prepend(TagIndex.AllArticles);

    private static bool IsProcessed([NotNullWhen(true)] SubmissionStatus? previous, FileVersion version) =>
        previous is not null && previous.SourceETag == version.ETag.ToString();

    private static DateTimeOffset FirstSeen(DateTimeOffset createdOn, DateTimeOffset lastModified) =>
        createdOn != default ? createdOn : lastModified;

    private static async Task<BlobProperties?> GetPropertiesAsync(BlobClient file, CancellationToken cancellationToken)
    {
        try
        {
            return await file.GetPropertiesAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    private PublishOutcome Logged(string name, PublishOutcome outcome)
    {
        switch (outcome)
        {
            case PublishOutcome.Published p:
                LogPublished(name, p.Slug);
                break;
            case PublishOutcome.Unpublished u:
                LogUnpublished(name, u.Slug);
                break;
            case PublishOutcome.Rejected r:
                LogRejected(name, r.Rejection.ToString());
                break;
            default:
                LogSkipped(name, outcome.GetType().Name);
                break;
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published '{Name}' as '{Slug}'")]
    private partial void LogPublished(string name, string slug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unpublished draft '{Name}' ('{Slug}')")]
    private partial void LogUnpublished(string name, string slug);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected '{Name}': {Reason}")]
    private partial void LogRejected(string name, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Nothing to do for '{Name}': {Outcome}")]
    private partial void LogSkipped(string name, string outcome);
}
