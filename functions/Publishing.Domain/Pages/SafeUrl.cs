namespace Publishing.Pages;

/// <summary>Which URLs an article may link to: http, https and mailto, or relative ones.</summary>
public static class SafeUrl
{
    /// <summary>The schemes <see cref="IsAllowed"/> accepts, for the sanitiser's allowlist.</summary>
    public static IReadOnlyList<string> AllowedSchemes { get; } = ["http", "https", "mailto"];

    /// <summary>
    /// True when <paramref name="url"/> is relative (a path, query or fragment) or names an allowed scheme.
    /// Judged the way a browser reads it: tabs and line breaks anywhere, and controls and spaces at
    /// the start, are ignored, so <c>java&#9;script:</c> counts as <c>javascript:</c>.
    /// </summary>
    public static bool IsAllowed(string? url) =>
        Scheme(url) is not { } scheme
        || scheme.Equals("http", StringComparison.OrdinalIgnoreCase)
        || scheme.Equals("https", StringComparison.OrdinalIgnoreCase)
        || scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when <paramref name="url"/> names the <c>http:</c> scheme itself, read as <see cref="IsAllowed"/> reads it.
    /// Relative and scheme-relative URLs (<c>//host/x.png</c>) are not: they take the page's scheme.
    /// </summary>
    public static bool IsPlainHttp(string? url) => Scheme(url) is { } scheme && scheme.Equals("http", StringComparison.OrdinalIgnoreCase);

    /// <summary>The scheme <paramref name="url"/> names, as a browser reads it; null for a relative URL.</summary>
    private static string? Scheme(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        Span<char> buffer = url.Length <= 256 ? stackalloc char[url.Length] : new char[url.Length];
        var length = 0;
        foreach (var c in url)
        {
            if (c is not ('\t' or '\n' or '\r'))
            {
                buffer[length++] = c;
            }
        }

        var first = 0;
        while (first < length && buffer[first] <= ' ')
        {
            first++;
        }

        var cleaned = buffer[first..length];
        var end = cleaned.IndexOfAny(":/?#\\");
        return end < 0 || cleaned[end] != ':' ? null : cleaned[..end].ToString();
    }

    /// <summary>An absolute http(s) URL for <paramref name="url"/>, resolved against <paramref name="baseUrl"/>; null for anything else.</summary>
    public static Uri? AbsoluteHttp(string? url, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (string.IsNullOrWhiteSpace(url) || !IsAllowed(url) || !Uri.TryCreate(baseUrl, url.Trim(), out var absolute))
        {
            return null;
        }

        return absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps ? absolute : null;
    }
}
