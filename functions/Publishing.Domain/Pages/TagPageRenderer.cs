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

            """);
        ListingHtml.AppendArticles(page, model.Articles);
        ListingHtml.AppendPager(page, model.NewerLink, model.OlderLink);
        page.Append($"""
            <p><a href="{PageChrome.FeedUrl(site, tag.Slug)}" type="application/atom+xml">Atom feed of {tag.Name}</a></p>
            </main>
            </body>
            </html>

            """);
        return page.Build();
    }
}
