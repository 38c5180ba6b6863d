// Generators of article files an editor could drop, by mistake or not: YAML front matter from the keys the spec
// names and others, with hostile values mixed in; Markdown bodies from a grammar of block and inline constructs;
// plain-text stories; and bombs, one construct repeated or nested n times, which CsCheck shrinks to the smallest n
// that still breaks a property.
using System.Text;
using CsCheck;

namespace Publishing.Tests.Fuzzing;

public static class ArticleGen
{
    private static readonly string[] Words =
    [
        "talks", "Geneva", "resume", "Lavrov", "drought", "basin", "Crème", "brûlée", "Москва", "переговоры", "東京",
        "naïve", "café", "x", "a", "1", "2025", "news", "main", "comments", "comment-form", "heading", "Heading",
    ];

    /// <summary>Values that have broken, or could break, a parser, a renderer, a feed or a table write.</summary>
    private static readonly string[] HostileText =
    [
        "\0", "\u0001", "\u0008", "\u000B", "\u000C", "\u001B", "\u001F", "\u007F", "\u0085", "\u2028", "\u2029",
        "\u202E", "\u202Egnp.exe", "\u2066", "\u200B", "\uFEFF", "\uFFFE", "\uFFFF", "\uFFFD", "\uD83D\uDE00",
        "<script>alert(1)</script>", "</script><script>alert(1)</script>", "<!--", "-->", "]]>", "<![CDATA[x]]>",
        "&", "&amp;", "&#1;", "&#0;", "&#xD800;", "&#x110000;", "&#xFFFE;", "&nbsp;", "&bogus;", "\"", "'", "`",
        "\\", "%00", "%0a", "{{x}}", "${x}", "javascript:alert(1)", "\r", "\r\n", "\t", " ", "#", "---", "...",
    ];

    /// <summary>Scalars as YAML source: escapes YamlDotNet decodes into characters XML and UTF-8 cannot carry.</summary>
    private static readonly string[] HostileYamlScalars =
    [
        "\"\\ud800\"", "\"\\udfff x\"", "\"\\x00\"", "\"a\\x01b\"", "\"\\x1f\"", "\"\\u202e evil\"", "\"\\uFFFE\"",
        "\"\\uFFFF\"", "\"\\U0001F600\"", "\"\\U0010FFFF\"", "\"\\e\\a\\b\"", "\"\\N\\_\\L\\P\"", "\"\\0\"", "\"\\x7f\"",
        "'single ''quoted'''", "|\n  literal\n  block", ">\n  folded\n  block", "!!binary aGVsbG8=", "!!str 1", "!custom x",
        "~", "null", "", "\"\"", "''", "0x1F", "1e400", ".nan", "-.inf", "yes", "NO", "2025-05-14",
    ];

    private static readonly string[] Urls =
    [
        "https://example.com/a?b=c&d=e", "http://example.com", "mailto:editor@example.com", "/relative", "#fragment",
        "javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)", "javascript&#58;alert(1)",
        "&#106;avascript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data:image/svg+xml,<svg onload=alert(1)>",
        "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example", "\\\\evil\\share", "http://", "https://[::1", "http://a b",
        "https://example.com/\u0001", "https://example.com/\u202E", "<javascript:alert(1)>", "https://example.com/\"onmouseover=\"alert(1)",
    ];

    private static readonly string[] KnownKeys = ["title", "slug", "tags", "author", "source", "date", "updated", "summary", "draft", "image", "lang"];

    private static readonly string[] UnknownKeys = ["category", "x-custom", "Title", "TAGS", "layout", "weight", "aliases", "0", "\"quoted key\"", "Ключ", "a b"];

    private static readonly Gen<string> Word = Gen.OneOf(Words);

    private static readonly Gen<string> Hostile = Gen.OneOf(HostileText);

    /// <summary>A short run of words with, now and then, something hostile in it.</summary>
    public static readonly Gen<string> Phrase = Gen.Frequency(
            (6, Word),
            (2, Hostile),
            (1, Gen.String[Gen.Char, 0, 12]))
        .Array[1, 6]
        .Select(parts => string.Join(' ', parts));

    private static Gen<string> Long(int max) => Gen.Select(Gen.Int[100, max], Gen.Char['a', 'z'], (n, c) => new string(c, n));

    // ---------------------------------------------------------------- front matter

    private static readonly Gen<string> YamlScalar = Gen.Frequency(
        (6, Phrase.Select(QuoteIfNeeded)),
        (3, Gen.OneOf(HostileYamlScalars)),
        (1, Long(5000).Select(s => s)),
        (1, Gen.Int[1, 40].Select(n => new string('[', n) + "x" + new string(']', n))),
        (1, Gen.Int[1, 40].Select(n => string.Concat(Enumerable.Repeat("{a: ", n)) + "b" + new string('}', n))),
        (1, Gen.OneOf("&a x", "*a", "&a [*a]", "&a {k: *a}", "&x [1, 2]", "!!map {a: b}")));

    private static readonly Gen<string> YamlList = Gen.Frequency(
            (4, YamlScalar.Array[0, 8].Select(items => "[" + string.Join(", ", items) + "]")),
            (3, YamlScalar.Array[0, 8].Select(items => string.Concat(items.Select(i => "\n  - " + i.Replace("\n", "\n    ", StringComparison.Ordinal))))),
            (1, Gen.Int[1, 300].Select(n => "[" + string.Join(", ", Enumerable.Range(0, n).Select(i => $"tag{i}")) + "]")));

    private static readonly Gen<string> YamlMap = YamlScalar.Array[1, 3].Select(items => "{" + string.Join(", ", items.Select((v, i) => $"k{i}: {v}")) + "}");

    private static readonly Gen<string> Date = Gen.OneOf(
        "2025-05-14", "2025-05-14T09:30:00Z", "2025-05-14T09:30:00+02:00", "2025-05-14 09:30", "0001-01-01", "0001-01-01T00:00:00+14:00",
        "1600-12-31", "1601-01-01", "9999-12-31", "9999-12-31T23:59:59-14:00", "2025-02-30", "next Tuesday", "2025-05-14T25:00:00Z",
        "\"2025-05-14\"", "[2025-05-14]", "2025-05-14T09:30:00.123456789Z");

    private static Gen<string> ValueFor(string key) => key switch
    {
        "tags" => Gen.Frequency((3, YamlList), (2, Phrase.Array[0, 6].Select(t => QuoteIfNeeded(string.Join(", ", t)))), (1, YamlScalar), (1, YamlMap)),
        "date" or "updated" => Gen.Frequency((4, Date), (1, YamlScalar)),
        "draft" => Gen.Frequency((4, Gen.OneOf("true", "false", "yes", "no", "True")), (1, YamlScalar)),
        "image" => Gen.Frequency((3, Gen.OneOf(Urls).Select(QuoteIfNeeded)), (1, YamlScalar)),
        "lang" => Gen.Frequency((3, Gen.OneOf("en", "fr", "ru", "en-GB", "zh-Hant", "x\" onload=\"y", "<", "")), (1, YamlScalar)),
        _ => Gen.Frequency((8, YamlScalar), (1, YamlList), (1, YamlMap)),
    };

    private static readonly Gen<string> FrontMatterEntry =
        from key in Gen.Frequency((5, Gen.OneOf(KnownKeys)), (1, Gen.OneOf(UnknownKeys)))
        from value in ValueFor(key)
        select value.StartsWith('\n') ? $"{key}:{value}" : $"{key}: {value}";

    /// <summary>A front matter block: usually a title, then entries in any order (keys may repeat).</summary>
    public static readonly Gen<string> FrontMatter =
        from title in Gen.Frequency((4, Phrase.Select(t => "title: " + QuoteIfNeeded(t))), (1, FrontMatterEntry))
        from entries in FrontMatterEntry.Array[0, 8]
        from close in Gen.Frequency((12, Gen.Const("---")), (1, Gen.OneOf("...", "--- ", "----", "")))
        select $"---\n{title}\n{string.Join('\n', entries)}\n{close}\n";

    // ---------------------------------------------------------------- Markdown

    private static readonly Gen<string> Inline = Gen.Frequency(
        (8, Word),
        (2, Hostile),
        (2, Word.Select(w => $"*{w}*")),
        (1, Word.Select(w => $"**{w}**")),
        (1, Word.Select(w => $"~~{w}~~")),
        (1, Gen.Int[1, 30].Select(n => new string('*', n) + "x" + new string('_', n))),
        (2, Gen.Select(Word, Gen.OneOf(Urls), (t, u) => $"[{t}]({u})")),
        (1, Gen.Select(Word, Gen.OneOf(Urls), Word, (t, u, title) => $"[{t}]({u} \"{title}\")")),
        (2, Gen.Select(Word, Gen.OneOf(Urls), (t, u) => $"![{t}]({u})")),
        (1, Gen.OneOf(Urls).Select(u => $"<{u}>")),
        (1, Gen.OneOf("www.example.com", "https://example.com/x_(y)", "editor@example.com", "http://javascript:alert(1)")),
        (1, Gen.OneOf("<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>", "<span style=\"x\">", "</div>", "<svg/onload=alert(1)>", "<!-- c -->")),
        (1, Gen.OneOf("&#1;", "&#0;", "&#xD800;", "&#xDFFF;", "&#x110000;", "&#65534;", "&#x1F600;", "&copy;", "&amp;", "&lt;script&gt;")),
        (1, Word.Select(w => $"`{w}`")),
        (1, Gen.Const("[^1]")),
        (1, Gen.OneOf("\"quoted\"", "'single'", "--", "---", "...", "<<", ">>")),
        (1, Gen.Const("  \n")));

    private static readonly Gen<string> Line = Inline.Array[1, 10].Select(parts => string.Join(' ', parts));

    private static readonly Gen<string> Block = Gen.Recursive<string>((depth, block) =>
    {
        var leaf = Gen.Frequency(
            (6, Line.Array[1, 3].Select(lines => string.Join('\n', lines))),
            (3, Gen.Select(Gen.Int[1, 7], Gen.Frequency((3, Gen.OneOf("Heading", "Main", "comments", "A", "")), (1, Line)), (level, text) => new string('#', level) + " " + text)),
            (1, Line.Select(text => text + "\n===")),
            (1, Line.Select(text => text + "\n---")),
            (1, Gen.Select(Gen.OneOf("", "csharp", "html", "<script>", "x\" onclick=\"y"), Line.Array[0, 3], (lang, lines) => $"```{lang}\n{string.Join('\n', lines)}\n```")),
            (1, Gen.Select(Inline.Array[1, 4], Gen.Int[0, 4], (cells, rows) => Table(cells, rows))),
            (1, Gen.Select(Line, Line, (text, note) => $"{text}[^n]\n\n[^n]: {note}")),
            (1, Gen.OneOf("<div onclick=\"alert(1)\">x</div>", "<script>alert(1)</script>", "<iframe src=\"javascript:alert(1)\"></iframe>", "<!--\ncomment\n-->", "<style>*{}</style>", "<?php x ?>")),
            (1, Gen.OneOf("***", "- - -", "___")),
            (1, Gen.Select(Word, Gen.OneOf(Urls), (label, url) => $"[{label}]: {url}\n\n[{label}]")));
        if (depth >= 6)
        {
            return leaf;
        }

        return Gen.Frequency(
            (6, leaf),
            (1, block.Select(inner => Prefix(inner, "> "))),
            (1, block.Array[1, 3].Select(items => string.Join('\n', items.Select(i => "- " + Indent(i, "  "))))),
            (1, block.Array[1, 3].Select(items => string.Join('\n', items.Select((i, n) => $"{n + 1}. " + Indent(i, "   "))))));
    });

    public static readonly Gen<string> MarkdownBody = Block.Array[0, 12].Select(blocks => string.Join("\n\n", blocks));

    /// <summary>A Markdown article: front matter or not, a leading <c># Title</c> or not, then a body.</summary>
    public static readonly Gen<FuzzInput> MarkdownArticle =
        from frontMatter in Gen.Frequency((5, FrontMatter), (1, Gen.Const("")))
        from heading in Gen.Frequency((2, Gen.Const("")), (1, Line.Select(l => $"# {l}\n\n")))
        from body in MarkdownBody
        from name in Gen.OneOf("article.md", "Crème Brûlée.markdown", "2025/05/talks.md", "---.md", "a.MD")
        select new FuzzInput(name, frontMatter + heading + body);

    // ---------------------------------------------------------------- plain text

    private static readonly Gen<string> TextLine = Gen.Frequency(
        (6, Phrase.Array[1, 8].Select(p => string.Join(' ', p) + ".")),
        (2, Phrase),
        (1, Gen.OneOf("Reuters", "By Jane Doe, AP", "Source: TASS", "Comments (3)", "Leave the first comment", "Share", "Tags", "Tags:", "Теги")),
        (1, Phrase.Array[0, 6].Select(t => "Tags: " + string.Join(", ", t))),
        (1, Long(3000)));

    public static readonly Gen<FuzzInput> PlainTextStory =
        from title in Gen.Frequency((5, Phrase), (1, Hostile), (1, Long(2000)))
        from lines in TextLine.Array[0, 25]
        from breaks in Gen.OneOf("\n", "\r\n", "\r", "\n\n")
        select new FuzzInput("story.txt", title + breaks + string.Join(breaks, lines.Select(l => l + (l.Length % 3 == 0 ? breaks : "")) + breaks));

    // ---------------------------------------------------------------- bombs

    /// <summary>One construct repeated or nested <c>n</c> times, up to <paramref name="maxCount"/>: the issue's attacks, and their cousins.</summary>
    public static Gen<FuzzInput> Bomb(int maxCount) =>
        from kind in Gen.Int[0, Bombs.Length - 1]
        from n in Gen.Int[1, maxCount]
        select Bombs[kind](n);

    private static readonly Func<int, FuzzInput>[] Bombs =
    [
        n => new("yaml-deep-flow-sequence.md", $"---\ntitle: T\nx: {new string('[', n)}{new string(']', n)}\n---\nBody\n"),
        n => new("yaml-deep-flow-mapping.md", $"---\ntitle: T\nx: {string.Concat(Enumerable.Repeat("{a: ", n))}b{new string('}', n)}\n---\nBody\n"),
        n => new("yaml-deep-block-sequence.md", "---\ntitle: T\nx:\n" + string.Concat(Enumerable.Range(0, Math.Min(n, 2000)).Select(i => new string(' ', i) + "-\n")) + "---\nBody\n"),
        n => new("yaml-alias-bomb.md", "---\ntitle: T\n" + AliasBomb(Math.Min(n, 12)) + "---\nBody\n"),
        n => new("yaml-many-keys.md", "---\ntitle: T\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"k{i}: v\n")) + "---\nBody\n"),
        n => new("yaml-long-value.md", $"---\ntitle: T\nsummary: {new string('s', n)}\n---\nBody\n"),
        n => new("yaml-many-tags.md", $"---\ntitle: T\ntags: [{string.Join(", ", Enumerable.Range(0, n).Select(i => $"t{i}"))}]\n---\nBody\n"),
        n => new("yaml-long-tag.md", $"---\ntitle: T\ntags: [{new string('t', n)}]\n---\nBody\n"),
        n => new("title-long.md", $"---\ntitle: {new string('t', n)}\n---\nBody\n"),
        n => new("heading-title-long.md", $"# {new string('t', n)}\n\nBody\n"),
        n => new("author-long.md", $"---\ntitle: T\nauthor: {new string('a', n)}\nsource: {new string('s', n)}\n---\nBody\n"),
        n => new("slug-long.md", $"---\ntitle: T\nslug: {new string('s', n)}\n---\nBody\n"),
        n => new("markdown-deep-blockquote.md", $"# T\n\n{new string('>', n)} x\n"),
        // Its size grows with the square of the depth: 1,400 levels is 2 MB, twice the size limit (30,000 made 900 MB).
        n => new("markdown-deep-list.md", "# T\n\n" + string.Concat(Enumerable.Range(0, Math.Min(n, 1_400)).Select(i => new string(' ', 2 * i) + "- x\n"))),
        n => new("markdown-deep-emphasis.md", $"# T\n\n{new string('*', n)}x{new string('*', n)}\n"),
        n => new("markdown-deep-brackets.md", $"# T\n\n{new string('[', n)}x{new string(']', n)}(https://example.com)\n"),
        n => new("markdown-nested-links.md", "# T\n\n" + string.Concat(Enumerable.Repeat("[a", n)) + string.Concat(Enumerable.Repeat("](b)", n)) + "\n"),
        n => new("markdown-many-headings.md", "# T\n\n" + string.Concat(Enumerable.Repeat("## x\n", n))),
        n => new("markdown-many-empty-headings.md", "# T\n\n" + string.Concat(Enumerable.Repeat("#\n", n))),
        n => new("markdown-long-line.md", $"# T\n\n{new string('w', n)}\n"),
        n => new("markdown-many-footnotes.md", "# T\n\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"x[^{i}]\n\n[^{i}]: note\n\n"))),
        n => new("markdown-wide-table.md", "# T\n\n" + string.Concat(Enumerable.Repeat("|a", n)) + "|\n" + string.Concat(Enumerable.Repeat("|-", n)) + "|\n"),
        n => new("markdown-many-entities.md", "# T\n\n" + string.Concat(Enumerable.Repeat("&#1;", n)) + "\n"),
        n => new("plain-long-first-line.txt", new string('t', n) + "\n\nBody.\n"),
        n => new("plain-many-tags.txt", "Title\n\nBody.\n\nTags: " + string.Join(", ", Enumerable.Range(0, n).Select(i => $"t{i}")) + "\n"),
        n => new("plain-many-tag-lines.txt", "Title\n\nBody.\n\nTags\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"t{i}\n"))),
        n => new("plain-many-paragraphs.txt", "Title\n\n" + string.Concat(Enumerable.Repeat("Short\n\n", n))),
    ];

    /// <summary>The "billion laughs": each level an alias list of the one before, under a key the parser keeps as is.</summary>
    private static string AliasBomb(int levels)
    {
        var yaml = new StringBuilder("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (var i = 1; i <= levels; i++)
        {
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        return yaml.ToString();
    }

    private static string Table(string[] cells, int rows)
    {
        var header = "| " + string.Join(" | ", cells) + " |";
        var rule = "|" + string.Concat(cells.Select((_, i) => (i % 3) switch { 0 => "---|", 1 => ":-:|", _ => "--:|" }));
        return string.Join('\n', new[] { header, rule }.Concat(Enumerable.Repeat("| " + string.Join(" | ", cells.Reverse()) + " |", rows)));
    }

    private static string Prefix(string text, string prefix) => string.Join('\n', text.Split('\n').Select(l => prefix + l));

    private static string Indent(string text, string indent) => text.Replace("\n", "\n" + indent, StringComparison.Ordinal);

    /// <summary>Double-quotes text that YAML would otherwise read as something other than a plain string.</summary>
    private static string QuoteIfNeeded(string text) =>
        text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || c == ' ') && !char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1])
            ? text
            : "\"" + string.Concat(text.Select(c => c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                < ' ' or '\u007F' or '\u0085' or '\u2028' or '\u2029' => $"\\u{(int)c:X4}",
                _ when char.IsSurrogate(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            })) + "\"";
}
