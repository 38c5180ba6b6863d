using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Submissions;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// The response cache on (one minute, far longer than any test) and a publish on the same instance: what the publish
/// changed shows on the next request after its outcome is recorded, and what it did not change is still answered
/// from memory. Storage is reached through a <see cref="StorageFaultProxy"/> that only counts requests.
/// </summary>
public sealed class PublishCacheInvalidationTests : IAsyncLifetime
{
    /// <summary>A rule that never fails (its Nth match never comes), only counts.</summary>
    private const int Never = int.MaxValue;

    private readonly LocalHostStorage _storage = new();
    private readonly FaultInjectionPolicy _counters = new();
    private StorageFaultProxy? _proxy;
    private TestLocalHost? _host;

    private TestLocalHost Host => _host ?? throw new InvalidOperationException("not started");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _proxy = await StorageFaultProxy.StartAsync(_counters, Cancellation);
        _storage.Settings["AzureWebJobsStorage"] = _proxy.ConnectionString;
        _storage.Settings["Publishing:ResponseCacheDuration"] = "00:01:00";
        _host = await TestLocalHost.StartAsync(_storage);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await _storage.DisposeAsync();
    }

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private static string Markdown(string slug, string title, string body, string tags, bool draft = false, string? date = null) =>
        $"---\ntitle: \"{title}\"\nslug: {slug}\ntags: [{tags}]\n{(draft ? "draft: true\n" : "")}{(date is null ? "" : $"date: {date}\n")}---\n\n{body}\n";

    /// <summary>Drops <paramref name="content"/> as <paramref name="name"/> and waits until its outcome is recorded (the last step of a publish).</summary>
    private async Task<SubmissionStatus> DropAndWaitAsync(string name, string content)
    {
        var version = await _storage.DropAsync(name, content);
        var log = _storage.Domain<SubmissionLog>();
        return await Eventually.GetAsync(
            async () => await log.GetAsync(name, Cancellation) is { } status && status.SourceETag == version.ToString() ? status : null,
            $"the outcome of '{name}' version {version}");
    }

    private async Task<string> GetTextAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(expected == response.StatusCode, $"GET {path}: {(int)response.StatusCode}, expected {(int)expected}: {text}");
        return text;
    }

    private static string[] Titles(string listingJson) =>
        [.. JsonSerializer.Deserialize<JsonElement>(listingJson).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString() ?? "")];

    /// <summary>Every reader-facing answer that shows an article with <paramref name="tag"/>, read once (and so cached).</summary>
    private async Task<string[]> ReadEverythingAsync(string slug, string tag) =>
    [
        await GetTextAsync($"articles/{slug}"),
        await GetTextAsync($"api/articles/{slug}"),
        await GetTextAsync($"api/tags/{tag}/articles"),
        await GetTextAsync($"tags/{tag}"),
        await GetTextAsync($"tags/{tag}/feed"),
        await GetTextAsync("api/articles?limit=100"),
        await GetTextAsync("api/tags"),
    ];

    [Fact]
    public async Task An_edit_shows_on_the_page_the_tag_listings_and_the_metadata_on_the_next_request_after_the_publish()
    {
        var (slug, tag) = (NewName("e"), NewName("t"));
        await DropAndWaitAsync($"{slug}.md", Markdown(slug, "First title", "First body.", tag));
        foreach (var answer in await ReadEverythingAsync(slug, tag))
        {
            Assert.DoesNotContain("Second", answer, StringComparison.Ordinal);
        }

        var status = await DropAndWaitAsync($"{slug}.md", Markdown(slug, "Second title", "Second body.", tag));
        Assert.Equal(SubmissionState.Published, status.State);

        // One request each, no waiting: every one of them was cached a moment ago, for a minute.
        Assert.Contains("Second body.", await GetTextAsync($"articles/{slug}"), StringComparison.Ordinal);
        Assert.Equal("Second title", JsonSerializer.Deserialize<JsonElement>(await GetTextAsync($"api/articles/{slug}")).GetProperty("title").GetString());
        Assert.Equal(["Second title"], Titles(await GetTextAsync($"api/tags/{tag}/articles")));
        Assert.Contains("Second title", await GetTextAsync($"tags/{tag}"), StringComparison.Ordinal);
        Assert.Contains("Second title", await GetTextAsync($"tags/{tag}/feed"), StringComparison.Ordinal);
        var all = Titles(await GetTextAsync("api/articles?limit=100"));
        Assert.Contains("Second title", all);
        Assert.DoesNotContain("First title", all);
    }

    [Fact]
    public async Task An_edit_that_moves_the_article_to_another_tag_leaves_the_old_listing_and_counts_at_once()
    {
        var (slug, before, after) = (NewName("m"), NewName("t"), NewName("t"));
        await DropAndWaitAsync($"{slug}.md", Markdown(slug, "Moving", "Body.", before));
        await ReadEverythingAsync(slug, before);

        await DropAndWaitAsync($"{slug}.md", Markdown(slug, "Moving", "Body.", after));

        await GetTextAsync($"api/tags/{before}/articles", HttpStatusCode.NotFound);
        await GetTextAsync($"tags/{before}", HttpStatusCode.NotFound);
        await GetTextAsync($"tags/{before}/feed", HttpStatusCode.NotFound);
        Assert.Equal(["Moving"], Titles(await GetTextAsync($"api/tags/{after}/articles")));
        var tags = JsonSerializer.Deserialize<JsonElement>(await GetTextAsync("api/tags")).GetProperty("items").EnumerateArray()
            .ToDictionary(t => t.GetProperty("slug").GetString() ?? "", t => t.GetProperty("articleCount").GetInt32());
        Assert.False(tags.TryGetValue(before, out var left) && left > 0, $"'{before}' still counts {left}");
        Assert.Equal(1, tags[after]);
    }

    [Fact]
    public async Task A_new_article_appears_in_its_tags_listings_at_once()
    {
        var (first, second, tag) = (NewName("a"), NewName("b"), NewName("t"));
        // Dated: undated files are dated when storage first saw them, to the second, and two drops within one second
        // would then be listed in slug order, not drop order.
        await DropAndWaitAsync($"{first}.md", Markdown(first, "Older article", "Body.", tag, date: "2025-03-01"));
        await ReadEverythingAsync(first, tag);

        await DropAndWaitAsync($"{second}.md", Markdown(second, "Newer article", "Body.", tag, date: "2025-03-02"));

        Assert.Equal(["Newer article", "Older article"], Titles(await GetTextAsync($"api/tags/{tag}/articles")));
        Assert.Contains("Newer article", await GetTextAsync($"tags/{tag}"), StringComparison.Ordinal);
        Assert.Contains("Newer article", await GetTextAsync($"tags/{tag}/feed"), StringComparison.Ordinal);
        Assert.Contains("Newer article", Titles(await GetTextAsync("api/articles?limit=100")));
        var count = JsonSerializer.Deserialize<JsonElement>(await GetTextAsync("api/tags")).GetProperty("items").EnumerateArray()
            .Single(t => t.GetProperty("slug").GetString() == tag).GetProperty("articleCount").GetInt32();
        Assert.Equal(2, count);
        Assert.Contains("Newer article", await GetTextAsync($"articles/{second}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turning_an_article_into_a_draft_takes_its_page_metadata_and_listings_down_at_once()
    {
        var (slug, tag) = (NewName("d"), NewName("t"));
        await DropAndWaitAsync($"{slug}.md", Markdown(slug, "Soon a draft", "Body.", tag));
        await ReadEverythingAsync(slug, tag);

        var status = await DropAndWaitAsync($"{slug}.md", Markdown(slug, "Soon a draft", "Body.", tag, draft: true));
        Assert.Equal(SubmissionState.Draft, status.State);

        await GetTextAsync($"articles/{slug}", HttpStatusCode.NotFound);
        await GetTextAsync($"api/articles/{slug}", HttpStatusCode.NotFound);
        await GetTextAsync($"api/tags/{tag}/articles", HttpStatusCode.NotFound);
        await GetTextAsync($"tags/{tag}", HttpStatusCode.NotFound);
        Assert.DoesNotContain("Soon a draft", Titles(await GetTextAsync("api/articles?limit=100")));
    }

    [Fact]
    public async Task Repeated_reads_are_answered_from_memory_and_a_publish_of_another_article_keeps_them_there()
    {
        var (slug, tag, other) = (NewName("r"), NewName("t"), NewName("o"));
        await DropAndWaitAsync($"{slug}.md", Markdown(slug, "Read often", "Body.", tag));
        var site = _storage.Settings["Publishing:SiteContainer"];
        var tagIndex = _storage.Settings["Publishing:TagIndexTable"];
        var pageReads = _counters.FailNth(Never, r => r.IsRead && r.Container == site);
        var listingReads = _counters.FailNth(Never, r => r.IsRead && r.Table == tagIndex);

        await GetTextAsync($"articles/{slug}");
        await GetTextAsync($"api/tags/{tag}/articles");
        var (pages, listings) = (pageReads.Matched, listingReads.Matched);
        Assert.True(pages > 0 && listings > 0, $"the first reads went to storage: {pages} page reads, {listings} listing reads");

        // Another article in another tag changes neither answer: both stay in memory through its publish.
        await DropAndWaitAsync($"{other}.md", Markdown(other, "Elsewhere", "Body.", NewName("t")));
        var (pagesAfterPublish, listingsAfterPublish) = (pageReads.Matched, listingReads.Matched);
        for (var i = 0; i < 20; i++)
        {
            await GetTextAsync($"articles/{slug}");
            await GetTextAsync($"api/tags/{tag}/articles");
        }

        Assert.Equal(pagesAfterPublish, pageReads.Matched);
        Assert.Equal(listingsAfterPublish, listingReads.Matched);
        Assert.False(pageReads.Injected || listingReads.Injected);
    }
}
