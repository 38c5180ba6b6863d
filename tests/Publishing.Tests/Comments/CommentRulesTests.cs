using System.Net;
using Microsoft.Extensions.Options;
using Publishing.Comments;
using Publishing.Pages;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Comments;

public sealed class CommentRulesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, "Text", "author")]
    [InlineData(" ", "Text", "author")]
    [InlineData("Jane\nRoe", "Text", "author")]
    [InlineData("Jane", null, "body")]
    [InlineData("Jane", "\r\n \n", "body")]
    [InlineData("Jane", "nul \0", "body")]
    public void Invalid_comment_names_the_field(string? author, string? body, string field) =>
        Assert.Equal(field, Assert.IsType<CommentValidation.Invalid>(CommentValidator.Validate(author, body)).Field);

    [Fact]
    public void Limits_are_80_characters_of_author_and_5000_of_body()
    {
        Assert.IsType<CommentValidation.Valid>(CommentValidator.Validate(new string('a', 80), new string('b', 5000)));
        Assert.Equal("author", Assert.IsType<CommentValidation.Invalid>(CommentValidator.Validate(new string('a', 81), "x")).Field);
        Assert.Equal("body", Assert.IsType<CommentValidation.Invalid>(CommentValidator.Validate("a", new string('b', 5001))).Field);
    }

    [Fact]
    public void Valid_comment_is_trimmed_and_its_line_breaks_normalised()
    {
        var valid = Assert.IsType<CommentValidation.Valid>(CommentValidator.Validate("  Jane ", "\r\nOne\r\ntwo\n"));

        Assert.Equal(new NewComment("Jane", "One\ntwo"), valid.Comment);
    }

    [Fact]
    public void Ids_sort_in_posting_order()
    {
        var first = Comment.NewId(Noon);
        var second = Comment.NewId(Noon.AddTicks(1));

        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.True(Comment.IsId(first));
        Assert.False(Comment.IsId("~count"));
    }

    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0/24")]
    [InlineData("::ffff:203.0.113.77", "203.0.113.0/24")]
    [InlineData("2001:db8:aaaa:bbbb::1", "2001:db8:aaaa::/48")]
    public void Rate_limit_counts_per_ipv4_24_and_ipv6_48(string address, string network) =>
        Assert.Equal(network, CommentRateLimiter.NetworkOf(IPAddress.Parse(address)));

    [Fact]
    public void Rate_limit_refuses_posts_over_the_limit_until_the_minute_has_passed()
    {
        var clock = new ManualClock(Noon);
        var limiter = new CommentRateLimiter(Options.Create(new CommentOptions { PostsPerMinute = 2 }), clock);

        Assert.Null(limiter.TryAcquire("a"));
        clock.Now = Noon.AddSeconds(20);
        Assert.Null(limiter.TryAcquire("a"));
        Assert.Equal(TimeSpan.FromSeconds(40), limiter.TryAcquire("a"));
        Assert.Null(limiter.TryAcquire("b"));
        clock.Now = Noon.AddSeconds(60);
        Assert.Null(limiter.TryAcquire("a"));
    }

    [Fact]
    public void Comment_body_keeps_line_breaks_links_web_addresses_and_encodes_everything_else()
    {
        var html = ArticlePageHtml.CommentBody("<b>hi</b> & see https://example.com/x?a=1&b=2.\nnext line\n\n  javascript:alert(1) ftp://x.example").Value;

        Assert.Equal(
            "<p>&lt;b&gt;hi&lt;/b&gt; &amp; see <a href=\"https://example.com/x?a=1&amp;b=2\" rel=\"nofollow ugc noopener\">https://example.com/x?a=1&amp;b=2</a>.<br>\nnext line</p>\n"
            + "<p>javascript:alert(1) ftp://x.example</p>",
            html);
    }

    [Fact]
    public void Comments_section_shows_comments_oldest_first_with_a_link_onward_and_the_form()
    {
        Comment[] comments = [new(Comment.NewId(Noon), "Ann", "First", Noon), new(Comment.NewId(Noon.AddMinutes(1)), "Bob", "Second", Noon.AddMinutes(1))];

        var section = Parse(ArticlePageHtml.RenderComments(new CommentsView("talks", 45, comments, "NEXT", IsFirstPage: true)));

        Assert.Equal("Comments (45)", Single(section, "h2#comments-title").TextContent);
        Assert.Equal(["Ann", "Bob"], section.QuerySelectorAll(".comment-author").Select(a => a.TextContent));
        Assert.Equal("2026-11-25T12:00:00Z", section.QuerySelector("time")?.GetAttribute("datetime"));
        Assert.Equal("/articles/talks?comments=NEXT#comments", Single(section, "a[rel=next]").GetAttribute("href"));
        Assert.Equal("/api/articles/talks/comments", Single(section, "form").GetAttribute("action"));
        Assert.DoesNotContain("Leave the first comment", section.Body?.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_section_without_comments_invites_the_first_one_above_the_form()
    {
        var section = Parse(ArticlePageHtml.RenderComments(new CommentsView("talks", 0, [], null, IsFirstPage: true)));

        Assert.Equal("Comments (0)", Single(section, "h2#comments-title").TextContent);
        var texts = section.QuerySelectorAll("p").Select(p => p.TextContent).ToList();
        Assert.Contains("What is your opinion on this topic?", texts);
        Assert.Contains("Leave the first comment", texts);
        Assert.Empty(section.QuerySelectorAll("nav"));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
