using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Publishing.Local.Http;

/// <summary>
/// YARP's default transforms, with the request sent to its raw path and query as the client sent them: a storage
/// client signs the path (Shared Key) but not the host, so a request forwarded to another port stays valid as long
/// as no re-encoding of the path changes a byte.
/// </summary>
internal class RawTargetTransformer : HttpTransformer
{
    public static readonly RawTargetTransformer Instance = new();

    /// <summary>The address a request is forwarded to: its raw target at <paramref name="origin"/>.</summary>
    public static Uri Address(string origin, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Uri(origin + context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget);
    }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proxyRequest);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = Address(destinationPrefix, httpContext);
    }
}
