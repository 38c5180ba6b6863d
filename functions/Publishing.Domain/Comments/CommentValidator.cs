using System.Buffers;
using System.Text;

namespace Publishing.Comments;

/// <summary>What <see cref="CommentValidator"/> made of a post: a comment to store, or which field is wrong and why.</summary>
public abstract record CommentValidation
{
    private CommentValidation()
    {
    }

    public sealed record Valid(NewComment Comment) : CommentValidation;

    public sealed record Invalid(string Field, string Detail) : CommentValidation;
}

/// <summary>
/// The comment rules: an author of 1..80 characters on one line, a plain-text body of 1..5,000 characters.
/// Everything they let through is text XML 1.0 can carry, so a comment can go into any feed as it is.
/// </summary>
/// <remarks>
/// <para>
/// The explicit bidirectional controls (embeddings and overrides U+202A..U+202E, isolates U+2066..U+2069) are
/// removed, not refused. They let a name or a body reorder what a reader sees ("moc.elgoog" shown as
/// "google.com", a name that swallows the date beside it), and yet honest software writes them: messaging apps
/// wrap names in isolates, right-to-left keyboards and copied text carry embeddings. They are invisible, so a
/// refusal would ask writers to delete what they cannot see, and they carry no letters, so removing them loses
/// no word: the Unicode bidirectional algorithm still orders right-to-left script by itself, and the page isolates
/// each author name (<c>&lt;bdi&gt;</c>) and ends each paragraph of a body at its own element.
/// The marks U+200E, U+200F and U+061C stay: they reorder nothing beyond their neighbours.
/// </para>
/// <para>
/// Other control characters (C0 and C1, except a body's tab and line breaks), lone surrogates and the
/// non-characters U+FFFE and U+FFFF are refused, naming the character: no keyboard types them, they mark a
/// broken encoder or a probe, XML cannot carry most of them, and a refusal that says which one is more honest
/// than silently storing something else than was sent.
/// </para>
/// </remarks>
public static class CommentValidator
{
    public const int MaxAuthorLength = 80;

    public const int MaxBodyLength = 5000;

    /// <summary>U+202A..U+202E (LRE, RLE, PDF, LRO, RLO) and U+2066..U+2069 (LRI, RLI, FSI, PDI).</summary>
    private static readonly SearchValues<char> BidiControls = SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    public static CommentValidation Validate(string? author, string? body)
    {
        var name = WithoutBidiControls(author ?? "").Trim();
        if (name.Length == 0)
        {
            return new CommentValidation.Invalid("author", "'author' is required: the name to show with the comment.");
        }

        if (name.Length > MaxAuthorLength)
        {
            return new CommentValidation.Invalid("author", $"'author' is {name.Length} characters long; at most {MaxAuthorLength} are allowed.");
        }

        if (FirstRefused(name, multiline: false) is { } refusedInName)
        {
            return new CommentValidation.Invalid("author", $"'author' must be one line of text; it has {refusedInName}.");
        }

        // Line breaks are kept, whatever the client sent them as (CR LF, CR, NEL, U+2028, U+2029 all become LF).
        var text = WithoutBidiControls(body ?? "").ReplaceLineEndings("\n").Trim();
        if (text.Length == 0)
        {
            return new CommentValidation.Invalid("body", "'body' is required: the text of the comment.");
        }

        if (text.Length > MaxBodyLength)
        {
            return new CommentValidation.Invalid("body", $"'body' is {text.Length} characters long; at most {MaxBodyLength} are allowed.");
        }

        if (FirstRefused(text, multiline: true) is { } refusedInBody)
        {
            return new CommentValidation.Invalid("body", $"'body' must be plain text; it has {refusedInBody}.");
        }

        return new CommentValidation.Valid(new NewComment(name, text));
    }

    private static string WithoutBidiControls(string text)
    {
        if (!text.AsSpan().ContainsAny(BidiControls))
        {
            return text;
        }

        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!BidiControls.Contains(c))
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }

    /// <summary>The first character <paramref name="text"/> may not have, described and named by its code point, or null when there is none.</summary>
    private static string? FirstRefused(string text, bool multiline)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            var what = c switch
            {
                '\n' or '\t' when multiline => null,
                '\n' or '\u2028' or '\u2029' => "a line break",
                _ when char.IsControl(c) => "a control character",
                _ when char.IsSurrogate(c) => "half of a surrogate pair (broken UTF-16)",
                '\uFFFE' or '\uFFFF' => "a non-character",
                _ => null,
            };
            if (what is not null)
            {
                return $"{what} (U+{(int)c:X4})";
            }
        }

        return null;
    }
}
