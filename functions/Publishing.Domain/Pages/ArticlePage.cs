using Publishing.Articles;

namespace Publishing.Pages;

/// <summary>What the article page template needs besides the article itself.</summary>
/// <param name="Published">The effective publication time (the file's date, else when it was first published).</param>
/// <param name="Url">The canonical absolute URL of the page.</param>
/// <param name="Site">Site-wide settings: name, default language, base URL.</param>
public sealed record ArticlePageModel(Article Article, DateTimeOffset Published, Uri Url, SiteInfo Site);

/// <param name="BaseUrl">Public base URL, e.g. <c>http://localhost:7071/</c>; absolute links are built from it.</param>
/// <param name="AllowHttpImages">Whether an article's images may load over http (<c>Publishing__AllowHttpImages</c>); https only by default.</param>
public sealed record SiteInfo(string Name, string Language, Uri BaseUrl, bool AllowHttpImages = false);

/// <summary>A rendered page and the plain-text description the listings reuse.</summary>
public sealed record RenderedPage(string Html, string Description);
