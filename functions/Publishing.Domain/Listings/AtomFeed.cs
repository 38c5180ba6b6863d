using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Publishing.Articles;
using Publishing.Publication;

namespace Publishing.Listings;

/// <summary>
/// A tag's (or the whole site's) newest articles as an Atom 1.0 feed, written by <see cref="System.ServiceModel.Syndication"/>. The parser keeps
/// characters XML cannot carry out of articles; every text is cleaned here again, since a feed that fails to write is a 500.
/// </summary>
public static class AtomFeed
{
    public const string ContentType = "application/atom+xml; charset=utf-8";

    public static byte[] Write(Tag tag, IReadOnlyList<ListedArticle> articles, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(options);
        return Write($"{tag.Name} – {options.SiteName}", options.TagUrl(tag.Slug), options.TagFeedUrl(tag.Slug), articles, options);
    }

    /// <summary>The whole site's newest articles: the feed of the front page.</summary>
    public static byte[] WriteSite(IReadOnlyList<ListedArticle> articles, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Write(options.SiteName, options.FrontPageUrl, options.SiteFeedUrl, articles, options);
    }

    private static byte[] Write(string title, Uri page, Uri self, IReadOnlyList<ListedArticle> articles, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(articles);
        var feed = new SyndicationFeed
        {
            Id = page.AbsoluteUri,
            Title = new TextSyndicationContent(XmlSafeText.Clean(title)),
            LastUpdatedTime = articles.Count == 0 ? DateTimeOffset.UnixEpoch : articles.Max(a => a.LastModified),
            Language = options.Language,
            Items = [.. articles.Select(a => Entry(a, options))],
        };
        feed.Links.Add(new SyndicationLink(self, "self", null, "application/atom+xml", 0));
        feed.Links.Add(new SyndicationLink(page, "alternate", null, "text/html", 0));

        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Async = false }))
        {
            new Atom10FeedFormatter(feed).WriteTo(xml);
        }

        return buffer.ToArray();
    }

    private static SyndicationItem Entry(ListedArticle article, PublishingOptions options)
    {
        var url = options.ArticleUrl(article.Slug);
        var item = new SyndicationItem
        {
            Id = url.AbsoluteUri,
            Title = new TextSyndicationContent(XmlSafeText.Clean(article.Title)),
            Summary = new TextSyndicationContent(XmlSafeText.Clean(article.Summary)),
            PublishDate = article.Published.ToUniversalTime(),
            LastUpdatedTime = article.LastModified.ToUniversalTime(),
        };
        item.Links.Add(SyndicationLink.CreateAlternateLink(url, "text/html"));
        if (article.Author is { } author)
        {
            item.Authors.Add(new SyndicationPerson { Name = XmlSafeText.Clean(author) });
        }

        foreach (var tag in article.Tags)
        {
            item.Categories.Add(new SyndicationCategory(tag.Slug) { Label = XmlSafeText.Clean(tag.Name) });
        }

        return item;
    }
}
