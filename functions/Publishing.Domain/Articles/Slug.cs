using System.Globalization;
using System.Text;

namespace Publishing.Articles;

/// <summary>Makes URL slugs: lower case ASCII letters and digits separated by single hyphens.</summary>
public static class Slug
{
    /// <summary>Longest slug kept; longer ones are cut at a hyphen so URLs and table keys stay short.</summary>
    public const int MaxLength = 120;

    /// <summary>Letters that Unicode decomposition does not fold to ASCII but readers expect folded.</summary>
    private static readonly Dictionary<char, string> Transliterations = new()
    {
        ['ß'] = "ss", ['æ'] = "ae", ['Æ'] = "ae", ['œ'] = "oe", ['Œ'] = "oe", ['ø'] = "o", ['Ø'] = "o",
        ['ł'] = "l", ['Ł'] = "l", ['đ'] = "d", ['Đ'] = "d", ['ð'] = "d", ['Ð'] = "d", ['þ'] = "th", ['Þ'] = "th",
        ['ı'] = "i", ['ħ'] = "h", ['Ħ'] = "h", ['ŧ'] = "t", ['Ŧ'] = "t",
    };

    /// <summary>The slug for <paramref name="text"/>; empty when nothing in it folds to a letter or digit.</summary>
    public static string From(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var slug = new StringBuilder(Math.Min(decomposed.Length, MaxLength + 16));
        var pendingHyphen = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var folded = c switch
            {
                >= 'a' and <= 'z' or >= '0' and <= '9' => c.ToString(),
                >= 'A' and <= 'Z' => char.ToLowerInvariant(c).ToString(),
                _ => Transliterations.GetValueOrDefault(c),
            };
            if (folded is null)
            {
                pendingHyphen = slug.Length > 0;
                continue;
            }

            if (pendingHyphen)
            {
                slug.Append('-');
                pendingHyphen = false;
            }

            slug.Append(folded);
            if (slug.Length > MaxLength)
            {
                break;
            }
        }

        return Truncate(slug.ToString());
    }

    /// <summary>True when <paramref name="text"/> is already a slug, so it can name a page or a table key as it is.</summary>
    public static bool IsSlug(string? text) => text is { Length: > 0 and <= MaxLength } && From(text) == text;

    /// <summary>The slug a file name gives: its last path segment without the extension.</summary>
    public static string FromFileName(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var fileName = blobName[(blobName.LastIndexOf('/') + 1)..];
        return From(Path.GetFileNameWithoutExtension(fileName));
    }

    private static string Truncate(string slug)
    {
        if (slug.Length <= MaxLength)
        {
            return slug;
        }

        var cut = slug.LastIndexOf('-', MaxLength);
        return cut > 0 ? slug[..cut] : slug[..MaxLength];
    }
}
