using Publishing.Listings;

namespace Publishing.Pages;

/// <summary>Renders the tag index (<c>/tags</c>): every tag with its article count, linking its page and its feed.</summary>
public static class TagIndexRenderer
{
    public static string Render(IReadOnlyList<TagSummary> tags, SiteInfo site)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(site);
        var page = new HtmlBuilder(2048 + (tags.Count * 256));
        page.Append(PageChrome.HeadStart(site.Language));
        page.Append($"""
            <title>Tags – {site.Name}</title>
            <meta name="description" content="Every tag of {site.Name} with its number of articles.">
            <link rel="canonical" href="{new Uri(site.BaseUrl, "tags")}">

            """);
        PageChrome.AppendFeedLinks(page, site, []);
        page.Append(PageChrome.Style).Append($"""

            </head>
            {PageChrome.BodyStart(site, "Skip to the tags")}
            <h1>Tags</h1>

            """);
        if (tags.Count == 0)
        {
            page.Append($"<p>No article has a tag yet.</p>\n");
        }

        page.Append($"""<ul class="listing">{"\n"}""");
        foreach (var tag in tags.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Slug, StringComparer.Ordinal))
        {
            page.Append($"""
                <li><a href="/tags/{Uri.EscapeDataString(tag.Slug)}" rel="tag">{tag.Name}</a> <span class="count">({tag.Count} {(tag.Count == 1 ? "article" : "articles")})</span> · <a href="{PageChrome.FeedUrl(site, tag.Slug)}" type="application/atom+xml">feed</a></li>

                """);
        }

        page.Append($"""
            </ul>
            <p><a href="/">Newest articles</a> · <a href="{PageChrome.SiteFeedUrl(site)}" type="application/atom+xml">Atom feed of {site.Name}</a></p>
            </main>
            </body>
            </html>

            """);
        return page.Build();
    }
}
