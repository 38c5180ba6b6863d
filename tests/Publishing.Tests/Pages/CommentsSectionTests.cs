using Publishing.Comments;
using Publishing.Pages;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Pages;

public sealed class CommentsSectionTests
{
    [Fact]
    public void Page_without_comments_invites_the_first_one()
    {
        var page = RenderDocument(Markdown("Text."));

        var section = Single(page, "main > section#comments");
        Assert.Equal("comments-title", section.GetAttribute("aria-labelledby"));
        Assert.Equal("Comments (0)", Single(page, "#comments-title").TextContent);
        Assert.Equal("h2", Single(page, "#comments-title").LocalName);
        var texts = section.QuerySelectorAll("p").Select(p => p.TextContent).ToList();
        Assert.Contains("What is your opinion on this topic?", texts);
        Assert.Contains("Leave the first comment", texts);
    }

    [Fact]
    public void Comments_section_counts_comments_and_invites_only_when_there_are_none()
    {
        var section = Parse(ArticlePageHtml.RenderComments(3));

        Assert.Equal("Comments (3)", Single(section, "section#comments h2#comments-title").TextContent);
        Assert.DoesNotContain("What is your opinion on this topic?", section.Body?.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Leave the first comment", section.Body?.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_section_of_a_stored_page_can_be_replaced_again_and_again()
    {
        var stored = Render(Markdown("Body text *here*.")).Html;

        var once = ArticlePageHtml.ReplaceComments(stored, ArticlePageHtml.RenderComments(2));
        var twice = ArticlePageHtml.ReplaceComments(once, ArticlePageHtml.RenderComments(5));
        var page = Parse(twice);

        Assert.Equal("Comments (5)", Single(page, "#comments-title").TextContent);
        Assert.Single(page.QuerySelectorAll("section"));
        Assert.Equal("Body text here.", Body(page).TextContent.Trim());
        Assert.Equal(stored, ArticlePageHtml.ReplaceComments(twice, ArticlePageHtml.RenderComments(0)));
    }

    [Fact]
    public void Comment_markers_in_article_text_do_not_move_the_section()
    {
        var stored = Render(Markdown($"{ArticlePageHtml.CommentsStartMarker} x {ArticlePageHtml.CommentsEndMarker}", title: ArticlePageHtml.CommentsEndMarker)).Html;

        var page = Parse(ArticlePageHtml.ReplaceComments(stored, ArticlePageHtml.RenderComments(1)));

        Assert.Equal("Comments (1)", Single(page, "#comments-title").TextContent);
        Assert.Equal($"{ArticlePageHtml.CommentsStartMarker} x {ArticlePageHtml.CommentsEndMarker}", Straight(Body(page).TextContent.Trim()));
        Assert.Equal(ArticlePageHtml.CommentsEndMarker, Single(page, "h1").TextContent);
    }

    [Fact]
    public void Author_name_is_rendered_isolated_in_bdi_so_its_direction_cannot_spill_onto_the_date_beside_it()
    {
        var posted = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        const string Author = "\u05D9\u05D5\u05E1\u05D9 <b>\u200F";
        var comment = new Comment(Comment.NewId(posted), Author, "Text", posted);

        var section = Parse(ArticlePageHtml.RenderComments(new CommentsView("talks", 1, [comment], null, IsFirstPage: true)));

        var isolated = Single(section, ".comment-author > bdi");
        Assert.Equal(Author, isolated.TextContent);
        Assert.Empty(isolated.Children);
        Assert.Equal(isolated.TextContent, Single(section, ".comment-author").TextContent);
        Assert.Null(isolated.QuerySelector("time"));
        Assert.NotNull(Single(section, "header").QuerySelector(":scope > time"));
    }

    [Fact]
    public void Page_without_comment_markers_is_refused() =>
        Assert.Throws<FormatException>(() => ArticlePageHtml.ReplaceComments("<html><body></body></html>", ArticlePageHtml.RenderComments(1)));
}
