using System.Diagnostics;
using Publishing.Articles;

namespace Publishing.Tests.Articles;

public sealed class PlainTextArticleReaderTests
{
    private static string Sample(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Articles", "Samples", name));

    private static PlainTextArticle ReadSample(string name) => Read(Sample(name));

    private static PlainTextArticle Read(string text)
    {
        var article = PlainTextArticleReader.Read(text);
        Assert.NotNull(article);
        return article;
    }

    private static Tag[] Tags(params string[] names) => [.. names.Select(name => new Tag(Slug.From(name), name))];

    [Fact]
    public void Wire_story_has_its_source_a_section_heading_quotes_and_tags()
    {
        var article = ReadSample("reuters-wire.txt");

        Assert.Equal("Russia and Ukraine agree to new round of talks in Istanbul", article.Title);
        Assert.Equal(1, article.TitleLine);
        Assert.Equal("Reuters", article.Source);
        Assert.Equal<TextBlock>(
            [
                new Paragraph("MOSCOW, May 5 (Reuters) - Russia and Ukraine agreed on Monday to hold a new round of direct talks in Istanbul next week, Kremlin spokesman Dmitry Peskov said, adding that “no date has been set yet”."),
                new Paragraph("Foreign Minister Sergei Lavrov told reporters the delegations would meet “without preconditions”, while Kyiv said it wanted a 30-day ceasefire first."),
                new Heading("Western reaction"),
                new Paragraph("The European Union’s foreign policy chief said the bloc welcomed ‘any step’ toward peace — but warned that sanctions would stay in place."),
                new Paragraph("\"We will judge them by their actions,\" a U.S. State Department spokesperson said."),
                new Paragraph("(Reporting by Guy Faulconbridge; Editing by Andrew Osborn)"),
            ],
            article.Blocks);
        Assert.Equal(Tags("Russia", "Ukraine", "Diplomacy"), article.Tags);
    }

    [Fact]
    public void Web_page_copy_keeps_the_tags_under_the_tags_heading_and_drops_the_comment_furniture()
    {
        var article = ReadSample("web-page-copy.txt");

        Assert.Equal("Lavrov: Moscow is ready to resume dialogue with Washington", article.Title);
        Assert.Equal(2, article.TitleLine);
        Assert.Equal("By Anna Petrova, TASS", article.Source);
        Assert.Equal<TextBlock>(
            [
                new Paragraph("Russian Foreign Minister Sergey Lavrov said on Tuesday that Moscow was ready to resume dialogue with Washington on strategic stability \"if the Americans are serious\"."),
                new Paragraph("Speaking at a news conference after talks with his Turkish counterpart, Lavrov said the next contacts could take place \"within weeks\"."),
                new Heading("What the sides still disagree on"),
                new Paragraph("The minister listed the expansion of NATO, the fate of the New START treaty and the return of diplomatic property as the main obstacles."),
            ],
            article.Blocks);
        Assert.Equal(Tags("Russia", "USA", "Sergey Lavrov"), article.Tags);
    }

    [Fact]
    public void Empty_tags_heading_and_prompts_at_the_end_are_furniture_but_comments_in_the_text_stay()
    {
        var article = ReadSample("comment-rules-furniture.txt");

        Assert.Equal("New comment rules for readers take effect on Monday", article.Title);
        Assert.Null(article.Source);
        Assert.Equal<TextBlock>(
            [
                new Paragraph("The newspaper will require readers to register before posting, the editor-in-chief said in a letter published on Friday."),
                new Heading("Comments"),
                new Paragraph("Comments on articles will stay open for seven days after publication and will be pre-moderated at weekends."),
                new Paragraph("Readers who want to leave a comment on older stories can write to the letters desk instead."),
            ],
            article.Blocks);
        Assert.Empty(article.Tags);
    }

    [Fact]
    public void Russian_article_survives_unchanged_and_its_tags_get_romanised_slugs()
    {
        var article = ReadSample("russian-tass.txt");

        Assert.Equal("Лавров: Москва готова к диалогу с Вашингтоном", article.Title);
        Assert.Equal("ТАСС", article.Source);
        Assert.Equal<TextBlock>(
            [
                new Paragraph("МОСКВА, 5 мая. /ТАСС/. Министр иностранных дел России Сергей Лавров заявил во вторник, что Москва «готова к диалогу» с Вашингтоном."),
                new Paragraph("«Мы открыты для переговоров, но не на условиях ультиматума», — подчеркнул он."),
                new Heading("Реакция Запада"),
                new Paragraph("В Брюсселе заявление назвали «сигналом» 🤝 и пообещали изучить его."),
            ],
            article.Blocks);
        Assert.Equal(Tags("Россия", "США", "Lavrov"), article.Tags);
        Assert.Equal(["rossiya", "ssha", "lavrov"], article.Tags.Select(t => t.Slug));
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("\r")]
    public void Hard_wrapped_paragraphs_are_joined_whatever_the_line_endings(string newline)
    {
        var text = Sample("crlf-hard-wrapped-french.txt").ReplaceLineEndings(newline);

        var article = Read(text);

        Assert.Equal("Élections municipales : la participation en hausse à Montréal", article.Title);
        Assert.Equal("Agence France-Presse", article.Source);
        Assert.Equal<TextBlock>(
            [
                new Paragraph("MONTRÉAL — La participation aux élections municipales a atteint 48 % dimanche, un niveau inédit depuis 2009, selon Élections Montréal."),
                new Paragraph("« C’est une très bonne nouvelle pour la démocratie locale », a déclaré la mairesse sortante, saluée par ses partisans à l’hôtel de ville."),
            ],
            article.Blocks);
        Assert.Equal(Tags("Élections", "Montréal", "Québec"), article.Tags);
    }

    [Fact]
    public void Sample_file_with_crlf_endings_reads_as_it_is_stored()
    {
        var article = ReadSample("crlf-hard-wrapped-french.txt");

        Assert.Equal("Agence France-Presse", article.Source);
        Assert.Equal(2, article.Blocks.Count);
        Assert.DoesNotContain(article.Blocks, block => block.Text.Contains('\r', StringComparison.Ordinal));
    }

    [Fact]
    public void Full_sentence_after_the_title_is_the_first_paragraph_not_a_source()
    {
        var article = ReadSample("no-source.txt");

        Assert.Equal("Central bank holds rates steady for third month", article.Title);
        Assert.Null(article.Source);
        Assert.Equal<TextBlock>(
            [
                new Paragraph("The central bank left its key rate unchanged at 16% on Friday, citing persistent inflation in services."),
                new Paragraph("Analysts polled by the bank had expected the hold. Two of them said a cut could come in July."),
            ],
            article.Blocks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n\n")]
    [InlineData(" \t\u00A0\r\n\r\n\u200B\r")]
    public void Text_with_only_blank_lines_has_no_title(string text) => Assert.Null(PlainTextArticleReader.Read(text));

    [Fact]
    public void Title_alone_is_an_article_without_body_source_or_tags()
    {
        var article = Read("\t Only a title\u00A0\n\n");

        Assert.Equal("Only a title", article.Title);
        Assert.Null(article.Source);
        Assert.Empty(article.Blocks);
        Assert.Empty(article.Tags);
    }

    [Fact]
    public void Short_line_after_the_title_is_the_source()
    {
        var article = Read("Title\nAssociated Press\n\nText of the story.");

        Assert.Equal("Associated Press", article.Source);
        Assert.Equal<TextBlock>([new Paragraph("Text of the story.")], article.Blocks);
    }

    [Fact]
    public void Source_may_follow_the_title_after_one_blank_line_but_not_after_two()
    {
        Assert.Equal("TASS", Read("Title\n\nTASS\n\nText of the story.").Source);

        var article = Read("Title\n\n\nTASS\n\nText of the story.");
        Assert.Null(article.Source);
        Assert.Equal<TextBlock>([new Paragraph("TASS"), new Paragraph("Text of the story.")], article.Blocks);
    }

    [Fact]
    public void Byline_that_runs_straight_into_the_story_is_the_source()
    {
        var article = Read("Title\nBy Jane Doe, AP\nWASHINGTON (AP) — The story starts here.");

        Assert.Equal("By Jane Doe, AP", article.Source);
        Assert.Equal<TextBlock>([new Paragraph("WASHINGTON (AP) — The story starts here.")], article.Blocks);
    }

    [Theory]
    [InlineData("Title\nThe Kremlin said on Tuesday that\nit would not attend.", "The Kremlin said on Tuesday that it would not attend.")]
    [InlineData("Title\nKremlin says talks will go on next week\n\nMore.", "Kremlin says talks will go on next week")]
    [InlineData("Title\n5 May 2025, 14:32\n\nMore.", "5 May 2025, 14:32")]
    [InlineData("Title\nReuters.\n\nMore.", "Reuters.")]
    [InlineData("Title\nLeave a comment\n\nMore.", "Leave a comment")]
    public void Line_after_the_title_that_is_not_a_byline_is_text(string text, string firstParagraph)
    {
        var article = Read(text);

        Assert.Null(article.Source);
        Assert.Equal(new Paragraph(firstParagraph), article.Blocks[0]);
    }

    [Fact]
    public void Short_line_alone_between_paragraphs_is_a_heading_but_not_at_the_start_or_the_end()
    {
        var article = Read("Title\nReuters\n\nOpening\n\nFirst paragraph.\n\nA section\n\nSecond paragraph.\n\nThe end");

        Assert.Equal<TextBlock>(
            [
                new Paragraph("Opening"),
                new Paragraph("First paragraph."),
                new Heading("A section"),
                new Paragraph("Second paragraph."),
                new Paragraph("The end"),
            ],
            article.Blocks);
    }

    [Fact]
    public void Short_lines_after_a_colon_or_next_to_each_other_are_paragraphs()
    {
        var article = Read("Title\n\nHe named three demands:\n\nA ceasefire\n\nPrisoner exchanges\n\nElections\n\nThe talks resumed.");

        Assert.All(article.Blocks, block => Assert.IsType<Paragraph>(block));
    }

    [Fact]
    public void Heading_with_sentence_punctuation_or_a_lowercase_start_is_a_paragraph()
    {
        var article = Read("Title\n\nOne.\n\nWhat happens next?\n\nTwo.\n\nand then\n\nThree.\n\niPhone sales slump\n\nFour.");

        Assert.Equal<TextBlock>(
            [
                new Paragraph("One."),
                new Paragraph("What happens next?"),
                new Paragraph("Two."),
                new Paragraph("and then"),
                new Paragraph("Three."),
                new Heading("iPhone sales slump"),
                new Paragraph("Four."),
            ],
            article.Blocks);
    }

    [Fact]
    public void Comment_prompts_in_the_middle_of_the_text_are_kept()
    {
        var article = Read("Title\n\nReaders were asked one thing.\n\nLeave a comment\n\nComments (3)\n\nThat was all.");

        Assert.Equal(
            ["Readers were asked one thing.", "Leave a comment", "Comments (3)", "That was all."],
            article.Blocks.Select(block => block.Text));
    }

    [Fact]
    public void Text_of_only_furniture_has_a_title_and_nothing_else()
    {
        var article = Read("Comments (0)\nWhat is your opinion on this topic?\nLeave the first comment\nTags\n");

        Assert.Equal("Comments (0)", article.Title);
        Assert.Null(article.Source);
        Assert.Empty(article.Blocks);
        Assert.Empty(article.Tags);
    }

    [Fact]
    public void Tags_line_is_case_insensitive_trimmed_and_deduplicated_by_slug()
    {
        var article = Read("Title\n\nText.\n\nTAGS:  Crème brûlée , ,creme brulee, #Paris, !!!, 中文, Путин,Paris");

        Assert.Equal(Tags("Crème brûlée", "Paris", "Путин"), article.Tags);
        Assert.Equal<TextBlock>([new Paragraph("Text.")], article.Blocks);
    }

    [Fact]
    public void Tags_heading_in_the_text_takes_the_lines_under_it_up_to_a_blank_line()
    {
        var article = Read("Title\n\nText.\nTags\nEconomy\nBanks\n\nMore text.\n\nTags: Rates");

        Assert.Equal(Tags("Economy", "Banks", "Rates"), article.Tags);
        Assert.Equal<TextBlock>([new Paragraph("Text."), new Paragraph("More text.")], article.Blocks);
    }

    [Fact]
    public void Trailing_tags_heading_may_have_blank_lines_between_its_tags()
    {
        var article = Read("Title\n\nText.\n\nTags\n\nEconomy\n\nBanks\n\nShare this article\n\nComments\n");

        Assert.Equal(Tags("Economy", "Banks"), article.Tags);
        Assert.Equal<TextBlock>([new Paragraph("Text.")], article.Blocks);
    }

    [Fact]
    public void Trailing_tags_written_right_under_the_heading_end_at_a_blank_line()
    {
        var article = Read("Title\n\nText.\nTags\nEconomy\n\nFinance\n\nComments (0)");

        Assert.Equal(Tags("Economy"), article.Tags);
        Assert.Equal<TextBlock>([new Paragraph("Text."), new Paragraph("Finance")], article.Blocks);
    }

    [Fact]
    public void Short_last_lines_without_a_tags_heading_stay_article_text()
    {
        var article = Read("Title\n\nText.\n\nWith thanks to\nThe Archive\n\nLeave a comment");

        Assert.Empty(article.Tags);
        Assert.Equal<TextBlock>([new Paragraph("Text."), new Paragraph("With thanks to The Archive")], article.Blocks);
    }

    [Fact]
    public void Edges_of_lines_are_trimmed_and_their_insides_kept()
    {
        var article = Read("\r\n\r\n\u00A0 Title \t\r\n\r\n\tIndented\u00A0line with\ta tab  \r\n  and  a  wrap. \r\n");

        Assert.Equal("Title", article.Title);
        Assert.Equal(3, article.TitleLine);
        Assert.Equal<TextBlock>([new Paragraph("Indented\u00A0line with\ta tab and  a  wrap.")], article.Blocks);
    }

    [Fact]
    public void Million_blank_lines_and_a_very_long_line_are_read_quickly()
    {
        var longLine = string.Concat(Enumerable.Repeat("Word word, word. ", 200_000));
        var text = new string('\n', 1_000_000) + "Title\n" + new string('\n', 1_000_000) + longLine + "\n" + new string('\n', 1_000_000);

        var stopwatch = Stopwatch.StartNew();
        var article = Read(text);
        stopwatch.Stop();

        Assert.Equal(1_000_001, article.TitleLine);
        Assert.Equal(longLine.TrimEnd(), Assert.Single(article.Blocks).Text);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Many_short_lines_are_read_in_linear_time()
    {
        static string Text(int lines) =>
            "Title\nReuters\n\n" + string.Concat(Enumerable.Repeat("Short line\n", lines)) + "\n" + string.Concat(Enumerable.Repeat("Tag\n\n", lines));

        // Four times the lines, measured back to back so both see the same machine: about four times the time if linear,
        // sixteen if quadratic. This thread's CPU time, from a collected heap, best of five: neither other tests'
        // collections (which suspend this thread) nor a pause of the machine's decides the ratio.
        static TimeSpan Fastest(string text) => Enumerable.Range(0, 5).Select(_ =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return ThreadCpuTime.Of(() => Read(text));
        }).Min();

        var small = Fastest(Text(75_000));
        var article = Read(Text(300_000));
        var large = Fastest(Text(300_000));

        Assert.Equal("Reuters", article.Source);
        Assert.Equal(300_001, article.Blocks.Count);
        Assert.True(large < small * 8, $"75,000 lines took {small}, 300,000 took {large}: {large / small:0.0} times as long");
        Assert.True(large < TimeSpan.FromSeconds(30), $"took {large}");
    }

    [Theory]
    [InlineData("Tags")]
    [InlineData("Tags:")]
    [InlineData("Title\nTags:")]
    [InlineData("Title\nTags\n\nTags\nTags:\n")]
    [InlineData("Title\n#\n\n###\n\n\"\n\n”»)\n\n…")]
    [InlineData("Title\n\u0000\u0001\n\n\uFFFF\uD800")]
    [InlineData("”\n“\n«\n»\n(\n)\n")]
    [InlineData("Title\nComments (99999999999999999999999)\n")]
    public void Hostile_text_never_throws(string text)
    {
        var article = PlainTextArticleReader.Read(text);

        Assert.NotNull(article);
        Assert.NotEmpty(article.Title);
    }
}
