namespace Publishing.Articles;

/// <summary>
/// A look at a Markdown body line by line, before Markdig parses it, for the shapes that would make parsing or
/// rendering cost more than the file's size: overlong lines, more headings than an article has, block quotes or
/// list items stacked past <see cref="ArticleLimits.MaxNestingDepth"/> on one line, and paragraphs with thousands of
/// brackets or emphasis markers (Markdig matches those in time that grows with their square: 3,900 nested links
/// took a second to parse here). Linear and allocation-free.
/// </summary>
internal static class MarkdownShape
{
    /// <param name="body">The file's text from the body's first line on, its line breaks all <c>\n</c>.</param>
    /// <param name="bodyStart">The index of the body's first line in the file.</param>
    public static Rejection? Check(ReadOnlySpan<char> body, int bodyStart)
    {
        var headings = 0;
        var footnotes = 0;
        var previousBlank = true;
        var (brackets, emphasis, paragraphStart) = (0, 0, bodyStart);
        var lines = new LineReader(body);
        while (lines.TryNext(out var line))
        {
            var i = bodyStart + lines.Index - 1;
            var lineNumber = i + 1;
            if (line.Length > ArticleLimits.MaxLineLength)
            {
                return new Rejection(
                    RejectionCode.TooComplex,
                    $"the line is {line.Length:N0} characters long; Markdown lines may be at most {ArticleLimits.MaxLineLength:N0} (break long paragraphs with blank lines)",
                    lineNumber);
            }

            if (IsHeadingLine(line, previousBlank) && ++headings > ArticleLimits.MaxHeadings)
            {
                return new Rejection(
                    RejectionCode.TooComplex,
                    $"the article has more than {ArticleLimits.MaxHeadings:N0} headings",
                    lineNumber);
            }

            if (IsFootnoteDefinition(line) && ++footnotes > ArticleLimits.MaxFootnotes)
            {
                return new Rejection(
                    RejectionCode.TooComplex,
                    $"the article has more than {ArticleLimits.MaxFootnotes} footnotes",
                    lineNumber);
            }

            if (ContainerDepth(line) > ArticleLimits.MaxNestingDepth)
            {
                return new Rejection(
                    RejectionCode.TooComplex,
                    $"the line opens more than {ArticleLimits.MaxNestingDepth} nested block quotes or list items",
                    lineNumber);
            }

            previousBlank = line.IsWhiteSpace();
            if (previousBlank)
            {
                (brackets, emphasis, paragraphStart) = (0, 0, i + 1);
                continue;
            }

            brackets += line.Count('[');
            emphasis += EmphasisRuns(line);
            if (brackets > ArticleLimits.MaxInlineMarkers || emphasis > ArticleLimits.MaxInlineMarkers)
            {
                return new Rejection(
                    RejectionCode.TooComplex,
                    $"the paragraph has more than {ArticleLimits.MaxInlineMarkers} {(brackets > ArticleLimits.MaxInlineMarkers ? "'[' brackets" : "emphasis markers (*, _ or ~)")}; split it",
                    paragraphStart + 1);
            }
        }

        return null;
    }

    /// <summary>
    /// An ATX heading (<c>## Title</c>) or a setext underline (<c>===</c>, <c>---</c> under text). Lines in code
    /// blocks count too: the count only has to be an upper bound.
    /// </summary>
    private static bool IsHeadingLine(ReadOnlySpan<char> line, bool previousBlank)
    {
        var text = line.TrimStart(' ');
        if (line.Length - text.Length > 3 || text.IsEmpty)
        {
            return false;
        }

        if (text[0] == '#')
        {
            var hashes = text.Length - text.TrimStart('#').Length;
            return hashes <= 6 && (hashes == text.Length || text[hashes] is ' ' or '\t');
        }

        return !previousBlank && text[0] is '=' or '-' && text.TrimEnd().TrimStart(text[0]).IsEmpty;
    }

    /// <summary>A footnote definition, <c>[^label]: text</c>, indented at most three spaces; an upper bound like the heading count.</summary>
    private static bool IsFootnoteDefinition(ReadOnlySpan<char> line)
    {
        var text = line.TrimStart(' ');
        if (line.Length - text.Length > 3 || !text.StartsWith("[^"))
        {
            return false;
        }

        var close = text.IndexOf("]:");
        return close > 2;
    }

    /// <summary>Runs of <c>*</c>, <c>_</c> or <c>~</c>: each may open or close emphasis.</summary>
    private static int EmphasisRuns(ReadOnlySpan<char> line)
    {
        var runs = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] is '*' or '_' or '~' && (i == 0 || line[i - 1] != line[i]))
            {
                runs++;
            }
        }

        return runs;
    }

    /// <summary>How many block quote markers and list item markers open the line, one after another.</summary>
    private static int ContainerDepth(ReadOnlySpan<char> line)
    {
        var depth = 0;
        var position = 0;
        while (true)
        {
            while (position < line.Length && line[position] is ' ' or '\t')
            {
                position++;
            }

            if (position >= line.Length)
            {
                return depth;
            }

            var c = line[position];
            if (c == '>')
            {
                position++;
            }
            else if (c is '-' or '*' or '+' && position + 1 < line.Length && line[position + 1] is ' ' or '\t')
            {
                position += 2;
            }
            else if (char.IsAsciiDigit(c) && OrderedMarkerLength(line[position..]) is > 0 and var length)
            {
                position += length;
            }
            else
            {
                return depth;
            }

            depth++;
        }
    }

    /// <summary>The length of an ordered list marker (<c>1. </c>, <c>23) </c>) at the start of <paramref name="text"/>, or 0.</summary>
    private static int OrderedMarkerLength(ReadOnlySpan<char> text)
    {
        var digits = 0;
        while (digits < text.Length && digits < 10 && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        return digits is > 0 and <= 9 && digits + 1 < text.Length && text[digits] is '.' or ')' && text[digits + 1] is ' ' or '\t'
            ? digits + 2
            : 0;
    }
}
