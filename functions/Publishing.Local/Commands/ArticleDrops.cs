using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Configuration;
using Publishing.Local.Relay;
using Publishing.Storage;

namespace Publishing.Local.Commands;

/// <summary>The articles container the app's blob trigger watches (app setting <c>ArticlesContainer</c>), for the commands that drop files into it.</summary>
internal static class ArticleDrops
{
    public const string ContainerSetting = "ArticlesContainer";

    /// <summary>
    /// The articles container, reached through the local host's blob endpoint (<see cref="RelayOptions.BlobEndpoint"/>)
    /// when a host answers there in front of this same storage, so that each file reaches the app as soon as it is
    /// uploaded, or straight at Azurite when not (or when <paramref name="direct"/>): the relay's sweep then finds the files.
    /// </summary>
    public static async Task<(BlobContainerClient Container, Uri? Through)> ContainerAsync(IConfiguration configuration, bool direct, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var container = Container(configuration, through: null);
        if (direct
            || !container.Uri.IsLoopback
            || (configuration[ConfigurationPath.Combine(RelayOptions.SectionName, nameof(RelayOptions.BlobEndpoint))] ?? RelayOptions.DefaultBlobEndpoint)
                is not { Length: > 0 } setting
            || !Uri.TryCreate(setting, UriKind.Absolute, out var endpoint))
        {
            return (container, null);
        }

        try
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(TimeSpan.FromSeconds(2));
            // The account's service properties, answered by a host that forwards to this very Azurite.
            var answer = await Container(configuration, endpoint, retries: 0).GetParentBlobServiceClient().GetPropertiesAsync(probe.Token);
            return answer.GetRawResponse().Headers.TryGetValue(BlobEndpointProxy.OriginHeader, out var origin)
                && string.Equals(origin, container.Uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
                    ? (Container(configuration, endpoint), endpoint)
                    : (container, null);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (container, null);
        }
    }

    private static BlobContainerClient Container(IConfiguration configuration, Uri? through, int retries = 2)
    {
        var options = new BlobClientOptions();
        // Fail in seconds, not minutes, when Azurite is not running.
        options.Retry.MaxRetries = retries;
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        if (through is not null)
        {
            options.AddPolicy(new Redirect(through), HttpPipelinePosition.PerRetry);
        }

        return StorageConnection.FromConfiguration(configuration).CreateBlobServiceClient(options)
            .GetBlobContainerClient(configuration[ContainerSetting] is { Length: > 0 } name ? name : "articles");
    }

    /// <summary>ETags compared without their quotes (Storage quotes them, Event Grid does not).</summary>
    public static bool SameETag(string? a, string? b) =>
        string.Equals(a?.Trim('"'), b?.Trim('"'), StringComparison.Ordinal);

    /// <summary>
    /// Sends a request to another host and port, path and query unchanged: Shared Key and SAS sign the path, not the host,
    /// so the request stays valid at a proxy in front of the same account.
    /// </summary>
    private sealed class Redirect(Uri to) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            message.Request.Uri.Host = to.Host;
            message.Request.Uri.Port = to.Port;
        }
    }

    /// <summary>The path of a blob name in a URL: each folder level escaped on its own, the slashes kept.</summary>
    public static string UrlPath(string blobName) => string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
}
