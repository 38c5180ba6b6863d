using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using Markdig;

namespace Publishing.Articles;

/// <summary>Reads a dropped file into an <see cref="Article"/>, or says precisely why it cannot be one.</summary>
public static class ArticleParser
{
    private static readonly string[] KnownKeys =
        ["title", "slug", "tags", "author", "source", "date", "updated", "summary", "draft", "image", "lang"];

    /// <param name="blobName">The file's name in the <c>articles</c> container, folders included.</param>
    /// <param name="allowHttpImages">Whether the <c>image</c> field may be an <c>http:</c> address (<c>Publishing__AllowHttpImages</c>).</param>
    /// <remarks>Never throws on content: whatever a file holds, the result is an article or a rejection.</remarks>
    public static ArticleParseResult Parse(string blobName, ReadOnlySpan<byte> content, int maxBytes, bool allowHttpImages = false)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        if (ArticleFormats.RejectUnsupported(blobName) is { } unsupported)
        {
            return unsupported;
        }

        if (content.Length > maxBytes)
        {
            return TooLarge(content.Length, maxBytes);
        }

        // Decoded into a pooled buffer, cleaned and split in place: the Markdown body is the one string made of the text.
        var bytes = content.StartsWith("\uFEFF"u8) ? content[3..] : content;
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(bytes.Length, 1));
        try
        {
            int length;
            try
            {
                length = StrictUtf8.GetChars(bytes, buffer);
            }
            catch (DecoderFallbackException)
            {
                return NotUtf8(content);
            }

            var text = buffer.AsSpan(0, length);
            if (text.IsWhiteSpace())
            {
                return new Rejection(RejectionCode.Empty, content.IsEmpty ? "the file is empty" : "the file contains only blank space");
            }

            if (text.IndexOf('\0') is var nul and >= 0)
            {
                return new Rejection(
                    RejectionCode.NotUtf8,
                    "the file contains NUL characters, as UTF-16 or binary files do; save it as UTF-8 text",
                    text[..nul].Count('\n') + 1);
            }

            return ParseText(blobName, text, allowHttpImages);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static ArticleParseResult ParseText(string blobName, Span<char> text, bool allowHttpImages)
    {
        try
        {
            // Control characters never reach a page or a feed; blanking them keeps every line number.
            XmlSafeText.Blank(text);
            return ArticleFormats.FromName(blobName) == ArticleFormat.Markdown
                ? ParseMarkdown(blobName, text[..NormalizeLineEndings(text)], allowHttpImages)
                : ParsePlainText(blobName, text.ToString());
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // A defect of ours or of a library, found by a file: the editor gets a reason and the delivery is not retried.
            return Rejection.Unreadable("the file could not be read", e);
        }
    }

    public static Rejection TooLarge(long length, int maxBytes) => new(
        RejectionCode.TooLarge, $"the file is {FormatSize(length)}; the limit is {FormatSize(maxBytes)}");

    private static ArticleParseResult ParseMarkdown(string blobName, ReadOnlySpan<char> text, bool allowHttpImages)
    {
        var frontMatterResult = FrontMatter.Read(text, out var bodyStart, out var bodyOffset);
        if (frontMatterResult is FrontMatter.Result.Broken broken)
        {
            return broken.Rejection;
        }

        var frontMatter = ((FrontMatter.Result.Read)frontMatterResult).FrontMatter;
        var title = frontMatter.Text("title");
        var slugText = frontMatter.Text("slug");
        var tags = frontMatter.Tags("tags");
        var author = frontMatter.Text("author");
        var source = frontMatter.Text("source");
        var date = frontMatter.Date("date");
        var updated = frontMatter.Date("updated");
        var summary = frontMatter.Text("summary");
        var draft = frontMatter.Flag("draft");
        var image = frontMatter.Text("image");
        var language = frontMatter.Text("lang");
        if (frontMatter.Problem is { } problem)
        {
            return problem;
        }

        // Before anything reads the body, the title heading included (Markdig is quadratic on some long lines).
        if (MarkdownShape.Check(text[bodyOffset..], bodyStart) is { } tooComplex)
        {
            return tooComplex;
        }

        // The first line of the body with anything on it; past the last line when there is none.
        var lines = new LineReader(text[bodyOffset..]);
        var firstContent = bodyStart;
        ReadOnlySpan<char> firstLine = default;
        var found = false;
        while (lines.TryNext(out var line))
        {
            if (!line.IsWhiteSpace())
            {
                firstLine = line;
                found = true;
                break;
            }

            firstContent++;
        }

        // A leading "# Heading" is the title when the front matter names none, and a duplicate of it when it does.
        if (found && HeadingText(firstLine) is { } heading
            && (title is null || string.Equals(heading, title, StringComparison.OrdinalIgnoreCase)))
        {
            title ??= heading;
            bodyStart = firstContent + 1;
            bodyOffset = Math.Min(bodyOffset + lines.Offset, text.Length);
        }

        if (title is null)
        {
            return new Rejection(
                RejectionCode.MissingTitle,
                "the article has no title: add 'title:' to the front matter or start the text with a '# ' heading",
                Math.Min(firstContent, text.Count('\n')) + 1);
        }

        var titleLine = frontMatter.Keys.Contains("title", StringComparer.OrdinalIgnoreCase) ? frontMatter.LineOf("title") : firstContent + 1;
        var fields = new ArticleFields(title, titleLine)
        {
            Summary = (summary, frontMatter.LineOf("summary")),
            Author = (author, frontMatter.LineOf("author")),
            Source = (source, frontMatter.LineOf("source")),
            Image = (image, frontMatter.LineOf("image")),
            Language = (language, frontMatter.LineOf("lang")),
            Tags = tags,
            TagLine = _ => frontMatter.LineOf("tags"),
        };
        if (fields.Check(allowHttpImages) is { } beyondLimits)
        {
            return beyondLimits;
        }

        if (!TryGetSlug(blobName, slugText, frontMatter.LineOf("slug"), out var slug, out var invalidSlug))
        {
            return invalidSlug;
        }

        return new Article
        {
            Title = fields.Title,
            Slug = slug,
            Body = new MarkdownBody(text[bodyOffset..].ToString(), bodyStart + 1),
            Tags = tags,
            Author = fields.Author.Value,
            Source = fields.Source.Value,
            Published = date,
            Updated = updated,
            Summary = fields.Summary.Value,
            Draft = draft,
            Image = image,
            Language = language,
            Extra = frontMatter.Keys
                .Where(k => !KnownKeys.Contains(k, StringComparer.OrdinalIgnoreCase))
                .ToDictionary(k => k, frontMatter.Raw, StringComparer.Ordinal),
        };
    }

    private static ArticleParseResult ParsePlainText(string blobName, string text)
    {
        if (PlainTextArticleReader.Read(text) is not { } story)
        {
            return new Rejection(RejectionCode.MissingTitle, "the article has no title: its first line should be the headline", 1);
        }

        var fields = new ArticleFields(story.Title, story.TitleLine)
        {
            Source = (story.Source, story.SourceLine),
            Tags = story.Tags,
            TagLine = index => story.TagLines[index],
        };
        if (fields.Check(allowHttpImages: false) is { } beyondLimits) // plain text has no image
        {
            return beyondLimits;
        }

        if (!TryGetSlug(blobName, slugText: null, slugLine: 1, out var slug, out var invalidSlug))
        {
            return invalidSlug;
        }

        return new Article
        {
            Title = fields.Title,
            Slug = slug,
            Body = new PlainTextBody(story.Blocks),
            Tags = story.Tags,
            Source = fields.Source.Value,
        };
    }

    /// <summary>The text of an ATX level-1 heading line (<c># Title #</c>) as plain text, or null.</summary>
    private static string? HeadingText(ReadOnlySpan<char> line)
    {
        var trimmed = line.TrimStart(' ');
        if (line.Length - trimmed.Length > 3 || !trimmed.StartsWith("# ", StringComparison.Ordinal))
        {
            return null;
        }

        var text = trimmed[2..].Trim().TrimEnd('#').Trim().ToString();
        var plain = Markdown.ToPlainText(text).Trim();
        return plain.Length > 0 ? plain : null;
    }

    /// <summary>The front matter's slug, else the file name's; null (with the reason) when neither gives one.</summary>
    private static bool TryGetSlug(
        string blobName,
        string? slugText,
        int slugLine,
        [NotNullWhen(true)] out string? slug,
        [NotNullWhen(false)] out Rejection? rejection)
    {
        rejection = null;
        slug = slugText is null ? Slug.FromFileName(blobName) : Slug.From(slugText);
        if (slug.Length > 0)
        {
            return true;
        }

        slug = null;
        if (slugText is not null)
        {
            rejection = new Rejection(RejectionCode.InvalidSlug, $"'slug' has no letters or digits that can be used in a URL: '{slugText}'", slugLine);
            return false;
        }

        rejection = new Rejection(
                RejectionCode.InvalidSlug,
                $"the file name '{Path.GetFileName(blobName)}' has no letters or digits that can be used in a URL; rename the file, or (in Markdown) add 'slug:' to the front matter");
        return false;
    }

    /// <summary>
    /// Rewrites every line break of <paramref name="text"/> as <c>\n</c> in place, as <see cref="string.ReplaceLineEndings(string)"/>
    /// does (CR LF, CR, NEL, LS, PS and FF are line breaks), and returns the text's new length.
    /// </summary>
    private static int NormalizeLineEndings(Span<char> text)
    {
        var first = text.IndexOfAny(OtherLineBreaks);
        if (first < 0)
        {
            return text.Length;
        }

        var written = first;
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue; // the LF that follows is written
            }

            text[written++] = c is '\r' or '\u0085' or '\u2028' or '\u2029' or '\f' ? '\n' : c;
        }

        return written;
    }

    private static readonly SearchValues<char> OtherLineBreaks = SearchValues.Create("\r\u0085\u2028\u2029\f");

    private static Rejection NotUtf8(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith([(byte)0xFF, (byte)0xFE]) || content.StartsWith([(byte)0xFE, (byte)0xFF]))
        {
            return new Rejection(RejectionCode.NotUtf8, "the file is UTF-16; save it as UTF-8", 1);
        }

        var buffer = ArrayPool<char>.Shared.Rent(content.Length);
        try
        {
            Utf8.ToUtf16(content, buffer, out var validBytes, out _, replaceInvalidSequences: false);
            var line = content[..validBytes].Count((byte)'\n') + 1;
            return new Rejection(
                RejectionCode.NotUtf8,
                $"the file is not valid UTF-8 (byte 0x{content[validBytes]:X2} at offset {validBytes}); save it as UTF-8",
                line);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static string FormatSize(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MiB",
        >= 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
