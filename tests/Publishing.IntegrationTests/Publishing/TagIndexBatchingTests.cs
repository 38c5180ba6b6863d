using Publishing.Articles;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Listings;

namespace Publishing.IntegrationTests.Publishing;

/// <summary>
/// Writes to one partition from concurrent publishes go together in entity group transactions with the count row:
/// fewer transactions than writes, every article listed and counted once, and a failed transaction fails only the
/// writes in it, whose retries count once.
/// </summary>
public sealed class TagIndexBatchingTests : IAsyncLifetime
{
    private readonly FaultInjectionPolicy _storage = new();
    private readonly PublishingHarness _app;

    public TagIndexBatchingTests() => _app = new PublishingHarness(settings => settings["StorageClient:Retry:MaxRetries"] = "0", _storage);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _app.Storage.EnsureCreatedAsync(Cancellation);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static ListedArticle Article(int i, string tag) => new()
    {
        Slug = $"story-{i:D3}",
        Title = $"Story {i}",
        Summary = "",
        Published = DateTimeOffset.UnixEpoch.AddMinutes(i),
        Tags = [new Tag(Slug.From(tag), tag)],
    };

    private static string KeyOf(ListedArticle article) => TagIndex.KeyFor(article.Published, article.Slug);

    private bool IsIndexTransaction(StorageRequest request) => request.IsTransaction && request.Table == _app.Storage.TagIndex.Name;

    private async Task<int> DirectoryCountAsync(string tag) =>
        (await _app.Get<TagDirectory>().ListAsync(Cancellation)).SingleOrDefault(t => t.Slug == tag)?.Count ?? 0;

    [Fact]
    public async Task Concurrent_writes_to_a_hot_tag_share_transactions_and_are_all_listed_and_counted_exactly()
    {
        const int articles = 60;
        var transactions = _storage.FailFrom(int.MaxValue, IsIndexTransaction); // counts, never fails

        await Task.WhenAll(Enumerable.Range(0, articles).Select(i => Article(i, "Hot")).Select(a => _app.TagIndex.PutAsync(a, KeyOf(a), Cancellation)));

        // One transaction per write would be 120 (the tag and _all for each article).
        Assert.InRange(transactions.Matched, 2, 2 * articles / 4);
        Assert.Equal(articles, (await _app.ListingAsync("hot")).Count);
        Assert.Equal(articles, (await _app.ListingAsync(TagIndex.AllArticles)).Count);
        Assert.Equal(articles, (await _app.TagIndex.GetTagAsync("hot", Cancellation))?.Count);
        Assert.Equal(articles, await DirectoryCountAsync("hot"));
    }

    [Theory]
    [InlineData(StorageFault.ServiceUnavailable)]
    [InlineData(StorageFault.ResponseLost)]
    public async Task A_failed_transaction_fails_only_the_writes_in_it_and_their_retries_count_once(StorageFault fault)
    {
        const int articles = 40;
        var all = Enumerable.Range(0, articles).Select(i => Article(i, "Busy")).ToList();
        var rule = _storage.FailNth(1, r => IsIndexTransaction(r) && r.PartitionKey == "busy", fault);

        var attempts = all.Select(a => (Article: a, Write: _app.TagIndex.PutAsync(a, KeyOf(a), Cancellation))).ToList();
        var failed = new List<ListedArticle>();
        foreach (var (article, write) in attempts)
        {
            try
            {
                await write;
            }
            catch (Azure.RequestFailedException)
            {
                failed.Add(article);
            }
        }

        Assert.True(rule.Injected);
        Assert.NotEmpty(failed);
        Assert.InRange(failed.Count, 1, 99); // the first batch only: writes queued behind it were committed

        // As the failed publishes' redeliveries would: the same writes again.
        await Task.WhenAll(failed.Select(a => _app.TagIndex.PutAsync(a, KeyOf(a), Cancellation)));

        Assert.Equal(articles, (await _app.ListingAsync("busy")).Count);
        Assert.Equal(articles, (await _app.TagIndex.GetTagAsync("busy", Cancellation))?.Count);
        Assert.Equal(articles, await DirectoryCountAsync("busy"));
    }

    [Fact]
    public async Task Two_instances_writing_one_partition_keep_its_count_exact()
    {
        var storage = _app.Storage;
        await using var other = new PublishingHarness(settings =>
        {
            settings["Publishing:TagIndexTable"] = storage.TagIndex.Name;
            settings["Publishing:TagTable"] = storage.Tags.Name;
        });

        // Each instance keeps the count row's ETag from its last transaction; the other's writes make it stale.
        for (var i = 0; i < 6; i++)
        {
            var article = Article(i, "Shared");
            await (i % 2 == 0 ? _app.TagIndex : other.TagIndex).PutAsync(article, KeyOf(article), Cancellation);
        }

        var removed = Article(0, "Shared");
        await other.TagIndex.RemoveAsync(KeyOf(removed), ["shared", TagIndex.AllArticles], Cancellation);
        await _app.TagIndex.RemoveAsync(KeyOf(removed), ["shared", TagIndex.AllArticles], Cancellation);

        Assert.Equal(5, (await _app.TagIndex.GetTagAsync("shared", Cancellation))?.Count);
        Assert.Equal(5, (await _app.ListingAsync("shared")).Count);
        Assert.Equal(5, await DirectoryCountAsync("shared"));
    }
}
