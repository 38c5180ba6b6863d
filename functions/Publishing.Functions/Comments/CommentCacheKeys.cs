namespace Publishing.Functions.Comments;

/// <summary>The <see cref="Http.ResponseCache"/> entries that show an article's comments, dropped when this instance stores one.</summary>
public static class CommentCacheKeys
{
    /// <summary>The article page; <paramref name="afterKey"/> is the comment page it shows (null: the first).</summary>
    public static string ArticlePage(string slug, string? afterKey = null) => $"article\n{slug}\n{afterKey}";

    public static string ArticleJson(string slug) => "article-json\n" + slug;
}
