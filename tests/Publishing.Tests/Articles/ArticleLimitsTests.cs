using System.Diagnostics;
using System.Text;
using Publishing.Articles;

namespace Publishing.Tests.Articles;

/// <summary>The hostile files of issue 12 and every limit of <see cref="ArticleLimits"/>: each is a rejection naming its line, found fast.</summary>
public sealed class ArticleLimitsTests
{
    private const int Limit = 1024 * 1024;

    /// <summary>Generous for a 2-core machine under load; the inputs below took minutes, or crashed, before the limits.</summary>
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(2);

    private static ArticleParseResult Parse(string name, string text) => ArticleParser.Parse(name, Encoding.UTF8.GetBytes(text), Limit);

    private static Rejection Rejected(string name, string text)
    {
        var started = Stopwatch.StartNew();
        var result = Parse(name, text);
        Assert.True(started.Elapsed < Quickly, $"parsing took {started.Elapsed}");
        return Assert.IsType<ArticleParseResult.Rejected>(result).Rejection;
    }

    private static Article Parsed(string name, string text) => Assert.IsType<ArticleParseResult.Parsed>(Parse(name, text)).Article;

    private static string Markdown(string frontMatter, string body = "Body.\n") => $"---\ntitle: Title\n{frontMatter}\n---\n{body}";

    [Fact]
    public void Front_matter_key_that_contains_itself_through_an_anchor_is_rejected_with_its_line()
    {
        var rejection = Rejected("self.md", "---\ntitle: x\n&a a: *a\n---\nBody\n");

        Assert.Equal(RejectionCode.BrokenFrontMatter, rejection.Code);
        Assert.Equal(3, rejection.Line);
        Assert.Contains("anchor '&a'", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_is_rejected_with_its_line_even_under_a_key_the_parser_does_not_use()
    {
        var rejection = Rejected("alias.md", "---\ntitle: x\nunused: [x, *elsewhere]\n---\nBody\n");

        Assert.Equal(RejectionCode.BrokenFrontMatter, rejection.Code);
        Assert.Equal(3, rejection.Line);
        Assert.Contains("alias '*elsewhere'", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_nested_50000_brackets_deep_is_rejected_before_anything_is_built()
    {
        var rejection = Rejected("deep.md", Markdown("value: " + new string('[', 50_000) + new string(']', 50_000)));

        Assert.Equal(RejectionCode.TooComplex, rejection.Code);
        Assert.Equal(3, rejection.Line);
        Assert.Contains($"more than {ArticleLimits.MaxFrontMatterDepth} deep", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Front_matter_with_more_values_than_the_event_limit_is_rejected()
    {
        var rejection = Rejected("many.md", Markdown("values: [" + string.Join(", ", Enumerable.Range(0, ArticleLimits.MaxFrontMatterEvents)) + "]"));

        Assert.Equal(RejectionCode.TooComplex, rejection.Code);
        Assert.Equal(3, rejection.Line);
    }

    [Fact]
    public void Escape_of_a_lone_surrogate_is_a_rejection_with_its_line()
    {
        var rejection = Rejected("surrogate.md", "---\nauthor: Jane\ntitle: \"a\\ud800b\"\n---\nBody\n");

        Assert.Equal(RejectionCode.BrokenFrontMatter, rejection.Code);
        Assert.Equal(3, rejection.Line);
    }

    [Theory]
    [InlineData("\"Control\\x01 in a title\"", "Control in a title")]
    [InlineData("\"Not a character\\uFFFE here\"", "Not a character here")]
    [InlineData("\"NUL\\0 too\"", "NUL too")]
    [InlineData("|\n  Two\n  lines", "Two lines")]
    public void Characters_xml_cannot_carry_never_reach_the_title(string yaml, string title)
    {
        Assert.Equal(title, Parsed("title.md", $"---\ntitle: {yaml}\n---\nBody\n").Title);
    }

    [Fact]
    public void Control_characters_in_the_text_become_spaces_and_keep_line_numbers()
    {
        var article = Parsed("controls.md", "---\ntitle: \"Vertical\vtab\"\n---\nForm\ffeed and bell\a.\n");

        Assert.Equal("Vertical tab", article.Title);
        Assert.Equal("Form feed and bell .", Assert.IsType<MarkdownBody>(article.Body).Markdown.Trim());
    }

    [Fact]
    public void Nul_characters_mean_the_file_is_not_text_and_the_line_is_named()
    {
        var rejection = Rejected("utf16-without-bom.txt", "Title\n\nT\0e\0x\0t\0\n");

        Assert.Equal(RejectionCode.NotUtf8, rejection.Code);
        Assert.Equal(3, rejection.Line);
    }

    [Theory]
    [InlineData("title", ArticleLimits.MaxTitleLength, 2)]
    [InlineData("author", ArticleLimits.MaxAuthorLength, 3)]
    [InlineData("source", ArticleLimits.MaxSourceLength, 3)]
    [InlineData("summary", ArticleLimits.MaxSummaryLength, 3)]
    [InlineData("image", ArticleLimits.MaxImageUrlLength, 3)]
    public void Field_past_its_length_limit_is_rejected_naming_the_field_and_line(string field, int limit, int line)
    {
        var value = new string('a', limit + 1);
        var text = field == "title" ? $"---\ntitle: {value}\n---\nBody\n" : Markdown($"{field}: {value}");

        var rejection = Rejected("long.md", text);

        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Equal(line, rejection.Line);
        Assert.Contains($"the {field} is {limit + 1:N0} characters long; at most {limit:N0}", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_at_their_limits_are_accepted()
    {
        var article = Parsed("limits.md", $"---\ntitle: {new string('t', ArticleLimits.MaxTitleLength)}\n" +
            $"author: {new string('a', ArticleLimits.MaxAuthorLength)}\n" +
            $"tags: [{string.Join(", ", Enumerable.Range(0, ArticleLimits.MaxTags).Select(i => $"tag {i}"))}]\n---\nBody\n");

        Assert.Equal(ArticleLimits.MaxTitleLength, article.Title.Length);
        Assert.Equal(ArticleLimits.MaxTags, article.Tags.Count);
    }

    [Fact]
    public void Heading_title_past_the_limit_is_rejected_at_the_heading()
    {
        var rejection = Rejected("heading.md", $"\n\n# {new string('h', ArticleLimits.MaxTitleLength + 1)}\n\nBody\n");

        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Equal(3, rejection.Line);
    }

    [Fact]
    public void More_tags_than_the_limit_are_rejected_at_the_tags_line()
    {
        var rejection = Rejected("tags.md", Markdown("tags: " + string.Join(", ", Enumerable.Range(0, ArticleLimits.MaxTags + 1).Select(i => $"t{i}"))));

        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Equal(3, rejection.Line);
        Assert.Contains($"{ArticleLimits.MaxTags + 1} tags; at most {ArticleLimits.MaxTags}", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_name_past_the_limit_is_rejected()
    {
        var rejection = Rejected("tag.md", Markdown($"tags: [fine, {new string('n', ArticleLimits.MaxTagNameLength + 1)}]"));

        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Equal(3, rejection.Line);
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("1600-12-31")]
    [InlineData("3000-01-01")]
    public void Date_outside_the_accepted_range_is_rejected_with_the_range(string date)
    {
        var rejection = Rejected("date.md", Markdown($"date: {date}"));

        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Equal(3, rejection.Line);
        Assert.Contains("dates from 1800-01-01 to 2999-12-31 are accepted", rejection.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en\"><script>")]
    [InlineData("english language")]
    public void Language_that_is_not_a_language_tag_is_rejected(string language)
    {
        Assert.Equal(RejectionCode.InvalidField, Rejected("lang.md", Markdown($"lang: '{language}'")).Code);
    }

    [Fact]
    public void Plain_text_with_a_70000_character_first_line_is_rejected_at_line_1()
    {
        var rejection = Rejected("long.txt", new string('a', 70_000) + "\n\nThe story.\n");

        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Equal(1, rejection.Line);
        Assert.Contains("the title is 70,000 characters long", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_text_with_20000_tags_is_rejected_at_the_line_of_the_first_tag_past_the_limit()
    {
        var tags = string.Join("\n", Enumerable.Range(0, 20_000).Select(i => $"Tags: t{i}"));

        var rejection = Rejected("tags.txt", $"Title\n\nThe story.\n\n{tags}\n");

        Assert.Equal(RejectionCode.InvalidField, rejection.Code);
        Assert.Equal(5 + ArticleLimits.MaxTags, rejection.Line);
    }

    [Fact]
    public void Markdown_line_past_the_length_limit_is_rejected_with_its_line()
    {
        var rejection = Rejected("line.md", Markdown("", "Short.\n\n" + new string('w', ArticleLimits.MaxLineLength + 1) + "\n"));

        Assert.Equal(RejectionCode.TooComplex, rejection.Code);
        Assert.Equal(7, rejection.Line);
    }

    [Fact]
    public void File_of_262000_headings_is_rejected_in_linear_time()
    {
        var rejection = Rejected("headings.md", Markdown("", string.Concat(Enumerable.Repeat("# a\n", 262_000))));

        Assert.Equal(RejectionCode.TooComplex, rejection.Code);
        Assert.Equal(5 + ArticleLimits.MaxHeadings, rejection.Line);
    }

    [Fact]
    public void More_footnotes_than_the_limit_are_rejected_at_the_first_one_past_it()
    {
        var notes = string.Concat(Enumerable.Range(0, ArticleLimits.MaxFootnotes + 1).Select(i => $"Text[^{i}].\n\n[^{i}]: A note.\n\n"));

        var rejection = Rejected("footnotes.md", Markdown("", notes));

        Assert.Equal(RejectionCode.TooComplex, rejection.Code);
        Assert.Equal(5 + (4 * ArticleLimits.MaxFootnotes) + 2, rejection.Line);
    }

    [Fact]
    public void Block_quotes_nested_1000_deep_are_rejected_with_their_line()
    {
        var rejection = Rejected("quotes.md", Markdown("", "Intro.\n\n" + new string('>', 1_000) + " deep\n"));

        Assert.Equal(RejectionCode.TooComplex, rejection.Code);
        Assert.Equal(7, rejection.Line);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("*a _")]
    public void Paragraph_with_thousands_of_brackets_or_emphasis_markers_is_rejected_at_its_first_line(string marker)
    {
        var paragraph = string.Concat(Enumerable.Repeat(marker, 400)) + "\n" + string.Concat(Enumerable.Repeat(marker, 400)) + "\n";

        var rejection = Rejected("inline.md", Markdown("", "Intro.\n\n" + paragraph));

        Assert.Equal(RejectionCode.TooComplex, rejection.Code);
        Assert.Equal(7, rejection.Line);
    }

    [Fact]
    public void Ordinary_markdown_with_lists_quotes_links_and_emphasis_passes_the_shape_checks()
    {
        var body = """
            ## Background

            > A quote with a [link](https://example.com) and *emphasis*.
            > > A reply in a quote.

            1. First
               - nested *item* with `code`
            2. Second

            Setext heading
            --------------
            """;

        Assert.IsType<MarkdownBody>(Parsed("ordinary.md", Markdown("", body)).Body);
    }
}
