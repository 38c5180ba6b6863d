using System.Text;

namespace Publishing.Articles;

/// <summary>
/// The characters XML 1.0 can carry (tab, line breaks, U+0020–U+D7FF, U+E000–U+FFFD and paired surrogates).
/// Everything an article contributes to a feed or sitemap passes through <see cref="Clean"/> first, so no
/// title, summary or name can make one malformed.
/// </summary>
public static class XmlSafeText
{
    public static bool IsAllowed(char c) =>
        c is '\t' or '\n' or '\r' or (>= ' ' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');

    /// <summary>The index of the first character XML cannot carry, or -1.</summary>
    public static int IndexOfUnsafe(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsAllowed(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }

    /// <summary><paramref name="text"/> without the characters XML cannot carry (controls, lone surrogates, U+FFFE, U+FFFF).</summary>
    public static string Clean(string text) => Replace(text, replacement: null);

    /// <summary>
    /// <paramref name="text"/> with a space for each character XML cannot carry, so positions (and line numbers) stay
    /// as they were: pasted text brings vertical tabs and form feeds.
    /// </summary>
    public static string Blank(string text) => Replace(text, replacement: ' ');

    /// <summary>As <see cref="Blank(string)"/>, in place.</summary>
    public static void Blank(Span<char> text)
    {
        var start = 0;
        while (IndexOfUnsafe(text[start..]) is var offset and >= 0)
        {
            text[start + offset] = ' ';
            start += offset + 1;
        }
    }

    private static string Replace(string text, char? replacement)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        clean.Append(text.AsSpan(0, first));
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (IsAllowed(c))
            {
                clean.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
            }
            else if (replacement is { } blank)
            {
                clean.Append(blank);
            }
        }

        return clean.ToString();
    }
}
