using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Articles;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Pages;

/// <summary>
/// Brings what is stored of a published article to the current content format when it is read, so that pages
/// published before content was stored (finished pages, <c>articles/{slug}.html</c>), or stored in an older
/// <see cref="ArticleContent.Format"/>, take the template and settings of the day like any other. The article is
/// rendered again from its source file as the publisher rendered it, provided the file is still the version that was
/// published (the record's source ETag), and the content is stored for the next reader unless a publish stored newer
/// content meanwhile. Where that is impossible (the file was edited since, and the edit was rejected), the page is
/// served as it was stored. One source read and one write per article, once; nothing to run by hand.
/// </summary>
public sealed partial class StoredArticleUpgrade(
    BlobContainerClient sources,
    SitePages pages,
    ArticlePageRenderer renderer,
    IOptions<PublishingOptions> options,
    ILogger<StoredArticleUpgrade> logger)
{
    /// <summary>The app setting naming the container of dropped files, which the blob trigger watches too.</summary>
    public const string SourceContainerSetting = "ArticlesContainer";

    private readonly PublishingOptions _options = options.Value;

    /// <summary><paramref name="stored"/> in the current content format when it can be, else as it is.</summary>
    public async Task<StoredArticle> UpgradeAsync(ArticleRecord record, StoredArticle stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(stored);
        if (stored is StoredArticle.Content { Article.Format: >= ArticleContent.CurrentFormat } || record.Listing is not { } listing)
        {
            return stored;
        }

        if (await ReadSourceAsync(record, cancellationToken) is not { } source)
        {
            LogSourceChanged(logger, record.Slug, record.Owner);
            return stored;
        }

        var parsed = ArticleParser.Parse(record.Owner, source.ToMemory().Span, _options.MaxArticleBytes, _options.AllowHttpImages);
        if (parsed is not ArticleParseResult.Parsed { Article: var article } || article.Slug != record.Slug
            || !renderer.TryRenderContent(new ArticlePageModel(article, listing.Published, _options.Site()), out var content, out _))
        {
            LogSourceUnrenderable(logger, record.Slug, record.Owner);
            return stored;
        }

        try
        {
            if (await pages.TryReplaceArticleAsync(record.Slug, content, stored, cancellationToken))
            {
                LogUpgraded(logger, record.Slug, record.Owner);
            }
        }
        catch (RequestFailedException e)
        {
            // The reader still gets the page; the next read tries to store it again.
            LogNotStored(logger, e, record.Slug);
        }

        return new StoredArticle.Content(content, default);
    }

    /// <summary>The published version of the article's file; null when the file is gone or has changed since.</summary>
    private async Task<BinaryData?> ReadSourceAsync(ArticleRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var download = await sources.GetBlobClient(record.Owner).DownloadContentAsync(
                new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(record.SourceETag) } },
                cancellationToken);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.IsNotFound() || e.IsPreconditionFailed())
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rendered '{Slug}' again from '{Owner}' and stored its content in the current format")]
    private static partial void LogUpgraded(ILogger logger, string slug, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'{Slug}' is stored in an older format and '{Owner}' is no longer the version published: serving it as stored")]
    private static partial void LogSourceChanged(ILogger logger, string slug, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'{Slug}' is stored in an older format and '{Owner}' no longer renders: serving it as stored")]
    private static partial void LogSourceUnrenderable(ILogger logger, string slug, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the upgraded content of '{Slug}'")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string slug);
}
