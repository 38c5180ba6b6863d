// Recovers an article's structure from plain text pasted from a wire service or a web page: the
// title, an optional source line, headings and paragraphs, tags, with the page furniture a copy from
// a web page drags along (comment counters, prompts to comment, an empty "Tags" heading) left out.
// Plain text carries no markup, so every rule below is a heuristic; each says why it is shaped so.
using System.Text.RegularExpressions;

namespace Publishing.Articles;

/// <summary>What a plain-text file says, before it becomes an <see cref="Article"/>.</summary>
/// <param name="TitleLine">1-based line of the title in the text.</param>
/// <param name="Source">The source or byline line as written (<c>Reuters</c>, <c>By Jane Doe, AP</c>), when there is one.</param>
/// <param name="SourceLine">1-based line of the source, or 0 when there is none.</param>
/// <param name="TagLines">1-based line of each of <paramref name="Tags"/>.</param>
public sealed record PlainTextArticle(
    string Title,
    int TitleLine,
    string? Source,
    int SourceLine,
    IReadOnlyList<Tag> Tags,
    IReadOnlyList<int> TagLines,
    IReadOnlyList<TextBlock> Blocks);

/// <summary>Reads plain-text articles; linear in the length of the text and never throws on content.</summary>
public static partial class PlainTextArticleReader
{
    // A source or byline is a handful of words: longer lines are the start of the story.
    private const int SourceMaxWords = 8;
    private const int SourceMaxChars = 60;

    // Section headings run a little longer than bylines ("What the two sides still disagree on").
    private const int HeadingMaxWords = 10;
    private const int HeadingMaxChars = 80;

    // Tags on web pages are a word or a name; a longer line under "Tags" is article text.
    private const int TagMaxWords = 6;
    private const int TagMaxChars = 60;

    // Prompts and counters that come with a copied comment section, compared after lower-casing and
    // dropping trailing punctuation; with the Russian equivalents, for copies from Russian-language sites.
    private static readonly HashSet<string> CommentPrompts = new(StringComparer.Ordinal)
    {
        "what is your opinion on this topic",
        "leave the first comment",
        "leave a comment",
        "add a comment",
        "post a comment",
        "write a comment",
        "be the first to comment",
        "join the discussion",
        "share this article",
        "share",
        "что вы думаете по этой теме",
        "ваше мнение по этой теме",
        "оставьте первый комментарий",
        "оставить комментарий",
        "добавить комментарий",
        "будьте первым, кто оставит комментарий",
        "поделиться",
    };

    private static readonly HashSet<string> TagsHeadings = new(StringComparer.OrdinalIgnoreCase) { "tags", "теги", "метки" };

    // Bylines that start like this are sources even when they name a date or run on into the story.
    private static readonly string[] BylinePrefixes = ["By ", "From ", "Source:", "Автор:", "Источник:"];

    /// <summary>The article in <paramref name="text"/>, or <see langword="null"/> when it has no title (only blank lines).</summary>
    /// <param name="text">Decoded text without a BOM; lines may end in <c>\n</c>, <c>\r\n</c> or <c>\r</c>.</param>
    public static PlainTextArticle? Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = SplitLines(text);

        var titleIndex = lines.FindIndex(line => line.Length > 0);
        if (titleIndex < 0)
        {
            return null;
        }

        var bodyStart = titleIndex + 1;
        var (bodyEnd, trailingTags) = FindTrailingBlock(lines, bodyStart);
        var sourceIndex = FindSource(lines, bodyStart, bodyEnd);
        if (sourceIndex >= 0)
        {
            bodyStart = sourceIndex + 1;
        }

        var tags = new FoundTags();
        var runs = ReadRuns(lines, bodyStart, bodyEnd, tags);
        foreach (var (name, line) in trailingTags)
        {
            tags.Add(name, line);
        }

        return new PlainTextArticle(
            lines[titleIndex],
            titleIndex + 1,
            sourceIndex >= 0 ? lines[sourceIndex] : null,
            sourceIndex + 1,
            tags.Tags,
            tags.Lines,
            ToBlocks(runs));
    }

    /// <summary>Lines trimmed at their edges (blank lines become empty), whatever the line endings.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (true)
        {
            var rest = text.AsSpan(start);
            var end = rest.IndexOfAny('\r', '\n');
            var line = end < 0 ? rest : rest[..end];
            var trimmed = TrimEdges(line);
            lines.Add(trimmed.IsEmpty ? string.Empty : trimmed.ToString());
            if (end < 0)
            {
                return lines;
            }

            start += end + (rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1);
        }
    }

    // Pasted text brings tabs, no-break spaces and zero-width characters at line edges; inside a line
    // they may be deliberate, so they are left alone there.
    private static ReadOnlySpan<char> TrimEdges(ReadOnlySpan<char> line)
    {
        var start = 0;
        while (start < line.Length && IsEdgeSpace(line[start]))
        {
            start++;
        }

        var end = line.Length;
        while (end > start && IsEdgeSpace(line[end - 1]))
        {
            end--;
        }

        return line[start..end];
    }

    private static bool IsEdgeSpace(char c) => char.IsWhiteSpace(c) || c is '\u200B' or '\uFEFF' or '\u2060';

    /// <summary>
    /// Walks back from the end over furniture, <c>Tags: a, b</c> lines and <c>Tags</c> headings with the
    /// lines under them, and returns where the article text ends and the tags found there in text order.
    /// </summary>
    /// <remarks>
    /// Furniture is only furniture at the end: an article that talks about comments keeps those lines.
    /// Under a trailing <c>Tags</c> heading blank lines between tags are allowed, because web pages lay
    /// tags out as blocks as often as on consecutive lines; a short line counts as a tag only when a
    /// <c>Tags</c> heading is found above it, otherwise it is the article's last line.
    /// </remarks>
    private static (int BodyEnd, List<(string Name, int Line)> Tags) FindTrailingBlock(List<string> lines, int bodyStart)
    {
        var groups = new List<List<(string, int)>>();
        var pending = new List<(string, int)>();
        var pendingBottom = -1;
        var bodyEnd = lines.Count;
        var index = lines.Count - 1;
        for (; index >= bodyStart; index--)
        {
            var line = lines[index];
            if (line.Length == 0)
            {
                continue;
            }

            if (IsFurniture(line))
            {
                if (pending.Count == 0)
                {
                    bodyEnd = index;
                }

                continue;
            }

            if (IsTagsHeading(line))
            {
                // Tags written right under the heading end at the first blank line, as they do inside the
                // text; so a blank line among them means the lines below it are the article's, and the
                // heading is not part of the trailing block.
                if (pending.Count > 0 && lines[index + 1].Length > 0 && HasBlankLine(lines, index + 1, pendingBottom))
                {
                    break;
                }

                // A heading with nothing under it is the empty "Tags" block of a page: dropped all the same.
                pending.Reverse();
                groups.Add([.. pending]);
                pending.Clear();
                bodyEnd = index;
                continue;
            }

            if (TryReadTagsLine(line, out var inline))
            {
                if (pending.Count > 0)
                {
                    // The short lines below were not under a "Tags" heading: they end the article.
                    break;
                }

                groups.Add([.. inline.Select(name => (name, index + 1))]);
                bodyEnd = index;
                continue;
            }

            if (IsTagLike(line))
            {
                if (pending.Count == 0)
                {
                    pendingBottom = index;
                }

                pending.Add((line, index + 1));
                continue;
            }

            break;
        }

        if (pending.Count > 0)
        {
            bodyEnd = pendingBottom + 1;
        }

        groups.Reverse();
        return (bodyEnd, groups.SelectMany(group => group).ToList());
    }

    private static bool HasBlankLine(List<string> lines, int from, int to)
    {
        for (var index = from; index <= to; index++)
        {
            if (lines[index].Length == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The index of the source line after the title, or -1.</summary>
    /// <remarks>
    /// Only the line right after the title, or after a single blank line, can be the source: further
    /// down a short line is a heading. A full sentence there is the first paragraph.
    /// </remarks>
    private static int FindSource(List<string> lines, int bodyStart, int bodyEnd)
    {
        var candidate = bodyStart;
        if (candidate < bodyEnd && lines[candidate].Length == 0)
        {
            candidate++;
        }

        if (candidate >= bodyEnd || lines[candidate].Length == 0)
        {
            return -1;
        }

        var line = lines[candidate];
        var runsOn = candidate + 1 < bodyEnd && lines[candidate + 1].Length > 0;
        return IsSource(line, runsOn) ? candidate : -1;
    }

    /// <remarks>
    /// A source is a short phrase (≤ 8 words, ≤ 60 characters) without closing punctuation that reads
    /// like a name: at most two words start in lower case ("Staff and agencies"), so a short headline-like
    /// sentence ("Kremlin says talks will go on") is text. A digit means a date or time line, not a source.
    /// A line that runs straight on into the story is a source only when it says so ("By …") or is at
    /// most three words ("Reuters"): otherwise it is the first line of a hard-wrapped paragraph.
    /// A "By …" byline may also carry a date.
    /// </remarks>
    private static bool IsSource(string line, bool runsOn)
    {
        if (IsFurniture(line) || IsTagsHeading(line) || TryReadTagsLine(line, out _)
            || !IsShortPhrase(line, SourceMaxWords, SourceMaxChars))
        {
            return false;
        }

        if (BylinePrefixes.Any(prefix => line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (line.Any(char.IsDigit))
        {
            return false;
        }

        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Count(word => char.IsLower(word[0])) <= 2 && (!runsOn || words.Length <= 3);
    }

    /// <summary>Groups body lines into runs of consecutive non-blank lines, taking tag lines out as it goes.</summary>
    private static List<List<string>> ReadRuns(List<string> lines, int start, int end, FoundTags tags)
    {
        var runs = new List<List<string>>();
        var run = new List<string>();
        for (var index = start; index < end; index++)
        {
            var line = lines[index];
            if (line.Length == 0)
            {
                CloseRun();
                continue;
            }

            if (TryReadTagsLine(line, out var inline))
            {
                CloseRun();
                inline.ForEach(name => tags.Add(name, index + 1));
                continue;
            }

            if (IsTagsHeading(line))
            {
                // Inside the text a "Tags" heading owns the tag-like lines right under it, up to a blank
                // line; with none it is an ordinary line of text.
                var next = index + 1;
                while (next < end && lines[next].Length > 0 && IsTagLike(lines[next]) && !IsFurniture(lines[next]))
                {
                    next++;
                }

                if (next > index + 1)
                {
                    CloseRun();
                    for (var tag = index + 1; tag < next; tag++)
                    {
                        tags.Add(lines[tag], tag + 1);
                    }

                    index = next - 1;
                    continue;
                }
            }

            run.Add(line);
        }

        CloseRun();
        return runs;

        void CloseRun()
        {
            if (run.Count > 0)
            {
                runs.Add(run);
                run = [];
            }
        }
    }

    /// <remarks>
    /// A run is a heading when it is one short line (≤ 10 words, ≤ 80 characters) without closing
    /// punctuation that stands between two runs of prose: after prose, so the first lines of the story
    /// stay text; before prose, so a closing credit line stays text; prose on both sides, so a list of
    /// short items (a line each, blank lines between) stays text; and not after a line ending in a colon,
    /// which introduces what follows rather than closing a section.
    /// </remarks>
    private static List<TextBlock> ToBlocks(List<List<string>> runs)
    {
        var isShort = runs.Select(run => run.Count == 1 && IsShortPhrase(run[0], HeadingMaxWords, HeadingMaxChars)).ToList();
        var blocks = new List<TextBlock>(runs.Count);
        for (var index = 0; index < runs.Count; index++)
        {
            var text = runs[index].Count == 1 ? runs[index][0] : string.Join(' ', runs[index]);
            var isHeading = isShort[index]
                && index > 0 && !isShort[index - 1] && !runs[index - 1][^1].EndsWith(':')
                && index + 1 < runs.Count && !isShort[index + 1];
            blocks.Add(isHeading ? new Heading(text) : new Paragraph(text));
        }

        return blocks;
    }

    /// <summary>
    /// A line short enough to be a byline, heading or tag, that does not end as a sentence or clause does
    /// and does not start mid-sentence.
    /// </summary>
    private static bool IsShortPhrase(string line, int maxWords, int maxChars)
    {
        if (line.Length == 0 || line.Length > maxChars || EndsWithPunctuation(line) || CountWords(line) > maxWords)
        {
            return false;
        }

        var first = line[0];
        if (!char.IsLetterOrDigit(first) && first is not ('"' or '\'' or '“' or '‘' or '«' or '„'))
        {
            return false;
        }

        // A first word all in lower case continues a sentence; "iPhone" or "eBay" does not.
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var firstWord = space < 0 ? line : line[..space];
        return !(char.IsLower(first) && !firstWord.Any(char.IsUpper));
    }

    /// <summary>
    /// Whether a line ends in sentence punctuation (<c>. ! ? : ; …</c>), possibly followed by closing
    /// quotes or brackets, or in a comma or dash that means it runs on.
    /// </summary>
    private static bool EndsWithPunctuation(string line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is '"' or '\'' or '”' or '’' or '»' or ')' or ']' or '›')
        {
            end--;
        }

        return end == 0
            || line[end - 1] is '.' or '!' or '?' or ':' or ';' or '…' or ',' or '-' or '–' or '—' or '。' or '！' or '？';
    }

    private static int CountWords(string line)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in line)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                words++;
            }
        }

        return words;
    }

    /// <remarks>
    /// A tag under a <c>Tags</c> heading is a word or a name (≤ 6 words, ≤ 60 characters); a single word
    /// may end in a full stop ("U.S."), anything else ending in punctuation is a sentence.
    /// </remarks>
    private static bool IsTagLike(string line) =>
        line.Length <= TagMaxChars
        && CountWords(line) is var words && words <= TagMaxWords
        && (!EndsWithPunctuation(line) || (words == 1 && line[^1] == '.'))
        && !IsFurniture(line)
        && !IsTagsHeading(line);

    private static bool IsTagsHeading(string line) => line.Length <= 6 && TagsHeadings.Contains(line.TrimEnd(':'));

    /// <summary>A <c>Tags: a, b, c</c> line (any case), with its tags as written.</summary>
    private static bool TryReadTagsLine(string line, out List<string> tags)
    {
        tags = [];
        var colon = line.AsSpan(0, Math.Min(line.Length, 7)).IndexOf(':');
        if (colon < 0 || !TagsHeadings.Contains(line[..colon].TrimEnd()))
        {
            return false;
        }

        var rest = line[(colon + 1)..];
        if (rest.Trim().Length == 0)
        {
            return false;
        }

        tags.AddRange(rest.Split(','));
        return true;
    }

    private static bool IsFurniture(string line)
    {
        if (line.Length > 60)
        {
            return false;
        }

        var prompt = line.ToLowerInvariant().TrimEnd('.', '!', '?', ':', '…', ' ');
        return CommentPrompts.Contains(prompt) || CommentCounter().IsMatch(prompt);
    }

    // "Comments", "Comments (3)", "Comments: 3", "3 comments", and the Russian "Комментарии (3)".
    [GeneratedRegex(@"^(?:(?:comments?|комментари\w*)(?:\s*\(\d+\)|\s*:?\s*\d+)?|\d+\s+(?:comments?|комментари\w*))$", RegexOptions.CultureInvariant)]
    private static partial Regex CommentCounter();

    /// <summary>Tags in the order first seen, with their lines: trimmed, empty and slug-less ones dropped, one per slug.</summary>
    private sealed class FoundTags
    {
        private readonly HashSet<string> slugs = new(StringComparer.Ordinal);

        public List<Tag> Tags { get; } = [];

        public List<int> Lines { get; } = [];

        public void Add(string name, int line)
        {
            // Copied hashtags ("#Russia") name the same tag as the word.
            var trimmed = TrimEdges(name.AsSpan()).TrimStart('#');
            var display = TrimEdges(trimmed).ToString();
            var slug = Slug.From(display);
            if (slug.Length > 0 && slugs.Add(slug))
            {
                Tags.Add(new Tag(slug, display));
                Lines.Add(line);
            }
        }
    }
}
