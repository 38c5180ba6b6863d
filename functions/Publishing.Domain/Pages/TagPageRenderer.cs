using Publishing.Articles;
using Publishing.Listings;

namespace Publishing.Pages;

/// <summary>What the tag page shows: one page of the tag's articles, newest first, and where the neighbouring pages are.</summary>
/// <param name="Url">The canonical absolute URL of the tag page.</param>
/// <param name="OlderLink">Relative link to the next (older) page; null on the last page.</param>
/// <param name="NewerLink">Relative link to a newer page; null on the first page.</param>
public sealed record TagPageModel(Tag Tag, IReadOnlyList<ListedArticle> Articles, Uri Url, string? OlderLink, string? NewerLink, SiteInfo Site);

/// <summary>Renders a tag's listing page in the article page's template.</summary>
public static class TagPageRenderer
{
    public static string Render(TagPageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (tag, site) = (model.Tag, model.Site);
        var page = new HtmlBuilder(4096 + (model.Articles.Count * 512));
        page.Append(PageChrome.HeadStart(site.Language));
        page.Append($"""
            <title>{tag.Name} – {site.Name}</title>
            <meta name="description" content="Articles tagged {tag.Name}, newest first.">
            <link rel="canonical" href="{model.Url}">

            """);
        PageChrome.AppendFeedLinks(page, site, [tag]);
        page.Append(PageChrome.Style).Append($"""

            </head>
            {PageChrome.BodyStart(site, "Skip to the articles")}
            <h1>{tag.Name}</h1>
            <ol class="listing" reversed>

            """);
        foreach (var article in model.Articles)
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

            page.Append($"""
                </p>
                <p>{article.Summary}</p>
                </article></li>

                """);
        }

        page.Append($"</ol>\n");
        if (model.NewerLink is not null || model.OlderLink is not null)
        {
            page.Append($"""<nav class="pager" aria-label="Pages">{"\n"}""");
            page.Append(model.NewerLink is { } newer ? TrustedHtml.Format($"""<a href="{newer}" rel="prev">← Newer</a>""") : new TrustedHtml("<span></span>"));
            page.Append(model.OlderLink is { } older ? TrustedHtml.Format($"""<a href="{older}" rel="next">Older →</a>""") : TrustedHtml.Empty);
            page.Append($"\n</nav>\n");
        }

        page.Append($"""
            <p><a href="{PageChrome.FeedUrl(site, tag.Slug)}" type="application/atom+xml">Atom feed of {tag.Name}</a></p>
            </main>
            </body>
            </html>

            """);
        return page.ToString();
    }
}
