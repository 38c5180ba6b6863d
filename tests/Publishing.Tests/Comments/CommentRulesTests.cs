using System.Buffers;
using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Publishing.Comments;
using Publishing.Pages;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Comments;

public sealed class CommentRulesTests
{
    private static readonly SearchValues<char> BidiControls = SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

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

    [Theory]
    [InlineData("\u202EJane\u202C", "Jane")]
    [InlineData("\u2067Jane\u2069", "Jane")]
    [InlineData("Ja\u202Ane\u202B\u202D\u2066\u2068", "Jane")]
    [InlineData("Jane \u202E", "Jane")]
    [InlineData("\u05D9\u05D5\u05E1\u05D9 \u200F", "\u05D9\u05D5\u05E1\u05D9 \u200F")]
    public void Bidirectional_embeddings_overrides_and_isolates_are_removed_from_the_author_and_marks_kept(string author, string shown) =>
        Assert.Equal(shown, Assert.IsType<CommentValidation.Valid>(CommentValidator.Validate(author, "Text")).Comment.Author);

    [Fact]
    public void Bidirectional_controls_are_removed_from_the_body_so_a_link_cannot_be_shown_reversed()
    {
        var valid = Assert.IsType<CommentValidation.Valid>(CommentValidator.Validate("Jane", "see https://evil.example/\u202Emoc.elgoog\u202C and \u2066isolated\u2069\nnext"));

        Assert.Equal("see https://evil.example/moc.elgoog and isolated\nnext", valid.Comment.Body);
    }

    [Theory]
    [InlineData("\u202E", "Text", "author")]
    [InlineData("\u2066 \u2069", "Text", "author")]
    [InlineData("Jane", "\u202E\u202C\n\u2068", "body")]
    public void Post_of_nothing_but_bidirectional_controls_is_refused_as_empty(string author, string body, string field)
    {
        var invalid = Assert.IsType<CommentValidation.Invalid>(CommentValidator.Validate(author, body));

        Assert.Equal(field, invalid.Field);
        Assert.Contains("is required", invalid.Detail, StringComparison.Ordinal);
    }

    // Code units as numbers, so that no test name carries a lone surrogate or a control character.
    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0009)]
    [InlineData(0x000A)]
    [InlineData(0x001B)]
    [InlineData(0x007F)]
    [InlineData(0x0085)]
    [InlineData(0x2028)]
    [InlineData(0x2029)]
    [InlineData(0xD800)]
    [InlineData(0xDC00)]
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    public void Author_with_a_control_character_a_line_break_a_lone_surrogate_or_a_non_character_is_refused_naming_it(int codeUnit)
    {
        var invalid = Assert.IsType<CommentValidation.Invalid>(CommentValidator.Validate($"Jane{(char)codeUnit}Roe", "Text"));

        Assert.Equal("author", invalid.Field);
        Assert.Contains($"U+{codeUnit:X4}", invalid.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0001)]
    [InlineData(0x001B)]
    [InlineData(0x007F)]
    [InlineData(0x009B)]
    [InlineData(0xD83D)]
    [InlineData(0xDE00)]
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    public void Body_with_a_control_character_a_lone_surrogate_or_a_non_character_is_refused_naming_it(int codeUnit)
    {
        var invalid = Assert.IsType<CommentValidation.Invalid>(CommentValidator.Validate("Jane", $"before {(char)codeUnit} after"));

        Assert.Equal("body", invalid.Field);
        Assert.Contains($"U+{codeUnit:X4}", invalid.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Surrogate_pair_in_the_wrong_order_is_refused()
    {
        Assert.IsType<CommentValidation.Invalid>(CommentValidator.Validate("Jane\uDE00\uD83D", "Text"));
        Assert.IsType<CommentValidation.Valid>(CommentValidator.Validate("Jane \uD83D\uDE00", "Text \uD83D\uDE00"));
    }

    [Fact]
    public void Body_keeps_tabs_line_breaks_emoji_and_joiners_and_every_line_break_becomes_a_newline()
    {
        var valid = Assert.IsType<CommentValidation.Valid>(CommentValidator.Validate("Jane", "a\tb\rc\u0085d\u2028e\u2029f\u000Cg 👩\u200D💻 \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"));

        Assert.Equal("a\tb\nc\nd\ne\nf\ng 👩\u200D💻 \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", valid.Comment.Body);
    }

    [Fact]
    public void Everything_the_rules_let_through_is_text_XML_can_carry_without_a_bidirectional_control()
    {
        var accepted = 0;
        for (var codeUnit = 0; codeUnit <= 0xFFFF; codeUnit++)
        {
            var text = $"a{(char)codeUnit}b";
            foreach (var (author, body) in new[] { (text, "Text"), ("Jane", text) })
            {
                if (CommentValidator.Validate(author, body) is CommentValidation.Valid { Comment: var comment })
                {
                    accepted++;
                    System.Xml.XmlConvert.VerifyXmlChars(comment.Author);
                    System.Xml.XmlConvert.VerifyXmlChars(comment.Body);
                    Assert.False(comment.Author.AsSpan().ContainsAny(BidiControls), $"U+{codeUnit:X4} left a control in the author");
                    Assert.False(comment.Body.AsSpan().ContainsAny(BidiControls), $"U+{codeUnit:X4} left a control in the body");
                }
            }
        }

        // Not vacuous: almost every code unit is ordinary text.
        Assert.InRange(accepted, 2 * (0x10000 - 0x0800 - 100), 2 * 0x10000);
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
        var clock = new FakeTimeProvider(Noon);
        var limiter = new CommentRateLimiter(Options.Create(new CommentOptions { PostsPerMinute = 2 }), clock);

        Assert.Null(limiter.TryAcquire("a"));
        clock.SetUtcNow(Noon.AddSeconds(20));
        Assert.Null(limiter.TryAcquire("a"));
        Assert.Equal(TimeSpan.FromSeconds(40), limiter.TryAcquire("a"));
        Assert.Null(limiter.TryAcquire("b"));
        clock.SetUtcNow(Noon.AddSeconds(60));
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
}
