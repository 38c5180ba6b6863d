using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Publishing.Local.Configuration;
using Publishing.Local.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Publishing.Local.Relay;

/// <summary>
/// Azurite's Blob service at another address (<see cref="RelayOptions.BlobEndpoint"/>), which tells the relay of every
/// blob written or deleted through it as the request completes, the way Azure Storage tells Event Grid. A drop made
/// through it reaches the host at once, whatever the number of files in the container; the relay's sweep, which
/// lists a page of the container per poll, still finds what other tools write straight to Azurite. Every request is
/// forwarded as it came (method, raw path and query, headers, content, streamed both ways), so Shared Key
/// signatures, SAS and errors are Azurite's own. A single-shot Put Blob's change carries the version it made, from its
/// own request and answer, so the relay need not read the blob's properties (<see cref="BlobChange.WrittenBy"/>).
/// </summary>
internal sealed partial class BlobEndpointProxy : IDisposable
{
    /// <summary>
    /// Names the Azurite the endpoint forwards to on every answer, so a tool can tell whether it is the storage it means
    /// (<c>drop</c> goes through the endpoint only then; the development account's key is the same on every Azurite).
    /// </summary>
    public const string OriginHeader = "x-publishing-blob-origin";

    private static readonly ForwarderRequestConfig Http11 = new() { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private readonly IHttpForwarder _forwarder;
    private readonly BlobChanges _changes;
    private readonly string _origin;
    private readonly HttpMessageInvoker _azurite = new(HttpFunctionForwarder.ForwardingHandler());
    private readonly ILogger<BlobEndpointProxy> _logger;

    public BlobEndpointProxy(IHttpForwarder forwarder, BlobChanges changes, StorageAccounts accounts, ILogger<BlobEndpointProxy> logger)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        _forwarder = forwarder;
        _changes = changes;
        _logger = logger;
        _origin = accounts.Blobs(null).Uri.GetLeftPart(UriPartial.Authority);
    }

    public async Task ForwardAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Azurite's limits apply, not the host's 30 MB for the app's requests: a file too large to publish still lands and is rejected by the app.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        context.Response.OnStarting(() =>
        {
            context.Response.Headers[OriginHeader] = _origin;
            return Task.CompletedTask;
        });
        var request = context.Request;
        var change = BlobChange.FromRequest(
            request.Method,
            request.Path.Value ?? string.Empty,
            request.Query["comp"],
            request.Query.ContainsKey("snapshot") || request.Query.ContainsKey("versionid"));
        var inFlight = change is null ? null : _changes.Begin(change.Container, change.BlobName);
        BlobChange? made = null;
        try
        {
            var error = await _forwarder.SendAsync(context, _origin, _azurite, Http11, RawTargetTransformer.Instance, context.RequestAborted);
            if (error != ForwarderError.None)
            {
                LogForwardingFailed(request.Method, request.Path, error);
                return;
            }

            if (change is not null && context.Response.StatusCode is >= 200 and < 300)
            {
                made = change.Kind == BlobChangeKind.Written ? change with { Version = BlobChange.WrittenBy(request, context.Response) } : change;
            }
        }
        finally
        {
            if (inFlight is not null)
            {
                _changes.Complete(inFlight, made);
            }
        }
    }

    public void Dispose() => _azurite.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The blob endpoint could not forward {Method} {Path} to Azurite: {Error}")]
    private partial void LogForwardingFailed(string method, PathString path, ForwarderError error);
}
