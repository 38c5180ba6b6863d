using Azure;
using Azure.Storage.Blobs.Models;
using Publishing.Storage;

namespace Publishing.Pages;

/// <summary>A page as stored in the <c>site</c> container.</summary>
public sealed record StoredPage(BinaryData Content, ETag ETag, DateTimeOffset LastModified);

/// <summary>Published pages in the <c>site</c> container: <c>articles/{slug}.html</c>.</summary>
public sealed class SitePages(StorageLayout storage)
{
    private const string HtmlContentType = "text/html; charset=utf-8";

    public static string ArticlePath(string slug) => $"articles/{slug}.html";

    public async Task WriteArticleAsync(string slug, string html, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await storage.Site.GetBlobClient(ArticlePath(slug)).UploadAsync(
            BinaryData.FromString(html),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = HtmlContentType } },
            cancellationToken);
    }

    public async Task<StoredPage?> ReadArticleAsync(string slug, CancellationToken cancellationToken)
    {
        try
        {
            var result = await storage.Site.GetBlobClient(ArticlePath(slug)).DownloadContentAsync(cancellationToken);
            return new StoredPage(result.Value.Content, result.Value.Details.ETag, result.Value.Details.LastModified);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null; // no such page, or no site container yet
        }
    }

    public async Task DeleteArticleAsync(string slug, CancellationToken cancellationToken) =>
        await storage.Site.GetBlobClient(ArticlePath(slug)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
}
