using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Publishing.Articles;
using Publishing.Storage;

namespace Publishing.Listings;

/// <summary>
/// The <c>tagindex</c> table: one partition per tag (plus <see cref="AllArticles"/>), one row per article keyed
/// newest first, so a page of any listing is one range query whatever the partition's size.
/// </summary>
public sealed class TagIndex(StorageLayout storage)
{
    /// <summary>The partition listing every article; tag slugs never start with '_', so it cannot clash with one.</summary>
    public const string AllArticles = "_all";

    /// <summary>Row key ordering newer articles first; the slug makes it unique.</summary>
    public static string KeyFor(DateTimeOffset published, string slug) =>
        (DateTimeOffset.MaxValue.UtcTicks - published.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + slug;

    /// <summary>Adds or refreshes the article in <see cref="AllArticles"/> and each of its tags' partitions.</summary>
    public async Task PutAsync(ListedArticle article, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        await storage.EnsureCreatedAsync(cancellationToken);
        var writes = article.Tags
            .Select(t => (Partition: t.Slug, TagName: (string?)t.Name))
            .Prepend((AllArticles, null))
            .Select(p =>
            {
                var entity = ListedArticleFields.ToEntity(p.Partition, key, article);
                entity["TagName"] = p.TagName;
                return storage.TagIndex.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            });
        await Task.WhenAll(writes);
    }

    /// <summary>Removes the entries with <paramref name="key"/> from the given partitions; absent ones are fine.</summary>
    public async Task RemoveAsync(string key, IEnumerable<string> partitions, CancellationToken cancellationToken)
    {
        await Task.WhenAll(partitions.Distinct().Select(async partition =>
        {
            try
            {
                await storage.TagIndex.DeleteEntityAsync(partition, key, ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsNotFound())
            {
            }
        }));
    }

    /// <summary>The newest <paramref name="limit"/> articles of a partition whose key comes after <paramref name="afterKey"/>.</summary>
    public async Task<IReadOnlyList<(string Key, ListedArticle Article)>> ListAsync(
        string partition, int limit, string? afterKey, CancellationToken cancellationToken)
    {
        var filter = afterKey is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {afterKey}");
        var items = new List<(string, ListedArticle)>(limit);
        try
        {
            await foreach (var page in storage.TagIndex.QueryAsync<TableEntity>(filter, limit, cancellationToken: cancellationToken).AsPages())
            {
                items.AddRange(page.Values.Take(limit - items.Count).Select(e => (e.RowKey, ListedArticleFields.FromEntity(e))));
                if (items.Count >= limit)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            // no table yet: an empty listing
        }

        return items;
    }
}
