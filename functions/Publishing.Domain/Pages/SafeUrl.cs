namespace Publishing.Pages;

/// <summary>Which URLs an article may link to: http, https and mailto, or relative ones.</summary>
public static class SafeUrl
{
    /// <summary>
    /// True when <paramref name="url"/> is relative (a path, query or fragment) or names an allowed scheme.
    /// Judged the way a browser reads it: tabs and line breaks anywhere, and controls and spaces at
    /// the start, are ignored, so <c>java&#9;script:</c> counts as <c>javascript:</c>. Judged as well the
    /// stricter way of the allowlist sanitiser that is the test oracle of article bodies: whatever comes
    /// before a first colon (or <c>&amp;#58</c>, <c>&amp;#x3a</c>) that no <c>/</c> or <c>#</c> precedes
    /// is a scheme, so <c>page?at=10:30</c> and <c> https://x</c> are refused, as the sanitiser refused them.
    /// </summary>
    public static bool IsAllowed(string? url) =>
        (Scheme(url) is not { } scheme || IsAllowedScheme(scheme))
        && (SchemeAsWritten(url) is not { } written || IsAllowedScheme(written));

    private static bool IsAllowedScheme(ReadOnlySpan<char> scheme) =>
        scheme.Equals("http", StringComparison.OrdinalIgnoreCase)
        || scheme.Equals("https", StringComparison.OrdinalIgnoreCase)
        || scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The text before the first colon, or colon written as a character reference, that comes before any
    /// <c>/</c> and <c>#</c>; null when there is none. Nothing is trimmed or skipped: the renderer
    /// percent-encodes spaces and controls, so the page carries them as part of the scheme.
    /// </summary>
    private static string? SchemeAsWritten(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        for (var i = 0; i < url.Length; i++)
        {
            switch (url[i])
            {
                case '/':
                    return null;
                case ':':
                    return url[..i];
                case '&' when IsColonReference(url.AsSpan(i)):
                    return url[..i];
                case '#':
                    return null;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="text"/> starts with <c>&amp;#58</c> or <c>&amp;#x3a</c>, any number of zeros before the digits, any case.</summary>
    private static bool IsColonReference(ReadOnlySpan<char> text)
    {
        if (text.Length < 3 || text[1] != '#')
        {
            return false;
        }

        var hex = text[2] is 'x' or 'X';
        var digits = text[(hex ? 3 : 2)..];
        digits = digits.TrimStart('0');
        return hex
            ? digits.Length >= 2 && digits[0] == '3' && digits[1] is 'a' or 'A'
            : digits.StartsWith("58", StringComparison.Ordinal);
    }

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
