using Publishing.Listings;

namespace Publishing.Pages;

/// <summary>What the front page shows: one page of the site's articles, newest first, and where the neighbouring pages are.</summary>
/// <param name="OlderLink">Relative link to the next (older) page; null on the last page.</param>
/// <param name="NewerLink">Relative link to a newer page; null on the first page.</param>
public sealed record FrontPageModel(IReadOnlyList<ListedArticle> Articles, string? OlderLink, string? NewerLink, SiteInfo Site);

/// <summary>Renders the front page (<c>/</c>) in the article page's template: the newest articles, the pager, the site feed and the tag index.</summary>
public static class FrontPageRenderer
{
    public static string Render(FrontPageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var site = model.Site;
        var page = new HtmlBuilder(4096 + (model.Articles.Count * 768));
        page.Append(PageChrome.HeadStart(site.Language));
        page.Append($"""
            <title>{site.Name}</title>
            <meta name="description" content="The newest articles of {site.Name}.">
            <link rel="canonical" href="{site.BaseUrl}">

            """);
        PageChrome.AppendFeedLinks(page, site, []);
        page.Append(PageChrome.Style).Append($"""

            </head>
            {PageChrome.BodyStart(site, "Skip to the articles")}
            <h1>{site.Name}</h1>

            """);
        if (model.Articles.Count == 0)
        {
            page.Append($"<p>Nothing is published yet.</p>\n");
        }

        ListingHtml.AppendArticles(page, model.Articles);
        ListingHtml.AppendPager(page, model.NewerLink, model.OlderLink);
        page.Append($"""
            <p><a href="/tags">All tags</a> · <a href="{PageChrome.SiteFeedUrl(site)}" type="application/atom+xml">Atom feed of {site.Name}</a></p>
            </main>
            </body>
            </html>

            """);
        return page.Build();
    }
}
