using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Publishing.Local.Functions;

namespace Publishing.Local.Http;

/// <summary>
/// Function keys as the Functions host checks them, when the local host enforces them (<c>LocalHost:EnableAuth</c>,
/// like <c>func start --enableAuth</c>): the key from <c>x-functions-key</c>, else from <c>?code=</c>. The host key
/// opens <c>Function</c> routes; the master key opens every route. A key's level must equal the route's, so
/// nothing but the master key opens <c>System</c>, <c>User</c> or <c>Admin</c> routes here.
/// </summary>
internal sealed class FunctionKeys(string hostKey, string masterKey)
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public string HostKey { get; } = hostKey;

    public string MasterKey { get; } = masterKey;

    /// <summary>A key for local use: 32 random bytes, URL-safe base64, the shape of the host's own keys.</summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public bool Allows(HttpRequest request, AuthorizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (level == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        var key = request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrEmpty(header)
            ? header.ToString()
            : request.Query[QueryName].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        return Matches(key, MasterKey) || (level == AuthorizationLevel.Function && Matches(key, HostKey));
    }

    private static bool Matches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
