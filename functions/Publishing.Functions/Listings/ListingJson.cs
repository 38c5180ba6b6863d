using System.Text.Json;
using System.Text.Json.Serialization;
using Publishing.Listings;
using Publishing.Publication;

namespace Publishing.Functions.Listings;

public sealed record TagJson(string Slug, string Name);

/// <summary>An article in a JSON listing. Times are UTC <see cref="DateTime"/>s so they serialise with a <c>Z</c>.</summary>
public sealed record ArticleSummaryJson(
    string Title,
    string Slug,
    Uri Url,
    string Summary,
    IReadOnlyList<TagJson> Tags,
    string? Source,
    string? Author,
    DateTime Published,
    DateTime? Updated)
{
    public static ArticleSummaryJson From(ListedArticle article, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(options);
        return new ArticleSummaryJson(
            article.Title,
            article.Slug,
            options.ArticleUrl(article.Slug),
            article.Summary,
            [.. article.Tags.Select(t => new TagJson(t.Slug, t.Name))],
            article.Source,
            article.Author,
            article.Published.UtcDateTime,
            article.Updated?.UtcDateTime);
    }
}

/// <summary><c>GET /api/articles/{slug}</c>. <c>commentCount</c> is the comment store's count.</summary>
public sealed record ArticleJson(
    string Title,
    string Slug,
    Uri Url,
    string Summary,
    IReadOnlyList<TagJson> Tags,
    string? Source,
    string? Author,
    DateTime Published,
    DateTime? Updated,
    int CommentCount);

public sealed record TagCountJson(string Slug, string Name, int ArticleCount, Uri Url, Uri Feed);

public sealed record ArticleListJson(IReadOnlyList<ArticleSummaryJson> Items, string? Next);

public sealed record TagListJson(IReadOnlyList<TagCountJson> Items, string? Next);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ArticleListJson))]
[JsonSerializable(typeof(ArticleJson))]
[JsonSerializable(typeof(TagListJson))]
internal sealed partial class ListingJsonContext : JsonSerializerContext;
