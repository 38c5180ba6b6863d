using Publishing.Listings;

namespace Publishing.Pages;

/// <summary>The parts the listing pages (front page, tag pages) share: a list of articles and the older/newer pager.</summary>
internal static class ListingHtml
{
    /// <summary>The articles, newest first: title linking the page, date, author and source, summary, tags linking their pages.</summary>
    public static void AppendArticles(HtmlBuilder page, IReadOnlyList<ListedArticle> articles)
    {
        page.Append($"""<ol class="listing" reversed>{"\n"}""");
        foreach (var article in articles)
        {
            page.Append($"""
                <li><article>
                <h2><a href="/articles/{Uri.EscapeDataString(article.Slug)}">{article.Title}</a></h2>
                <p class="byline"><time datetime="{PageChrome.Iso(article.Published)}">{PageChrome.HumanDate(article.Published)}</time>
                """);
            if (article.Author is { } author)
            {
                page.Append($""" · <span class="author">{author}</span>""");
            }

            if (article.Source is { } source)
            {
                page.Append($""" · <span class="source">{source}</span>""");
            }

            page.Append($"""
                </p>
                <p>{article.Summary}</p>

                """);
            if (article.Tags.Count > 0)
            {
                page.Append($"""<nav class="tags" aria-label="Tags of {article.Title}"><ul>{"\n"}""");
                foreach (var tag in article.Tags)
                {
                    page.Append($"""<li><a href="/tags/{Uri.EscapeDataString(tag.Slug)}" rel="tag">{tag.Name}</a></li>{"\n"}""");
                }

                page.Append($"</ul></nav>\n");
            }

            page.Append($"</article></li>\n");
        }

        page.Append($"</ol>\n");
    }

    /// <summary>Links to the newer and older pages, where there are any.</summary>
    public static void AppendPager(HtmlBuilder page, string? newerLink, string? olderLink)
    {
        if (newerLink is null && olderLink is null)
        {
            return;
        }

        page.Append($"""<nav class="pager" aria-label="Pages">{"\n"}""");
        page.Append(newerLink is { } newer ? TrustedHtml.Format($"""<a href="{newer}" rel="prev">← Newer</a>""") : new TrustedHtml("<span></span>"));
        page.Append(olderLink is { } older ? TrustedHtml.Format($"""<a href="{older}" rel="next">Older →</a>""") : TrustedHtml.Empty);
        page.Append($"\n</nav>\n");
    }
}
