using System.Net;
using Microsoft.AspNetCore.Http;

namespace Publishing.Functions.Comments;

/// <summary>Who is posting, as far as the rate limit can tell.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The client's address as the Functions host saw it. The host forwards each request to the worker with
    /// <c>X-Forwarded-For</c> set to that address (replacing whatever the client sent), and the worker's ASP.NET Core
    /// integration, trusting its loopback host, moves it into the connection's remote address. So a client cannot
    /// choose it, and no header needs reading here.
    /// </summary>
    public static IPAddress? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.Connection.RemoteIpAddress;
    }
}
