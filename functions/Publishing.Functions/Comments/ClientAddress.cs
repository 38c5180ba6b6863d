using System.Net;
using Microsoft.AspNetCore.Http;

namespace Publishing.Functions.Comments;

/// <summary>Who is posting, as far as the rate limit can tell.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The client's address: with <paramref name="trustForwardedFor"/>, the last address in <c>X-Forwarded-For</c>
    /// (the one our proxy appended; earlier ones are whatever the client sent); otherwise the connection's.
    /// </summary>
    public static IPAddress? Of(HttpRequest request, bool trustForwardedFor)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (trustForwardedFor)
        {
            // An entry may carry a port ("203.0.113.7:5123", "[2001:db8::1]:443"); IPEndPoint reads both forms.
            var last = request.Headers["X-Forwarded-For"].ToString().Split(',')[^1].Trim();
            if (IPEndPoint.TryParse(last, out var forwarded))
            {
                return forwarded.Address;
            }
        }

        return request.HttpContext.Connection.RemoteIpAddress;
    }
}
