using System.Globalization;
using System.Text;

namespace Publishing.Articles;

/// <summary>Makes URL slugs: lower case ASCII letters and digits separated by single hyphens.</summary>
public static class Slug
{
    /// <summary>Longest slug kept; longer ones are cut at a hyphen so URLs and table keys stay short.</summary>
    public const int MaxLength = 120;

    /// <summary>
    /// Lower-case letters that Unicode decomposition does not fold to ASCII but readers expect folded, and
    /// Cyrillic, romanised the way news sites do (Лавров → lavrov), so that Russian and Ukrainian titles and
    /// tags get readable slugs instead of none.
    /// </summary>
    private static readonly Dictionary<char, string> Transliterations = new()
    {
        ['ß'] = "ss", ['æ'] = "ae", ['œ'] = "oe", ['ø'] = "o", ['ł'] = "l", ['đ'] = "d", ['ð'] = "d", ['þ'] = "th",
        ['ı'] = "i", ['ħ'] = "h", ['ŧ'] = "t",
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['е'] = "e", ['ё'] = "e", ['ж'] = "zh",
        ['з'] = "z", ['и'] = "i", ['й'] = "y", ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o",
        ['п'] = "p", ['р'] = "r", ['с'] = "s", ['т'] = "t", ['у'] = "u", ['ф'] = "f", ['х'] = "kh", ['ц'] = "ts",
        ['ч'] = "ch", ['ш'] = "sh", ['щ'] = "shch", ['ъ'] = "", ['ы'] = "y", ['ь'] = "", ['э'] = "e", ['ю'] = "yu",
        ['я'] = "ya", ['і'] = "i", ['ї'] = "yi", ['є'] = "ye", ['ґ'] = "g",
    };

    /// <summary>The slug for <paramref name="text"/>; empty when nothing in it folds to a letter or digit.</summary>
    public static string From(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = Romanise(text);
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
                >= 'a' and <= 'z' or >= '0' and <= '9' => c,
                >= 'A' and <= 'Z' => char.ToLowerInvariant(c),
                _ => '-',
            };
            if (folded == '-')
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

    /// <summary>
    /// Replaces letters that have a conventional romanisation, then decomposes the rest so accents become
    /// separate marks (é → e + ´) and compatibility forms plain ones (ｆ → f). Romanising first matters:
    /// decomposition would turn й into и + ˘ and lose the "y".
    /// </summary>
    private static string Romanise(string text)
    {
        var romanised = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (Transliterations.TryGetValue(char.ToLowerInvariant(c), out var latin))
            {
                romanised.Append(latin);
            }
            else
            {
                romanised.Append(c);
            }
        }

        try
        {
            return romanised.ToString().Normalize(NormalizationForm.FormKD);
        }
        catch (ArgumentException)
        {
            return romanised.ToString(); // not valid UTF-16 (a lone surrogate): the odd characters become separators
        }
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
