using System.Globalization;
using System.Text;
using System.Xml;

namespace Publishing.Listings;

/// <summary>One <c>&lt;url&gt;</c> of a sitemap: an absolute address and, for articles, when it last changed.</summary>
public sealed record SitemapEntry(Uri Location, DateTimeOffset? LastModified);

/// <summary>
/// How the site's URLs split into sitemap files of at most <see cref="PageSize"/> URLs: first the
/// <see cref="PageCount"/> fixed pages and tag pages (in that order), then the articles, newest first. One file
/// holds them all while they fit; past that, <c>/sitemap.xml</c> is an index over files 1..<see cref="FileCount"/>.
/// </summary>
public sealed record SitemapPlan(int PageCount, long ArticleCount, int PageSize)
{
    public long Total => PageCount + ArticleCount;

    public bool IsIndex => Total > PageSize;

    public int FileCount => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>What file <paramref name="number"/> (from 1) lists: a range of the pages, then a range of the articles (offset from the newest).</summary>
    public (Range Pages, long ArticleOffset, int ArticleCount) File(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, FileCount);
        var start = (long)(number - 1) * PageSize;
        var end = Math.Min(Total, start + PageSize);
        var pages = new Range((int)Math.Min(start, PageCount), (int)Math.Min(end, PageCount));
        var articleStart = Math.Max(start, PageCount) - PageCount;
        var articleEnd = Math.Max(end, PageCount) - PageCount;
        return (pages, articleStart, (int)(articleEnd - articleStart));
    }
}

/// <summary>
/// Writes the sitemaps.org formats: a <c>urlset</c> and a <c>sitemapindex</c>. Addresses are absolute URLs the app
/// builds from slugs (which are ASCII) and the configured base URL, so nothing XML cannot carry reaches them; the
/// writer checks characters anyway.
/// </summary>
public static class SitemapXml
{
    public const string ContentType = "application/xml; charset=utf-8";

    public const string Namespace = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public static byte[] UrlSet(IEnumerable<SitemapEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Write("urlset", entries.Select(e => ("url", e.Location, e.LastModified)));
    }

    public static byte[] Index(IEnumerable<Uri> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return Write("sitemapindex", files.Select(f => ("sitemap", f, (DateTimeOffset?)null)));
    }

    private static byte[] Write(string root, IEnumerable<(string Element, Uri Location, DateTimeOffset? LastModified)> items)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), CheckCharacters = true }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement(root, Namespace);
            foreach (var (element, location, lastModified) in items)
            {
                xml.WriteStartElement(element, Namespace);
                xml.WriteElementString("loc", Namespace, location.AbsoluteUri);
                if (lastModified is { } time)
                {
                    xml.WriteElementString("lastmod", Namespace, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }
}
