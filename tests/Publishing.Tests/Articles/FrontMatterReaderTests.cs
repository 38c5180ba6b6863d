using CsCheck;
using Publishing.Articles;
using Publishing.Tests.Fuzzing;

namespace Publishing.Tests.Articles;

/// <summary>
/// The front matter's quick reader (<see cref="FrontMatter.ReadSimple"/>) against YamlDotNet: whatever the quick reader
/// accepts, YamlDotNet reads to the same keys, lines and values; everything else is left to YamlDotNet.
/// </summary>
public sealed class FrontMatterReaderTests
{
    /// <summary>Characters that mean something to YAML somewhere, and some that only look like space.</summary>
    private static readonly string[] Pieces =
    [
        "a", "Tram", "é", "Москва", " ", "  ", ":", ": ", "#", " #", "'", "\"", ",", ", ", "[", "]", "{", "}", "-", "- ", "?",
        "&", "*", "!", "|", ">", "%", "@", "`", "\\", "\t", "\u00A0", "\u2003", "\uFEFF", "\uD83D\uDE00", ".", "...", "~", "/",
        "https://example.org/a?b=c#d", "null", "yes", "2025-05-14", "1", "<b>", "&amp;", "\u200B",
    ];

    private static readonly Gen<string> Text = Gen.OneOf(Pieces).Array[0, 8].Select(string.Concat);

    /// <summary>Mostly a word first, so that what follows, indicators included, reaches the quick reader.</summary>
    private static readonly Gen<string> Worded = Gen.Select(Gen.OneOf("a", "Tram", "é", "Москва", "1", "x y"), Gen.OneOf(Pieces).Array[0, 5], (w, rest) => w + string.Concat(rest));

    private static readonly Gen<string> Value = Gen.Frequency(
        (4, Worded),
        (2, Text),
        (3, Worded.Array[0, 4].Select(items => "[" + string.Join(", ", items) + "]")),
        (1, Text.Array[0, 4].Select(items => "[" + string.Join(",", items) + "] ")));

    private static readonly Gen<string> Line = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf("title", "Title", "tags", "summary", "x-y", "a_b", "k9", "date"), Gen.Frequency((8, Gen.Const(": ")), (1, Gen.OneOf(":", ":  ", ": \t", " : ", ":\t"))), Value, (k, sep, v) => k + sep + v)),
        (1, Gen.Select(Gen.OneOf("a b", "-k", "é", "k", new string('k', 300)), Gen.OneOf(": ", ":"), Value, (k, sep, v) => k + sep + v)),
        (1, Gen.OneOf("", " ", "  - item", "- item", "# comment", "  continued", "...", "? key", "%YAML 1.2", "\t")));

    private static readonly Gen<string> Yaml = Line.Array[1, 4].Select(lines => string.Join('\n', lines));

    [Fact]
    public void What_the_quick_reader_accepts_YamlDotNet_reads_the_same()
    {
        var accepted = 0;
        Yaml.Sample(
            yaml =>
            {
                if (FrontMatter.ReadSimple(yaml) is not { } simple)
                {
                    return true;
                }

                Interlocked.Increment(ref accepted);
                return FrontMatter.Load(yaml) is FrontMatter.Result.Read full && simple.FrontMatter.SameAs(full.FrontMatter);
            },
            iter: 50_000,
            print: yaml => FuzzInput.Escape(yaml));

        // The generator has to reach the quick reader often for the comparison to mean anything.
        Assert.True(accepted > 3_000, $"the quick reader accepted {accepted} of 50,000");
    }

    [Fact]
    public void Generated_front_matter_reads_the_same_whichever_reader_takes_it() =>
        ArticleGen.FrontMatter.Sample(
            file =>
            {
                var lines = file.Split('\n');
                var close = Array.FindIndex(lines, 1, l => l.TrimEnd() is "---" or "...");
                var yaml = string.Join('\n', lines[1..(close < 0 ? lines.Length : close)]);
                return FrontMatter.ReadSimple(yaml) is not { } simple
                    || (FrontMatter.Load(yaml) is FrontMatter.Result.Read full && simple.FrontMatter.SameAs(full.FrontMatter));
            },
            iter: 5_000,
            print: file => FuzzInput.Escape(file));

    [Fact]
    public void The_usual_front_matter_is_read_without_YamlDotNet()
    {
        const string yaml = """
            title: City council approves tram extension after five-hour debate
            author: Hannah Lindqvist
            date: 2025-05-14T18:45:00Z
            tags: [Transport, City council, Budget, Northern districts]
            summary: The 4.2-kilometre line is approved by 31 votes to 24, with a cost cap the opposition calls "unrealistic".
            image: https://news.example.org/images/2025/05/tram-extension.jpg
            draft:
            lang: en-GB
            """;

        var simple = Assert.IsType<FrontMatter.Result.Read>(FrontMatter.ReadSimple(yaml));
        var full = Assert.IsType<FrontMatter.Result.Read>(FrontMatter.Load(yaml));

        Assert.True(simple.FrontMatter.SameAs(full.FrontMatter));
        Assert.Equal(["Transport", "City council", "Budget", "Northern districts"], simple.FrontMatter.Tags("tags").Select(t => t.Name));
        Assert.Equal(6, simple.FrontMatter.LineOf("summary"));
    }

    [Theory]
    [InlineData("title: 'quoted'")]
    [InlineData("title: \"quoted\"")]
    [InlineData("title: a # comment")]
    [InlineData("title: a: b")]
    [InlineData("title: a:")]
    [InlineData("title: &anchor a")]
    [InlineData("title: *alias")]
    [InlineData("title: !!str a")]
    [InlineData("title: |\n  block")]
    [InlineData("title: a\n  continued")]
    [InlineData("tags:\n  - a")]
    [InlineData("tags: [a, [b]]")]
    [InlineData("tags: [a, b:c]")]
    [InlineData("tags: []")]
    [InlineData("tags: [a,]")]
    [InlineData("# comment\ntitle: a")]
    [InlineData("title: a\ntitle: b")]
    [InlineData("title: a\nTITLE: b")]
    [InlineData("title:\ta")]
    [InlineData("title: a\tb")]
    [InlineData("title: \uFEFFa")]
    [InlineData("title: \uD83D\uDE00")]
    [InlineData("a b: c")]
    public void Anything_else_is_left_to_YamlDotNet(string yaml) => Assert.Null(FrontMatter.ReadSimple(yaml));

    [Fact]
    public void A_key_longer_than_YAML_allows_an_implicit_key_is_left_to_YamlDotNet() =>
        Assert.Null(FrontMatter.ReadSimple(new string('k', 1100) + ": v"));

    [Fact]
    public void More_values_than_the_limit_are_left_to_YamlDotNet_which_refuses_them()
    {
        var yaml = string.Join('\n', Enumerable.Range(0, ArticleLimits.MaxFrontMatterEvents / 2).Select(i => $"k{i}: v"));

        Assert.Null(FrontMatter.ReadSimple(yaml));
        var broken = Assert.IsType<FrontMatter.Result.Broken>(FrontMatter.Load(yaml));
        Assert.Equal(RejectionCode.TooComplex, broken.Rejection.Code);
    }
}
