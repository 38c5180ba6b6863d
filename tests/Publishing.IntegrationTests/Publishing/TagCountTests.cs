using Publishing.IntegrationTests.Infrastructure;
using Publishing.Listings;

namespace Publishing.IntegrationTests.Publishing;

/// <summary>The article counts of <c>/api/tags</c>, kept by publishing: exact after updates, drafts, retries and races.</summary>
public sealed class TagCountTests : IAsyncLifetime
{
    private readonly PublishingHarness _app = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static string Markdown(string title, string tags, string extra = "") =>
        $"---\ntitle: {title}\ntags: [{tags}]\n{extra}---\nText.\n";

    private async Task<Dictionary<string, (string Name, int Count)>> TagsAsync() =>
        (await _app.Get<TagDirectory>().ListAsync(Cancellation)).ToDictionary(t => t.Slug, t => (t.Name, t.Count));

    [Fact]
    public async Task Publishing_counts_each_article_once_under_each_of_its_tags_with_the_display_name()
    {
        await _app.DropAndPublishAsync("a.md", Markdown("A", "Russia, Diplomacy"));
        await _app.DropAndPublishAsync("b.md", Markdown("B", "Russia"));

        var tags = await TagsAsync();

        Assert.Equal(("Russia", 2), tags["russia"]);
        Assert.Equal(("Diplomacy", 1), tags["diplomacy"]);
        Assert.Equal(2, tags.Count);
    }

    [Fact]
    public async Task Republishing_the_same_tags_or_a_new_date_leaves_the_counts_as_they_were()
    {
        await _app.DropAndPublishAsync("a.md", Markdown("A", "news", "date: 2025-01-01\n"));
        await _app.DropAndPublishAsync("a.md", Markdown("A again", "news", "date: 2025-01-01\n"));
        await _app.DropAndPublishAsync("a.md", Markdown("A moved", "news", "date: 2025-03-01\n"));

        Assert.Equal(1, (await TagsAsync())["news"].Count);
        Assert.Equal(1, (await _app.TagIndex.GetTagAsync("news", Cancellation))?.Count);
    }

    [Fact]
    public async Task Update_that_moves_an_article_between_tags_moves_its_count()
    {
        await _app.DropAndPublishAsync("a.md", Markdown("A", "old-tag, kept"));
        await _app.DropAndPublishAsync("a.md", Markdown("A", "new-tag, kept"));

        var tags = await TagsAsync();

        Assert.False(tags.ContainsKey("old-tag"));
        Assert.Equal(1, tags["new-tag"].Count);
        Assert.Equal(1, tags["kept"].Count);
    }

    [Fact]
    public async Task Draft_takes_the_article_out_of_its_tags_counts()
    {
        await _app.DropAndPublishAsync("a.md", Markdown("A", "news"));
        await _app.DropAndPublishAsync("b.md", Markdown("B", "news"));
        await _app.DropAndPublishAsync("a.md", Markdown("A", "news", "draft: true\n"));

        Assert.Equal(1, (await TagsAsync())["news"].Count);

        await _app.DropAndPublishAsync("b.md", Markdown("B", "news", "draft: true\n"));

        Assert.False((await TagsAsync()).ContainsKey("news"));
    }

    [Fact]
    public async Task Concurrent_publishes_to_one_tag_count_every_article()
    {
        const int articles = 12;
        await Task.WhenAll(Enumerable.Range(0, articles).Select(i => _app.DropAndPublishAsync($"race-{i}.md", Markdown($"Race {i}", "busy"))));

        Assert.Equal(articles, (await TagsAsync())["busy"].Count);
        Assert.Equal(articles, (await _app.ListingAsync("busy")).Count);
    }

    [Fact]
    public async Task Index_writes_repeated_after_a_crash_do_not_count_twice_and_repair_the_directory()
    {
        var article = new ListedArticle
        {
            Slug = "retried",
            Title = "Retried",
            Summary = "",
            Published = DateTimeOffset.UnixEpoch,
            Tags = [new Articles.Tag("retry", "Retry")],
        };
        var key = TagIndex.KeyFor(article.Published, article.Slug);

        // As a publisher retried after crashing mid-way would: the same writes again, and removals twice.
        await _app.TagIndex.PutAsync(article, key, Cancellation);
        await _app.TagIndex.PutAsync(article, key, Cancellation);
        Assert.Equal(1, (await TagsAsync())["retry"].Count);

        await _app.Storage.Tags.DeleteEntityAsync(TagDirectory.Partition, "retry", cancellationToken: Cancellation);
        await _app.TagIndex.PutAsync(article, key, Cancellation);
        Assert.Equal(1, (await TagsAsync())["retry"].Count);

        await _app.TagIndex.RemoveAsync(key, ["retry"], Cancellation);
        await _app.TagIndex.RemoveAsync(key, ["retry"], Cancellation);
        Assert.Equal(0, (await _app.TagIndex.GetTagAsync("retry", Cancellation))?.Count);
        Assert.False((await TagsAsync()).ContainsKey("retry"));
    }

    [Fact]
    public async Task Bulk_written_tag_is_recounted_and_listed_in_pages()
    {
        var articles = Enumerable.Range(0, 250).Select(i => new ListedArticle
        {
            Slug = $"bulk-{i:D4}",
            Title = $"Bulk {i}",
            Summary = "",
            Published = DateTimeOffset.UnixEpoch.AddMinutes(i),
            Tags = [new Articles.Tag("bulk", "Bulk")],
        });

        Assert.Equal(250, await _app.TagIndex.BulkPutAsync("bulk", "Bulk", articles, Cancellation));

        Assert.Equal(("Bulk", 250), (await TagsAsync())["bulk"]);
        var page = await _app.TagIndex.PageAsync("bulk", 100, afterKey: null, Cancellation);
        Assert.Equal("bulk-0249", page.Items[0].Slug);
        Assert.NotNull(page.NextKey);
    }

    [Fact]
    public async Task Update_retried_after_dying_between_index_writes_and_record_leaves_exact_listings_and_counts()
    {
        await _app.DropAndPublishAsync("a.md", Markdown("A", "before, kept", "date: 2025-01-01\n"));
        var record = await _app.Catalog.GetAsync("a", Cancellation);
        Assert.NotNull(record?.Listing);

        // What a delivery of the update did before dying: new entries written, stale ones removed, record not yet replaced.
        var moved = record.Listing with { Tags = [new Articles.Tag("after", "After"), new Articles.Tag("kept", "kept")] };
        await _app.TagIndex.PutAsync(moved, record.IndexKey, Cancellation);
        await _app.TagIndex.RemoveAsync(record.IndexKey, ["before"], Cancellation);

        await _app.DropAndPublishAsync("a.md", Markdown("A", "after, kept", "date: 2025-01-01\n"));

        var tags = await TagsAsync();
        Assert.False(tags.ContainsKey("before"));
        Assert.Equal(1, tags["after"].Count);
        Assert.Equal(1, tags["kept"].Count);
        Assert.Empty(await _app.ListingAsync("before"));
        Assert.Equal(["a"], await _app.ListingAsync("after"));
    }
}
