using Publishing.Fuzzing;

namespace Publishing.Tests.Fuzzing;

/// <summary>
/// Issue 12's properties over generated files: the parser returns a result, in time and memory proportional to the
/// file; a parsed article renders to a well-formed page the sanitiser leaves unchanged; its feed is XML; its record
/// fits Table storage (see <see cref="ArticleOracle"/>). A failure names the smallest file CsCheck found.
/// </summary>
public sealed class ArticlePropertyTests
{
    [Fact]
    public void Every_fixture_holds_every_property()
    {
        var failures = FixtureMutations.Fixtures
            .Select(fixture => (fixture, result: FuzzRun.Run(fixture)))
            .Where(r => !r.result.Held)
            .Select(r => $"{r.fixture.Name}: {r.result}")
            .ToList();

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Generated_Markdown_articles_hold_every_property() =>
        FuzzRun.Sample(ArticleGen.MarkdownArticle, 300, nameof(Generated_Markdown_articles_hold_every_property));

    [Fact]
    public void Generated_plain_text_stories_hold_every_property() =>
        FuzzRun.Sample(ArticleGen.PlainTextStory, 300, nameof(Generated_plain_text_stories_hold_every_property));

    [Fact]
    public void Mutated_fixtures_hold_every_property() =>
        FuzzRun.Sample(FixtureMutations.Mutated, 300, nameof(Mutated_fixtures_hold_every_property));

    /// <summary>Nesting, repetition and length up to 32 K (a long run: 500 K, near the 1 MiB limit).</summary>
    [Fact]
    public void Deep_long_and_repeated_constructs_hold_every_property() =>
        FuzzRun.Sample(ArticleGen.Bomb(FuzzRun.IsLong ? 500_000 : 32_000), 40, nameof(Deep_long_and_repeated_constructs_hold_every_property));
}
