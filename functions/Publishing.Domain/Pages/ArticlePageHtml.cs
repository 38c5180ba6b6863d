using System.Globalization;
using System.Text.RegularExpressions;
using Publishing.Comments;

namespace Publishing.Pages;

/// <summary>What a page's comments section shows: the stored count, one page of comments, and the cursor of the next page.</summary>
/// <param name="IsFirstPage">False when the reader followed a link onward, so the section links back to the first page.</param>
public sealed record CommentsView(string Slug, int Count, IReadOnlyList<Comment> Comments, string? NextCursor, bool IsFirstPage);

/// <summary>
/// The comments section of an article page, and the markers around it in a rendered page, so a stored
/// page can be served with fresh comments without rendering its Markdown again.
/// </summary>
public static partial class ArticlePageHtml
{
    /// <summary>The form field that people never see and bots fill in.</summary>
    public const string HoneypotField = "website";

    public const string CommentsStartMarker = "<!-- comments -->";

    public const string CommentsEndMarker = "<!-- /comments -->";

    /// <summary>The page's comments section: the heading with the count, and with none yet the invitation to write the first.</summary>
    public static string RenderComments(int commentCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(commentCount);
        return CommentsSection(commentCount).Value;
    }

    /// <summary>
    /// <paramref name="pageHtml"/> with the section between the comment markers replaced by
    /// <paramref name="sectionHtml"/> (trusted markup, such as <see cref="RenderComments"/> returns).
    /// </summary>
    /// <exception cref="FormatException">The page was not rendered with the comment markers.</exception>
    public static string ReplaceComments(string pageHtml, string sectionHtml)
    {
        ArgumentNullException.ThrowIfNull(pageHtml);
        ArgumentNullException.ThrowIfNull(sectionHtml);

        // The markers come after all article text, which is encoded (the Markdown renderer writes no raw HTML) and so cannot contain them.
        var start = pageHtml.LastIndexOf(CommentsStartMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : pageHtml.IndexOf(CommentsEndMarker, start, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException("the page has no comments section between the comment markers");
        }

        var sectionStart = start + CommentsStartMarker.Length;
        return string.Concat(pageHtml.AsSpan(0, sectionStart), "\n" + sectionHtml + "\n", pageHtml.AsSpan(end));
    }

    /// <summary>
    /// <paramref name="pageHtml"/> with its style sheet replaced by the current one, so that a page stored before the
    /// style changed still matches the hash the Content-Security-Policy allows (<see cref="ContentSecurityPolicy"/>).
    /// The first <c>&lt;style&gt;</c> is the template's: nothing before it in the head is unencoded article text.
    /// </summary>
    public static string WithCurrentStyle(string pageHtml)
    {
        ArgumentNullException.ThrowIfNull(pageHtml);
        const string close = "</style>";
        var start = pageHtml.IndexOf("<style>", StringComparison.Ordinal);
        var end = start < 0 ? -1 : pageHtml.IndexOf(close, start, StringComparison.Ordinal) + close.Length;
        var current = PageChrome.Style.Value;
        return end < close.Length || pageHtml.AsSpan(start, end - start).SequenceEqual(current)
            ? pageHtml
            : string.Concat(pageHtml.AsSpan(0, start), current, pageHtml.AsSpan(end));
    }

    /// <summary>
    /// The comments section as served: the count, the comments of <paramref name="view"/> oldest first, a link to
    /// the next page when there is one, and the form to post a comment, which works without JavaScript.
    /// </summary>
    public static string RenderComments(CommentsView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var section = new HtmlBuilder(1024 + (view.Comments.Count * 512));
        section.Append($"""
            <section id="comments" class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">Comments ({view.Count})</h2>

            """);
        if (view.Count == 0 && view.Comments.Count == 0)
        {
            section.Append($"""
                <p class="invite">What is your opinion on this topic?</p>
                <p>Leave the first comment</p>

                """);
        }

        if (view.Comments.Count > 0)
        {
            section.Append($"<ol class=\"comment-list\">\n");
            foreach (var comment in view.Comments)
            {
                var posted = comment.Posted.UtcDateTime;
                section.Append($"""
                    <li><article id="comment-{comment.Id}" class="comment">
                    <header><b class="comment-author"><bdi>{comment.Author}</bdi></b> <time datetime="{posted.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}">{posted.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture)}</time></header>
                    {CommentBody(comment.Body)}
                    </article></li>

                    """);
            }

            section.Append($"</ol>\n");
        }

        var articlePath = "/articles/" + Uri.EscapeDataString(view.Slug);
        if (view.NextCursor is not null || !view.IsFirstPage)
        {
            section.Append($"<nav class=\"comment-pages\" aria-label=\"More comments\">");
            if (!view.IsFirstPage)
            {
                section.Append($"""<a href="{articlePath}#comments">First comments</a> """);
            }

            if (view.NextCursor is { } next)
            {
                section.Append($"""<a href="{articlePath}?comments={Uri.EscapeDataString(next)}#comments" rel="next">More comments</a>""");
            }

            section.Append($"</nav>\n");
        }

        section.Append($"""
            <form class="comment-form" method="post" action="/api/articles/{Uri.EscapeDataString(view.Slug)}/comments">
            <h3>Leave a comment</h3>
            <p><label for="comment-author">Name</label><br><input id="comment-author" name="author" type="text" required maxlength="{CommentValidator.MaxAuthorLength}" autocomplete="name"></p>
            <p><label for="comment-body">Comment</label><br><textarea id="comment-body" name="body" required maxlength="{CommentValidator.MaxBodyLength}" rows="6" cols="60"></textarea></p>
            <p hidden aria-hidden="true"><label for="comment-{HoneypotField}">Leave this empty</label><input id="comment-{HoneypotField}" name="{HoneypotField}" type="text" tabindex="-1" autocomplete="off"></p>
            <p><button type="submit">Post comment</button></p>
            </form>
            </section>
            """);
        return section.Build();
    }

    /// <summary>A comment's plain text as HTML: paragraphs at blank lines, line breaks kept, http(s) links made clickable, all else encoded.</summary>
    internal static TrustedHtml CommentBody(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var html = new HtmlBuilder(body.Length + 64);
        foreach (var paragraph in ParagraphBreak().Split(body.Trim()))
        {
            html.Append($"<p>");
            var lines = paragraph.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (i > 0)
                {
                    html.Append($"<br>\n");
                }

                AppendLinked(html, lines[i]);
            }

            html.Append($"</p>\n");
        }

        return new TrustedHtml(html.Build().TrimEnd('\n'));
    }

    private static void AppendLinked(HtmlBuilder html, string line)
    {
        var written = 0;
        foreach (Match match in WebAddress().Matches(line))
        {
            var text = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', '\'', ')', ']', '}');
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                continue;
            }

            html.Append($"{line[written..match.Index]}<a href=\"{url}\" rel=\"nofollow ugc noopener\">{text}</a>");
            written = match.Index + text.Length;
        }

        html.Append($"{line[written..]}");
    }

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"\bhttps?://[^\s<>""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WebAddress();

    internal static TrustedHtml CommentsSection(int commentCount)
    {
        var invitation = commentCount == 0
            ? new TrustedHtml("""

                <p class="invite">What is your opinion on this topic?</p>
                <p>Leave the first comment</p>
                """)
            : TrustedHtml.Empty;
        return TrustedHtml.Format($"""
            <section id="comments" class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">Comments ({commentCount})</h2>{invitation}
            </section>
            """);
    }
}
