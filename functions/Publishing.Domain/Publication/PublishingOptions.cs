using System.ComponentModel.DataAnnotations;
using Publishing.Pages;
using Publishing.Storage;

namespace Publishing.Publication;

/// <summary>Settings for turning dropped files into pages, bound from the <c>Publishing</c> section.</summary>
public sealed class PublishingOptions
{
    public const string SectionName = "Publishing";

    /// <summary>Site name shown in page headers and titles.</summary>
    [Required]
    public string SiteName { get; set; } = "Publishing";

    /// <summary>Language of pages whose file names none (BCP 47).</summary>
    [Required]
    public string Language { get; set; } = "en";

    /// <summary>Base of every absolute URL the app writes (canonical links, feeds, API <c>url</c>s).</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:7071/");

    /// <summary>Files larger than this are rejected without being read.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxArticleBytes { get; set; } = 1024 * 1024;

    [Required]
    [RegularExpression(StorageNames.ContainerOrQueue)]
    public string SiteContainer { get; set; } = "site";

    /// <summary>Holds one lease blob per article file so that two deliveries never process it at once.</summary>
    [Required]
    [RegularExpression(StorageNames.ContainerOrQueue)]
    public string LockContainer { get; set; } = "publishing-locks";

    [Required]
    [RegularExpression(StorageNames.Table)]
    public string ArticleTable { get; set; } = "articles";

    [Required]
    [RegularExpression(StorageNames.Table)]
    public string TagIndexTable { get; set; } = "tagindex";

    /// <summary>Every tag with its display name and article count, for <c>/api/tags</c>.</summary>
    [Required]
    [RegularExpression(StorageNames.Table)]
    public string TagTable { get; set; } = "tags";

    [Required]
    [RegularExpression(StorageNames.Table)]
    public string SubmissionTable { get; set; } = "submissions";

    /// <summary>Readers' comments, one partition per article.</summary>
    [Required]
    [RegularExpression(StorageNames.Table)]
    public string CommentTable { get; set; } = "comments";

    /// <summary>How long one delivery waits for another delivery of the same file to finish before giving up (and being retried).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LockWaitTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a server answers reads (pages, listings, feeds) from its own memory before asking storage again.
    /// A publish drops the copies of the instance it runs on at once; on other instances this is how stale an
    /// answer can be. Short, because a miss a second per answer costs little (docs/performance.md). Readers' caches
    /// may hold answers longer (Cache-Control); 0 turns the server's cache off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ResponseCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether articles may show images over plain http. Off: pages are served with <c>img-src https:</c>, and a file
    /// whose <c>image</c> or Markdown images are <c>http:</c> addresses is rejected with the reason, rather than
    /// published with images that would not load (or would load in the clear).
    /// </summary>
    public bool AllowHttpImages { get; set; }

    /// <summary>
    /// URLs per sitemap file (the sitemaps.org limit is 50,000). Past it, <c>/sitemap.xml</c> is a sitemap index over
    /// <c>/sitemaps/{n}.xml</c>; a small value makes that split visible on a small site (tests).
    /// </summary>
    [Range(1, 50_000)]
    public int SitemapPageSize { get; set; } = 50_000;

    public Uri ArticleUrl(string slug) => new(PublicBaseUrl, $"articles/{slug}");

    /// <summary>The settings pages are rendered with.</summary>
    public SiteInfo Site() => new(SiteName, Language, PublicBaseUrl, AllowHttpImages);

    public Uri TagUrl(string tag) => new(PublicBaseUrl, $"tags/{tag}");

    public Uri TagFeedUrl(string tag) => new(PublicBaseUrl, $"tags/{tag}/feed");

    public Uri FrontPageUrl => PublicBaseUrl;

    public Uri SiteFeedUrl => new(PublicBaseUrl, "feed");

    public Uri TagIndexUrl => new(PublicBaseUrl, "tags");

    public Uri SitemapUrl => new(PublicBaseUrl, "sitemap.xml");

    /// <summary>File <paramref name="number"/> (from 1) of a sitemap split past <see cref="SitemapPageSize"/> URLs.</summary>
    public Uri SitemapFileUrl(int number) => new(PublicBaseUrl, $"sitemaps/{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}.xml");
}
