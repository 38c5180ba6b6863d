namespace Publishing.Functions.Comments;

/// <summary>
/// The keys of the <see cref="Http.ResponseCache"/> entries that show an article's comments; they belong to the
/// article's <see cref="Http.CacheScope"/>, which a comment stored or moderated on this instance drops.
/// </summary>
public static class CommentCacheKeys
{
    /// <summary>The article page; <paramref name="afterKey"/> is the comment page it shows (null: the first).</summary>
    public static string ArticlePage(string slug, string? afterKey = null) => $"article\n{slug}\n{afterKey}";

    public static string ArticleJson(string slug) => "article-json\n" + slug;
}
