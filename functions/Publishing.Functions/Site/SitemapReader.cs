using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Listings;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Functions.Site;

/// <summary>
/// The sitemap's files (<see cref="SitemapPlan"/>) read from the listings: the tag directory for the tag pages, the
/// <c>_all</c> listing's count for the size and its rows for the articles.
/// </summary>
/// <remarks>
/// A table is read forwards from a key, so a file that starts deep in the article list needs the key of the article
/// before it. Each file read remembers where the next one starts, so a crawler taking the files in order (as it
/// finds them in the index) pays for what each file lists and no more. A file asked for out of order walks from the
/// nearest start known (reading the rows in between). A publish here forgets the starts (it moves every later
/// article one place); starts older than <see cref="StartLifetime"/> are not trusted either, for publishes on other
/// instances. A start that is a little out of date moves a few articles between neighbouring files for one crawl.
/// </remarks>
public sealed class SitemapReader(
    [FromKeyedServices(StorageLayout.Reads)] TagIndex index,
    [FromKeyedServices(StorageLayout.Reads)] TagDirectory tags,
    IOptions<PublishingOptions> options,
    TimeProvider time) : IPublishedChangeObserver
{
    public static readonly TimeSpan StartLifetime = TimeSpan.FromMinutes(10);

    // Article offset -> key of the article before it, and when that was learnt.
    private readonly ConcurrentDictionary<long, (string Key, DateTimeOffset Learnt)> _starts = new();

    /// <summary><c>/sitemap.xml</c>: every URL while they fit one file, else the index of the files.</summary>
    public async Task<byte[]> ReadRootAsync(CancellationToken cancellationToken)
    {
        var (plan, pages) = await PlanAsync(cancellationToken);
        return plan.IsIndex
            ? SitemapXml.Index(Enumerable.Range(1, plan.FileCount).Select(options.Value.SitemapFileUrl))
            : await ReadFileAsync(plan, pages, 1, cancellationToken);
    }

    /// <summary><c>/sitemaps/{number}.xml</c>; null when the sitemap is not split or has no such file.</summary>
    public async Task<byte[]?> ReadNumberedAsync(int number, CancellationToken cancellationToken)
    {
        var (plan, pages) = await PlanAsync(cancellationToken);
        return plan.IsIndex && number >= 1 && number <= plan.FileCount
            ? await ReadFileAsync(plan, pages, number, cancellationToken)
            : null;
    }

    public void OnChanged(PublishedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Listings.Contains(TagIndex.AllArticles))
        {
            _starts.Clear();
        }
    }

    private async Task<(SitemapPlan Plan, IReadOnlyList<SitemapEntry> Pages)> PlanAsync(CancellationToken cancellationToken)
    {
        var site = options.Value;
        var tagList = tags.ListAsync(cancellationToken);
        var all = index.GetTagAsync(TagIndex.AllArticles, cancellationToken);
        IReadOnlyList<SitemapEntry> pages =
        [
            new(site.FrontPageUrl, null),
            new(site.TagIndexUrl, null),
            .. (await tagList).OrderBy(t => t.Slug, StringComparer.Ordinal).Select(t => new SitemapEntry(site.TagUrl(t.Slug), null)),
        ];
        var articles = Math.Max(0, (await all)?.Count ?? 0);
        return (new SitemapPlan(pages.Count, articles, site.SitemapPageSize), pages);
    }

    private async Task<byte[]> ReadFileAsync(SitemapPlan plan, IReadOnlyList<SitemapEntry> pages, int number, CancellationToken cancellationToken)
    {
        var (pageRange, offset, count) = plan.File(number);
        var entries = new List<SitemapEntry>(pages.Take(pageRange));
        if (count > 0)
        {
            var after = await StartKeyAsync(offset, cancellationToken);
            var rows = await index.ListAsync(TagIndex.AllArticles, count, after, cancellationToken);
            var site = options.Value;
            entries.AddRange(rows.Select(r => new SitemapEntry(site.ArticleUrl(r.Article.Slug), r.Article.LastModified)));
            if (rows.Count > 0)
            {
                Remember(offset + rows.Count, rows[^1].Key);
            }
        }

        return SitemapXml.UrlSet(entries);
    }

    /// <summary>The key to read the articles from <paramref name="offset"/> on after (null: from the newest).</summary>
    private async Task<string?> StartKeyAsync(long offset, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        (long Offset, string? Key) known = (0, null);
        foreach (var (start, (key, learnt)) in _starts)
        {
            if (start <= offset && start > known.Offset && now - learnt < StartLifetime)
            {
                known = (start, key);
            }
        }

        if (known.Offset == offset)
        {
            return known.Key;
        }

        // Walk from the nearest known start; the rows in between are read only for their keys.
        var walked = await index.ListAsync(TagIndex.AllArticles, checked((int)(offset - known.Offset)), known.Key, cancellationToken);
        if (walked.Count == 0)
        {
            return known.Key;
        }

        Remember(known.Offset + walked.Count, walked[^1].Key);
        return walked[^1].Key;
    }

    private void Remember(long offset, string key) => _starts[offset] = (key, time.GetUtcNow());
}
