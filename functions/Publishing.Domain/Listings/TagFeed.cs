using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Publishing.Articles;
using Publishing.Publishing;

namespace Publishing.Listings;

/// <summary>
/// A tag's newest articles as an Atom 1.0 feed, written by <see cref="System.ServiceModel.Syndication"/>. The parser keeps
/// characters XML cannot carry out of articles; every text is cleaned here again, since a feed that fails to write is a 500.
/// </summary>
public static class TagFeed
{
    public const string ContentType = "application/atom+xml; charset=utf-8";

    public static byte[] Write(Tag tag, IReadOnlyList<ListedArticle> articles, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(articles);
        ArgumentNullException.ThrowIfNull(options);
        var page = options.TagUrl(tag.Slug);
        var feed = new SyndicationFeed
        {
            Id = page.AbsoluteUri,
            Title = new TextSyndicationContent(XmlSafeText.Clean($"{tag.Name} – {options.SiteName}")),
            LastUpdatedTime = articles.Count == 0 ? DateTimeOffset.UnixEpoch : articles.Max(Updated),
            Language = options.Language,
            Items = [.. articles.Select(a => Entry(a, options))],
        };
        feed.Links.Add(new SyndicationLink(options.TagFeedUrl(tag.Slug), "self", null, "application/atom+xml", 0));
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
            LastUpdatedTime = Updated(article).ToUniversalTime(),
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

    private static DateTimeOffset Updated(ListedArticle article) =>
        article.Updated is { } updated && updated > article.Published ? updated : article.Published;
}
