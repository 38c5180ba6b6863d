using System.Text;
using Publishing.Articles;

namespace Publishing.Tests.Articles;

public sealed class ArticleParserTests
{
    private const int Limit = 1024 * 1024;

    private static ArticleParseResult ParseFile(string fileName, string? blobName = null) =>
        ArticleParser.Parse(
            blobName ?? fileName,
            File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Articles", "Files", fileName)),
            Limit);

    private static Article Parsed(string fileName, string? blobName = null) =>
        Assert.IsType<ArticleParseResult.Parsed>(ParseFile(fileName, blobName)).Article;

    private static Rejection Rejected(string fileName) =>
        Assert.IsType<ArticleParseResult.Rejected>(ParseFile(fileName)).Rejection;

    [Fact]
    public void Front_matter_gives_every_field_the_spec_names_and_keeps_unknown_keys()
    {
        var article = Parsed("full-front-matter.md", "2025/05/ignored-name.md");

        Assert.Equal("Lavrov: talks with Washington can resume", article.Title);
        Assert.Equal("lavrov-talks-resume", article.Slug);
        Assert.Equal([new Tag("russia", "Russia"), new Tag("diplomacy", "Diplomacy")], article.Tags);
        Assert.Equal("Jane Roe", article.Author);
        Assert.Equal("Reuters", article.Source);
        Assert.Equal(new DateTimeOffset(2025, 5, 14, 7, 30, 0, TimeSpan.Zero), article.Published);
        Assert.Equal(TimeSpan.Zero, article.Published?.Offset);
        Assert.Equal(new DateTimeOffset(2025, 5, 15, 0, 0, 0, TimeSpan.Zero), article.Updated);
        Assert.Equal("Moscow says it is ready.", article.Summary);
        Assert.False(article.Draft);
        Assert.Equal("https://example.com/lavrov.jpg", article.Image);
        Assert.Equal("en-GB", article.Language);
        Assert.Equal("foreign", article.Extra["desk"]);
        var body = Assert.IsType<MarkdownBody>(article.Body);
        Assert.StartsWith("Russian Foreign Minister", body.Markdown, StringComparison.Ordinal);
        Assert.Equal(18, body.FirstLine);
    }

    [Fact]
    public void Tags_may_be_a_comma_separated_line()
    {
        Assert.Equal(["Economy", "Energy", "Climate"], Parsed("comma-tags.md").Tags.Select(t => t.Name));
    }

    [Fact]
    public void Leading_heading_is_the_title_when_front_matter_has_none_and_is_not_repeated_in_the_body()
    {
        var article = Parsed("heading-title.md");

        Assert.Equal("The new plan", article.Title);
        Assert.Equal("heading-title", article.Slug);
        var body = Assert.IsType<MarkdownBody>(article.Body);
        Assert.DoesNotContain("# The", body.Markdown, StringComparison.Ordinal);
        Assert.Contains("## Details", body.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Leading_heading_repeating_the_front_matter_title_is_dropped()
    {
        var body = Assert.IsType<MarkdownBody>(Parsed("duplicate-heading.md").Body);
        Assert.Equal("Body.", body.Markdown.Trim());
    }

    [Fact]
    public void Slug_comes_from_the_file_name_with_diacritics_folded()
    {
        Assert.Equal("creme-brulee-a-la-francaise", Parsed("Crème Brûlée à la Française.md", "desserts/Crème Brûlée à la Française.md").Slug);
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_are_accepted()
    {
        Assert.Equal("Windows", Parsed("crlf.md").Title);
        Assert.Equal("With BOM", Parsed("bom.md").Title);
    }

    [Fact]
    public void Draft_flag_is_read()
    {
        Assert.True(Parsed("draft.md").Draft);
    }

    [Fact]
    public void Front_matter_with_only_a_title_and_no_body_is_an_article()
    {
        Assert.Equal("Empty front matter is fine", Parsed("title-only.md").Title);
    }

    [Theory]
    [InlineData("broken-yaml.md", RejectionCode.BrokenFrontMatter, 3)]
    [InlineData("unclosed-front-matter.md", RejectionCode.BrokenFrontMatter, 1)]
    [InlineData("duplicate-key.md", RejectionCode.BrokenFrontMatter, 3)]
    [InlineData("list-front-matter.md", RejectionCode.BrokenFrontMatter, 2)]
    [InlineData("map-tags.md", RejectionCode.InvalidField, 3)]
    [InlineData("bad-date.md", RejectionCode.InvalidField, 4)]
    [InlineData("bad-draft.md", RejectionCode.InvalidField, 3)]
    [InlineData("bad-slug.md", RejectionCode.InvalidSlug, 3)]
    [InlineData("no-title.md", RejectionCode.MissingTitle, 5)]
    [InlineData("latin1.md", RejectionCode.NotUtf8, 5)]
    [InlineData("utf16.md", RejectionCode.NotUtf8, 1)]
    public void Unpublishable_file_is_rejected_with_the_line_the_reason_applies_to(string fileName, RejectionCode code, int line)
    {
        var rejection = Rejected(fileName);

        Assert.Equal(code, rejection.Code);
        Assert.Equal(line, rejection.Line);
        Assert.StartsWith($"line {line}: ", rejection.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty.md", RejectionCode.Empty, "the file is empty")]
    [InlineData("whitespace.md", RejectionCode.Empty, "the file contains only blank space")]
    [InlineData("report.docx", RejectionCode.UnsupportedType, "the file ends in '.docx', which is not an article type; use .md, .markdown or .txt")]
    public void Unpublishable_file_is_rejected_with_a_reason_an_editor_can_act_on(string fileName, RejectionCode code, string reason)
    {
        var rejection = Rejected(fileName);

        Assert.Equal(code, rejection.Code);
        Assert.Equal(reason, rejection.Reason);
    }

    [Fact]
    public void Broken_yaml_reason_says_what_the_parser_found()
    {
        var rejection = Rejected("broken-yaml.md");

        Assert.StartsWith("front matter is not valid YAML: ", rejection.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_date_reason_quotes_the_value_and_shows_the_expected_form()
    {
        Assert.Equal(
            "'date' is not an ISO 8601 date such as 2025-05-14 or 2025-05-14T09:30:00Z: 'next Tuesday'",
            Rejected("bad-date.md").Reason);
    }

    [Fact]
    public void File_over_the_size_limit_is_rejected_with_both_sizes()
    {
        var rejection = Assert.IsType<ArticleParseResult.Rejected>(
            ArticleParser.Parse("big.md", new byte[3 * 1024 * 1024 / 2], Limit)).Rejection;

        Assert.Equal(RejectionCode.TooLarge, rejection.Code);
        Assert.Equal("the file is 1.5 MiB; the limit is 1 MiB", rejection.Reason);
    }

    [Fact]
    public void File_name_without_any_usable_letter_is_rejected_with_a_fix()
    {
        var rejection = Assert.IsType<ArticleParseResult.Rejected>(
            ArticleParser.Parse("中文.txt", "标题\n\n正文。\n"u8.ToArray(), Limit)).Rejection;

        Assert.Equal(RejectionCode.InvalidSlug, rejection.Code);
        Assert.Contains("rename the file", rejection.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("story.MD")]
    [InlineData("story.markdown")]
    [InlineData("story.Txt")]
    public void Extensions_are_recognised_in_any_case(string name)
    {
        Assert.IsType<ArticleParseResult.Parsed>(ArticleParser.Parse(name, "# Title\n\nText.\n"u8.ToArray(), Limit));
    }

    [Theory]
    [InlineData("noextension")]
    [InlineData("image.png")]
    [InlineData("page.html")]
    public void Other_files_are_not_article_types(string name)
    {
        var rejection = Assert.IsType<ArticleParseResult.Rejected>(ArticleParser.Parse(name, "# Title\n"u8.ToArray(), Limit)).Rejection;
        Assert.Equal(RejectionCode.UnsupportedType, rejection.Code);
    }

    [Fact]
    public void Plain_text_file_becomes_an_article_with_blocks()
    {
        var article = Assert.IsType<ArticleParseResult.Parsed>(ArticleParser.Parse(
            "wire/Geneva talks.txt",
            Encoding.UTF8.GetBytes("Ceasefire talks resume in Geneva\nReuters\n\nDelegations met on Monday.\n\nTags: Diplomacy\n"),
            Limit)).Article;

        Assert.Equal("Ceasefire talks resume in Geneva", article.Title);
        Assert.Equal("geneva-talks", article.Slug);
        Assert.Equal("Reuters", article.Source);
        Assert.Equal([new Paragraph("Delegations met on Monday.")], Assert.IsType<PlainTextBody>(article.Body).Blocks);
        Assert.Equal([new Tag("diplomacy", "Diplomacy")], article.Tags);
    }

    [Theory]
    [InlineData("---\ntitle: <script>alert(1)</script>\n---\nBody\n")]
    [InlineData("---\ntitle: a\ntags: !!binary aGVsbG8=\n---\n")]
    [InlineData("---\ntitle: &a [*a, *a]\n---\n")]
    [InlineData("---\n? [complex, key]\n: value\n---\n")]
    [InlineData("---\ntitle: \"unterminated\n---\n")]
    [InlineData("---\n\t\ttitle: tabs\n---\n")]
    [InlineData("---\n---\n---\n")]
    public void Hostile_front_matter_never_throws(string text)
    {
        var result = ArticleParser.Parse("hostile.md", Encoding.UTF8.GetBytes(text), Limit);
        Assert.True(result is ArticleParseResult.Parsed or ArticleParseResult.Rejected);
    }

    [Fact]
    public void Billion_laughs_alias_expansion_is_not_a_denial_of_service()
    {
        var yaml = new StringBuilder("---\na: &a [x,x,x,x,x,x,x,x,x]\n");
        for (var i = 1; i < 9; i++)
        {
            yaml.Append($"b{i}: &b{i} [{string.Join(',', Enumerable.Repeat(i == 1 ? "*a" : $"*b{i - 1}", 9))}]\n");
        }

        yaml.Append("title: *b8\n---\nBody\n");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var result = ArticleParser.Parse("laughs.md", Encoding.UTF8.GetBytes(yaml.ToString()), Limit);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2));
        Assert.IsType<ArticleParseResult.Rejected>(result);
    }
}
