using System.Net;
using Microsoft.AspNetCore.Http;

namespace Publishing.Local.Http;

/// <summary>
/// The names this host answers to: <c>localhost</c> and every loopback address, the names in the URLs it listens on
/// (<c>--urls</c>), and those added with <c>LocalHost__AllowedHosts</c> (separated by <c>;</c>). Wildcard and
/// any-address bindings (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) add no name.
/// </summary>
internal sealed class LocalHostNames
{
    private readonly HashSet<string> _names;
    private readonly HashSet<IPAddress> _addresses = [];

    public LocalHostNames(string urls, string? allowedHosts)
    {
        ArgumentNullException.ThrowIfNull(urls);
        _names = new HashSet<string>(["localhost"], StringComparer.OrdinalIgnoreCase);
        var hosts = urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(HostOf)
            .Concat((allowedHosts ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        foreach (var host in hosts.Select(Normalise))
        {
            if (IPAddress.TryParse(host, out var address))
            {
                if (!address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
                {
                    _addresses.Add(address);
                }
            }
            else if (host is not ("*" or "+" or ""))
            {
                _names.Add(host);
            }
        }
    }

    /// <summary>The names and addresses, for messages.</summary>
    public IEnumerable<string> Listed => ["localhost", "127.0.0.1", "[::1]", .. _names.Where(n => n != "localhost"), .. _addresses.Where(a => !IPAddress.IsLoopback(a)).Select(a => a.ToString())];

    /// <summary>Whether <paramref name="host"/> (a Host header's host, without the port) is one of this host's names.</summary>
    public bool Contains(string host)
    {
        var name = Normalise(host);
        return IPAddress.TryParse(name, out var address)
            ? IPAddress.IsLoopback(address) || _addresses.Contains(address)
            : name.Length > 0 && _names.Contains(name);
    }

    /// <summary>Lower case, without IPv6 brackets or the trailing dot of a fully qualified name.</summary>
    private static string Normalise(string host) => host.Trim().TrimStart('[').TrimEnd(']').TrimEnd('.').ToLowerInvariant();

    /// <summary>The host of a Kestrel URL (<c>http://name:port/</c>, <c>http://[::1]:0</c>, <c>http://*:7071</c>).</summary>
    private static string HostOf(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start < 0 ? url : url[(start + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var port = authority.LastIndexOf(':');
        return port > authority.LastIndexOf(']') ? authority[..port] : authority;
    }
}

/// <summary>
/// Refuses, with <c>400</c>, a request whose <c>Host</c> is not one of <see cref="LocalHostNames"/>: the defence against
/// DNS rebinding. A page on another site can point its own name at 127.0.0.1 and then send requests here that its
/// browser treats as same-origin (so it can read the answers, and the app's cross-site check lets them through); they
/// arrive with that site's name as <c>Host</c>, and get nothing. 400, not 403, as ASP.NET Core's host filtering and
/// HTTP.sys answer: the request names a host this server does not serve, and no credential would change that.
/// </summary>
internal sealed class HostHeaderCheck(RequestDelegate next, LocalHostNames names)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.Request.Host;
        if (host.HasValue && names.Contains(host.Host))
        {
            return next(context);
        }

        return Problems.WriteAsync(
            context,
            StatusCodes.Status400BadRequest,
            "Unknown host",
            $"This local host answers to {string.Join(", ", names.Listed)}, not to '{host.Host}'. A page that reaches it under another name " +
            "(DNS rebinding) gets nothing. To serve another name, add it to LocalHost__AllowedHosts (names separated by ';').");
    }
}
