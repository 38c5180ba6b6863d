using Publishing.Articles;
using Publishing.Pages;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Pages;

public sealed class ArticleDescriptionTests
{
    [Fact]
    public void Summary_is_the_description_when_the_editor_wrote_one()
    {
        var article = Markdown("First paragraph.") with { Summary = "What happened,\n  in short." };

        Assert.Equal("What happened, in short.", ArticleDescription.For(article));
    }

    [Fact]
    public void Markdown_description_is_the_first_paragraph_as_plain_text()
    {
        var article = Markdown(
            """
            ## Background

            > Talks *resumed* in [Geneva](https://example.org/geneva) at `09:00` &amp; "ended" late...
            > with no deal.

            Second paragraph.
            """);

        Assert.Equal("Talks resumed in Geneva at 09:00 & “ended” late… with no deal.", ArticleDescription.For(article));
    }

    [Fact]
    public void Markdown_description_skips_paragraphs_without_text_tables_and_footnotes()
    {
        var article = Markdown(
            """
            ![A map of the region](https://images.example.org/map.png)

            | a | b |
            |---|---|
            | cell | cell |

            The real opening[^1].

            [^1]: A footnote.
            """);

        Assert.Equal("The real opening.", ArticleDescription.For(article));
    }

    [Fact]
    public void Plain_text_description_is_the_first_paragraph()
    {
        var article = PlainText("Title", new Heading("Section"), new Paragraph("  Opening\tline  "), new Paragraph("Next."));

        Assert.Equal("Opening line", ArticleDescription.For(article));
    }

    [Fact]
    public void Article_without_a_paragraph_is_described_by_its_title()
    {
        Assert.Equal("Talks resume in Geneva", ArticleDescription.For(Markdown("## Only a heading")));
        Assert.Equal("Headline only", ArticleDescription.For(PlainText("Headline only")));
    }

    [Fact]
    public void Long_description_is_cut_at_a_word_with_an_ellipsis()
    {
        var words = string.Join(' ', Enumerable.Range(1, 80).Select(i => $"word{i}"));

        var description = ArticleDescription.For(Markdown(words));

        Assert.True(description.Length <= ArticleDescription.MaxLength, $"{description.Length} characters");
        Assert.True(description.Length > ArticleDescription.MaxLength - 12, $"{description.Length} characters");
        Assert.EndsWith("…", description, StringComparison.Ordinal);
        Assert.StartsWith(description[..^1] + " ", words, StringComparison.Ordinal);
    }

    [Fact]
    public void Description_of_one_endless_word_is_cut_without_splitting_a_character()
    {
        var description = ArticleDescription.Shorten(string.Concat(Enumerable.Repeat("😀", 150)));

        Assert.True(description.Length <= ArticleDescription.MaxLength);
        Assert.EndsWith("😀…", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Short_text_is_kept_whole() =>
        Assert.Equal("Short and sweet.", ArticleDescription.Shorten("Short and sweet."));
}
