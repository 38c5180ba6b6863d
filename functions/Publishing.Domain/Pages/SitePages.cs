using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Publishing.Storage;

namespace Publishing.Pages;

/// <summary>What the <c>site</c> container holds for one article.</summary>
public abstract record StoredArticle
{
    private StoredArticle()
    {
    }

    /// <summary>The article's content (<c>articles/{slug}.json</c>), which its page is rendered around when read.</summary>
    public sealed record Content(ArticleContent Article, ETag ETag) : StoredArticle;

    /// <summary>A finished page (<c>articles/{slug}.html</c>), as publishing stored them before it stored content.</summary>
    public sealed record LegacyPage(string Html) : StoredArticle;
}

/// <summary>
/// Published articles in the <c>site</c> container: <c>articles/{slug}.json</c>, the content their pages are rendered
/// from (<see cref="ArticleContent"/>); and, from before that, finished pages at <c>articles/{slug}.html</c>, read
/// when an article has no content yet and removed with it.
/// </summary>
public sealed class SitePages(StorageLayout storage)
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static string ContentPath(string slug) => $"articles/{slug}.json";

    public static string LegacyPagePath(string slug) => $"articles/{slug}.html";

    /// <summary>Stores (or replaces) the content of <paramref name="slug"/>'s page.</summary>
    public async Task WriteArticleAsync(string slug, ArticleContent content, CancellationToken cancellationToken)
    {
        CheckSlug(slug, content);
        await storage.EnsureCreatedAsync(cancellationToken);
        await storage.Site.GetBlobClient(ContentPath(slug)).UploadAsync(
            Serialize(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = JsonContentType } },
            cancellationToken);
    }

    /// <summary>
    /// Stores content rendered again from its source (<see cref="StoredArticleUpgrade"/>) in place of
    /// <paramref name="replacing"/>: only if the content blob is still that version (or, for a legacy page, there is
    /// still none), so a publish since it was read wins. False when it was not stored for that reason.
    /// </summary>
    public async Task<bool> TryReplaceArticleAsync(string slug, ArticleContent content, StoredArticle replacing, CancellationToken cancellationToken)
    {
        CheckSlug(slug, content);
        ArgumentNullException.ThrowIfNull(replacing);
        try
        {
            await storage.Site.GetBlobClient(ContentPath(slug)).UploadAsync(
                Serialize(content),
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = JsonContentType },
                    Conditions = replacing is StoredArticle.Content old
                        ? new BlobRequestConditions { IfMatch = old.ETag }
                        : new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409 || e.IsPreconditionFailed() || e.IsNotFound())
        {
            return false; // written since, or gone (an unpublish, or no site container)
        }
    }

    /// <summary>The article's content, else its page stored before content was, else null.</summary>
    public async Task<StoredArticle?> ReadArticleAsync(string slug, CancellationToken cancellationToken)
    {
        if (await DownloadAsync(ContentPath(slug), cancellationToken) is { } json)
        {
            return new StoredArticle.Content(
                JsonSerializer.Deserialize(json.Content, StorageJson.Content.ArticleContent)
                    ?? throw new InvalidDataException($"{ContentPath(slug)} holds null rather than an article's content."),
                json.Details.ETag);
        }

        return await DownloadAsync(LegacyPagePath(slug), cancellationToken) is { } html ? new StoredArticle.LegacyPage(html.Content.ToString()) : null;
    }

    /// <summary>Removes the article's content and any page stored before content was.</summary>
    public async Task DeleteArticleAsync(string slug, CancellationToken cancellationToken) =>
        await Task.WhenAll(
            storage.Site.GetBlobClient(ContentPath(slug)).DeleteIfExistsAsync(cancellationToken: cancellationToken),
            storage.Site.GetBlobClient(LegacyPagePath(slug)).DeleteIfExistsAsync(cancellationToken: cancellationToken));

    private async Task<BlobDownloadResult?> DownloadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.Site.GetBlobClient(path).DownloadContentAsync(cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null; // no such blob, or no site container yet
        }
    }

    private static BinaryData Serialize(ArticleContent content) =>
        BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(content, StorageJson.Content.ArticleContent));

    private static void CheckSlug(string slug, ArticleContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Slug != slug)
        {
            throw new ArgumentException($"the content of '{content.Slug}' cannot be stored as '{slug}'", nameof(content));
        }
    }
}
