using Publishing.Articles;

namespace Publishing.Pages;

/// <summary>What the publisher renders an article with besides the article itself.</summary>
/// <param name="Published">The effective publication time (the file's date, else when it was first published).</param>
/// <param name="Site">Site-wide settings: name, default language, base URL.</param>
public sealed record ArticlePageModel(Article Article, DateTimeOffset Published, SiteInfo Site);

/// <param name="BaseUrl">Public base URL, e.g. <c>http://localhost:7071/</c>; absolute links are built from it.</param>
/// <param name="AllowHttpImages">Whether an article's images may load over http (<c>Publishing__AllowHttpImages</c>); https only by default.</param>
public sealed record SiteInfo(string Name, string Language, Uri BaseUrl, bool AllowHttpImages = false)
{
    /// <summary>The canonical absolute URL of an article's page.</summary>
    public Uri ArticleUrl(string slug) => new(BaseUrl, $"articles/{slug}");
}

/// <summary>A rendered page (as served with no comments yet) and the content it was rendered from.</summary>
public sealed record RenderedPage(string Html, ArticleContent Content)
{
    /// <summary>The plain-text description the page and the listings show.</summary>
    public string Description => Content.Description;
}

/// <summary>
/// What is stored of a published article (<c>site/articles/{slug}.json</c>): everything its page shows except the
/// site's settings and the comments, so that the page is rendered around it when it is read, with the template and
/// settings of the day. <see cref="BodyHtml"/> is the safe Markdown renderer's output (or the encoded plain text);
/// every other field is raw text, encoded by the template. Made by <see cref="ArticlePageRenderer.TryRenderContent"/>
/// and read back from storage; nothing else writes it.
/// </summary>
public sealed record ArticleContent
{
    /// <summary>
    /// The version of this format and of the body's rendering. New optional fields keep it (an older reader ignores
    /// them); a change that older content cannot be read as, or a body renderer change that should reach stored
    /// articles, raises it, and content of an older format is rendered again from its source when read.
    /// </summary>
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public required string Slug { get; init; }

    public required string Title { get; init; }

    /// <summary>The plain-text description (<see cref="ArticleDescription"/>), as the listings show it too.</summary>
    public required string Description { get; init; }

    /// <summary>The effective publication time.</summary>
    public required DateTimeOffset Published { get; init; }

    public DateTimeOffset? Updated { get; init; }

    public string? Author { get; init; }

    public string? Source { get; init; }

    /// <summary>The image as the file names it; resolved against the page's URL (and so the base URL) when rendered.</summary>
    public string? Image { get; init; }

    /// <summary>The article's own language; the site's default applies when it has none.</summary>
    public string? Language { get; init; }

    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>The rendered body, safe as it is: the article Markdown pipeline's HTML, or the plain text's encoded blocks.</summary>
    public required string BodyHtml { get; init; }
}
