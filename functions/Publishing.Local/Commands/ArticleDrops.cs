using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Commands;

/// <summary>The articles container the app's blob trigger watches (app setting <c>ArticlesContainer</c>), for the commands that drop files into it.</summary>
internal static class ArticleDrops
{
    public const string ContainerSetting = "ArticlesContainer";

    public static BlobContainerClient Container(IConfiguration configuration)
    {
        var options = new BlobClientOptions();
        // Fail in seconds, not minutes, when Azurite is not running.
        options.Retry.MaxRetries = 2;
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return StorageConnection.FromConfiguration(configuration).CreateBlobServiceClient(options)
            .GetBlobContainerClient(configuration[ContainerSetting] is { Length: > 0 } name ? name : "articles");
    }

    /// <summary>ETags compared without their quotes (Storage quotes them, Event Grid does not).</summary>
    public static bool SameETag(string? a, string? b) =>
        string.Equals(a?.Trim('"'), b?.Trim('"'), StringComparison.Ordinal);

    /// <summary>The path of a blob name in a URL: each folder level escaped on its own, the slashes kept.</summary>
    public static string UrlPath(string blobName) => string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
}
