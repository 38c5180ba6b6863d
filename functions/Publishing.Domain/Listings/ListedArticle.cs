using System.Text.Json;
using Azure.Data.Tables;
using Publishing.Articles;
using Publishing.Storage;

namespace Publishing.Listings;

/// <summary>What a listing shows of one article.</summary>
public sealed record ListedArticle
{
    public required string Slug { get; init; }

    public required string Title { get; init; }

    public required string Summary { get; init; }

    public string? Author { get; init; }

    public string? Source { get; init; }

    public required DateTimeOffset Published { get; init; }

    public DateTimeOffset? Updated { get; init; }

    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>When the article last changed: its update time when later than its publication, else its publication.</summary>
    public DateTimeOffset LastModified => Updated is { } updated && updated > Published ? updated : Published;

    /// <summary>What the listings show of <paramref name="article"/>, published at <paramref name="published"/>, with its page's description.</summary>
    public static ListedArticle For(Article article, DateTimeOffset published, string summary)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new ListedArticle
        {
            Slug = article.Slug,
            Title = article.Title,
            Summary = summary,
            Author = article.Author,
            Source = article.Source,
            Published = published,
            Updated = article.Updated,
            Tags = article.Tags,
        };
    }
}

/// <summary>The columns a <see cref="ListedArticle"/> takes in a table entity (tag index entries and article records alike).</summary>
internal static class ListedArticleFields
{
    public static TableEntity ToEntity(string partitionKey, string rowKey, ListedArticle article) => new(partitionKey, rowKey)
    {
        ["Slug"] = article.Slug,
        ["Title"] = article.Title,
        ["Summary"] = article.Summary,
        ["Author"] = article.Author,
        ["Source"] = article.Source,
        ["Published"] = article.Published,
        ["Updated"] = article.Updated,
        ["Tags"] = JsonSerializer.Serialize(article.Tags, StorageJson.Default.IReadOnlyListTag),
    };

    public static ListedArticle FromEntity(TableEntity entity) => new()
    {
        Slug = entity.GetString("Slug") ?? entity.PartitionKey,
        Title = entity.GetString("Title") ?? "",
        Summary = entity.GetString("Summary") ?? "",
        Author = entity.GetString("Author"),
        Source = entity.GetString("Source"),
        Published = entity.GetDateTimeOffset("Published") ?? default,
        Updated = entity.GetDateTimeOffset("Updated"),
        Tags = entity.GetString("Tags") is { Length: > 0 } tags
            ? JsonSerializer.Deserialize(tags, StorageJson.Default.IReadOnlyListTag) ?? []
            : [],
    };
}
