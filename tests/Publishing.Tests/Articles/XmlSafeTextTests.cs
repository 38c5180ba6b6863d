using System.Xml;
using Publishing.Articles;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Tests.Pages;
using Publishing.Publication;

namespace Publishing.Tests.Articles;

public sealed class XmlSafeTextTests
{
    [Fact]
    public void Clean_removes_controls_lone_surrogates_and_non_characters_and_keeps_the_rest()
    {
        Assert.Equal("a\tb\nc😀d", XmlSafeText.Clean("a\tb\nc\u0001😀\uD800d\uFFFE\uFFFF\uDC00"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("clean text")]
    [InlineData("a\tb\nc\u0001😀\uD800d\uFFFE\uFFFF\uDC00")]
    [InlineData("\u000B\u000C")]
    [InlineData("\uD800")]
    [InlineData("x\uDC00\uD800")]
    [InlineData("😀\uD83D")]
    public void Blank_in_place_gives_a_space_for_each_character_xml_cannot_carry_as_blank_of_a_string_does(string text)
    {
        var inPlace = text.ToCharArray();

        XmlSafeText.Blank(inPlace.AsSpan());

        Assert.Equal(XmlSafeText.Blank(text), new string(inPlace));
    }

    [Fact]
    public void Clean_returns_clean_text_as_it_is()
    {
        const string text = "Лавров: «переговоры» 😀";
        Assert.Same(text, XmlSafeText.Clean(text));
    }

    [Fact]
    public void Description_never_carries_characters_named_by_markdown_entities_that_xml_cannot_carry()
    {
        var description = ArticleDescription.For(TestPages.Markdown("Start &#1; middle &#xFFFE; end.\n"));

        Assert.Equal(-1, XmlSafeText.IndexOfUnsafe(description));
        Assert.StartsWith("Start", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_feed_is_well_formed_xml_whatever_characters_its_articles_hold()
    {
        var hostile = "Bell\u0007 \uD800 \uFFFE";
        var article = new ListedArticle
        {
            Slug = "hostile",
            Title = hostile,
            Summary = hostile,
            Author = hostile,
            Published = TestPages.Published,
            Tags = [new Tag("tag", hostile)],
        };

        var feed = AtomFeed.Write(new Tag("tag", hostile), [article], new PublishingOptions());

        var document = new XmlDocument();
        using var stream = new MemoryStream(feed);
        document.Load(stream);
        Assert.Contains("Bell", document.InnerText, StringComparison.Ordinal);
    }
}
