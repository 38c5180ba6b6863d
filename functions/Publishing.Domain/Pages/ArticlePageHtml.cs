namespace Publishing.Pages;

/// <summary>
/// The comments section of an article page, and the markers around it in a rendered page, so a stored
/// page can be served with fresh comments without rendering its Markdown again.
/// </summary>
public static class ArticlePageHtml
{
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

        // The markers come after all article text, which is encoded or sanitised and so cannot contain them.
        var start = pageHtml.LastIndexOf(CommentsStartMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : pageHtml.IndexOf(CommentsEndMarker, start, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException("the page has no comments section between the comment markers");
        }

        var sectionStart = start + CommentsStartMarker.Length;
        return string.Concat(pageHtml.AsSpan(0, sectionStart), "\n" + sectionHtml + "\n", pageHtml.AsSpan(end));
    }

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
