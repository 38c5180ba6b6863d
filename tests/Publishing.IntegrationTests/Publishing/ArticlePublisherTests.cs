using System.Text;
using Azure.Storage.Blobs.Models;
using Publishing.Articles;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Submissions;

namespace Publishing.IntegrationTests.Publishing;

public sealed class ArticlePublisherTests : IAsyncLifetime
{
    private readonly PublishingHarness _app = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static string Markdown(string title, string tags, string extra = "", string body = "Some text.") =>
        $"---\ntitle: {title}\ntags: [{tags}]\n{extra}---\n{body}\n";

    [Fact]
    public async Task Publishing_writes_the_page_the_record_and_every_tag_listing()
    {
        var outcome = await _app.DropAndPublishAsync(
            "2025/05/lavrov-talks.md",
            Markdown("Lavrov talks", "Russia, Diplomacy", "date: 2025-05-14T09:30:00Z\nauthor: Jane Roe\n"));

        var published = Assert.IsType<PublishOutcome.Published>(outcome);
        Assert.Equal("lavrov-talks", published.Slug);
        Assert.Equal(new Uri("http://localhost:7071/articles/lavrov-talks"), published.Url);
        Assert.Contains("<h1>Lavrov talks</h1>", await _app.PageAsync("lavrov-talks"), StringComparison.Ordinal);
        Assert.Equal(["lavrov-talks"], await _app.ListingAsync("russia"));
        Assert.Equal(["lavrov-talks"], await _app.ListingAsync("diplomacy"));
        Assert.Equal(["lavrov-talks"], await _app.ListingAsync(TagIndex.AllArticles));

        var record = await _app.Catalog.GetAsync("lavrov-talks", Cancellation);
        Assert.NotNull(record);
        Assert.NotNull(record.Listing);
        Assert.Equal("2025/05/lavrov-talks.md", record.Owner);
        Assert.Equal(new DateTimeOffset(2025, 5, 14, 9, 30, 0, TimeSpan.Zero), record.Listing.Published);
        Assert.Equal(["Russia", "Diplomacy"], record.Listing.Tags.Select(t => t.Name));

        var status = await _app.Submissions.GetAsync("2025/05/lavrov-talks.md", Cancellation);
        Assert.NotNull(status);
        Assert.Equal(SubmissionState.Published, status.State);
        Assert.Equal("lavrov-talks", status.Slug);
    }

    [Fact]
    public async Task Listings_put_the_newest_article_first()
    {
        await _app.DropAndPublishAsync("old.md", Markdown("Old", "news", "date: 2024-01-01\n"));
        await _app.DropAndPublishAsync("newest.md", Markdown("Newest", "news", "date: 2025-06-01\n"));
        await _app.DropAndPublishAsync("middle.md", Markdown("Middle", "news", "date: 2025-01-01\n"));

        Assert.Equal(["newest", "middle", "old"], await _app.ListingAsync("news"));
        Assert.Equal(["newest", "middle", "old"], await _app.ListingAsync(TagIndex.AllArticles));
    }

    [Fact]
    public async Task The_same_version_delivered_twice_is_processed_once()
    {
        var file = await _app.DropAsync("twice.md", Markdown("Twice", "a"));

        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(file));
        var firstStatus = await _app.Submissions.GetAsync("twice.md", Cancellation);
        var secondOutcome = await _app.PublishAsync(file);

        Assert.IsType<PublishOutcome.AlreadyProcessed>(secondOutcome);
        var secondStatus = await _app.Submissions.GetAsync("twice.md", Cancellation);
        Assert.Equal(firstStatus, secondStatus);
        Assert.Equal(["twice"], await _app.ListingAsync("a"));
    }

    [Fact]
    public async Task Update_that_drops_a_tag_removes_the_article_from_that_listing()
    {
        await _app.DropAndPublishAsync("moving.md", Markdown("Moving", "Economy, Energy"));

        var outcome = await _app.DropAndPublishAsync("moving.md", Markdown("Moving on", "Energy, Climate"));

        Assert.IsType<PublishOutcome.Published>(outcome);
        Assert.Empty(await _app.ListingAsync("economy"));
        Assert.Equal(["moving"], await _app.ListingAsync("energy"));
        Assert.Equal(["moving"], await _app.ListingAsync("climate"));
        Assert.Equal(["moving"], await _app.ListingAsync(TagIndex.AllArticles));
        Assert.Contains("Moving on", await _app.PageAsync("moving"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_that_changes_the_date_leaves_one_entry_per_listing()
    {
        await _app.DropAndPublishAsync("dated.md", Markdown("Dated", "x", "date: 2025-01-01\n"));
        await _app.DropAndPublishAsync("dated.md", Markdown("Dated", "x", "date: 2025-02-01\n"));

        var entries = await _app.TagIndex.ListAsync("x", 10, null, Cancellation);
        var entry = Assert.Single(entries);
        Assert.Equal(new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), entry.Article.Published);
        Assert.Single(await _app.ListingAsync(TagIndex.AllArticles));
    }

    [Fact]
    public async Task Without_a_date_the_first_publication_time_is_kept_across_updates()
    {
        await _app.DropAndPublishAsync("undated.md", Markdown("Undated", "x"));
        var first = await _app.Catalog.GetAsync("undated", Cancellation);
        await Task.Delay(50, Cancellation);
        await _app.DropAndPublishAsync("undated.md", Markdown("Undated, again", "x"));
        var second = await _app.Catalog.GetAsync("undated", Cancellation);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(first.Listing?.Published, second.Listing?.Published);
        Assert.Equal("Undated, again", second.Listing?.Title);
    }

    [Fact]
    public async Task Draft_true_unpublishes_the_page_and_every_listing_entry()
    {
        await _app.DropAndPublishAsync("story.md", Markdown("Story", "a, b"));

        var outcome = await _app.DropAndPublishAsync("story.md", Markdown("Story", "a, b", "draft: true\n"));

        Assert.IsType<PublishOutcome.Unpublished>(outcome);
        Assert.Null(await _app.PageAsync("story"));
        Assert.Empty(await _app.ListingAsync("a"));
        Assert.Empty(await _app.ListingAsync("b"));
        Assert.Empty(await _app.ListingAsync(TagIndex.AllArticles));
        var tombstone = await _app.Catalog.GetAsync("story", Cancellation);
        Assert.Null(tombstone?.Listing);
        Assert.NotNull(tombstone?.DeletedAt);
        Assert.Equal(SubmissionState.Draft, (await _app.Submissions.GetAsync("story.md", Cancellation))?.State);
    }

    [Fact]
    public async Task A_draft_that_was_never_published_publishes_nothing()
    {
        var outcome = await _app.DropAndPublishAsync("draft.md", Markdown("Draft", "a", "draft: true\n"));

        Assert.IsType<PublishOutcome.Unpublished>(outcome);
        Assert.Null(await _app.PageAsync("draft"));
        Assert.Empty(await _app.ListingAsync("a"));
    }

    [Fact]
    public async Task Second_file_claiming_a_taken_slug_is_rejected_naming_the_owner()
    {
        await _app.DropAndPublishAsync("first/same.md", Markdown("First", "a"));

        var outcome = await _app.DropAndPublishAsync("second/other.md", Markdown("Second", "b", "slug: same\n"));

        var rejected = Assert.IsType<PublishOutcome.Rejected>(outcome);
        Assert.Equal(RejectionCode.SlugTaken, rejected.Rejection.Code);
        Assert.Contains("'first/same.md'", rejected.Rejection.Reason, StringComparison.Ordinal);
        Assert.Contains("First", await _app.PageAsync("same"), StringComparison.Ordinal);
        Assert.Empty(await _app.ListingAsync("b"));
        Assert.Equal("first/same.md", (await _app.Catalog.GetAsync("same", Cancellation))?.Owner);
        var status = await _app.Submissions.GetAsync("second/other.md", Cancellation);
        Assert.Equal(SubmissionState.Rejected, status?.State);
        Assert.Null(status?.Slug);
    }

    [Fact]
    public async Task Files_racing_for_one_new_slug_publish_exactly_one_of_them()
    {
        var files = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            _app.DropAsync($"racer-{i}.md", Markdown($"Racer {i}", $"racer{i}", "slug: contested\n"))));

        var outcomes = await Task.WhenAll(files.Select(f => _app.PublishAsync(f)));

        Assert.Single(outcomes.OfType<PublishOutcome.Published>());
        Assert.Equal(5, outcomes.OfType<PublishOutcome.Rejected>().Count(r => r.Rejection.Code == RejectionCode.SlugTaken));
        var owner = (await _app.Catalog.GetAsync("contested", Cancellation))?.Owner;
        var winner = Array.FindIndex(files, f => f.Name == owner);
        Assert.Contains($"Racer {winner}", await _app.PageAsync("contested"), StringComparison.Ordinal);
        for (var i = 0; i < files.Length; i++)
        {
            Assert.Equal(i == winner ? ["contested"] : [], await _app.ListingAsync($"racer{i}"));
        }
    }

    [Fact]
    public async Task Changing_the_slug_moves_the_article_and_frees_the_old_slug()
    {
        await _app.DropAndPublishAsync("renamed.md", Markdown("Renamed", "a", "slug: old-name\n"));

        var outcome = await _app.DropAndPublishAsync("renamed.md", Markdown("Renamed", "a", "slug: new-name\n"));

        Assert.Equal("new-name", Assert.IsType<PublishOutcome.Published>(outcome).Slug);
        Assert.Null(await _app.PageAsync("old-name"));
        Assert.Null((await _app.Catalog.GetAsync("old-name", Cancellation))?.Listing); // a tombstone: see DeletionTests for who may take it
        Assert.Equal(["new-name"], await _app.ListingAsync("a"));
        Assert.IsType<PublishOutcome.Published>(await _app.DropAndPublishAsync("other.md", Markdown("Other", "a", "slug: old-name\n")));
    }

    [Fact]
    public async Task Rejected_update_keeps_the_published_version_and_records_the_reason()
    {
        await _app.DropAndPublishAsync("kept.md", Markdown("Kept", "a"));
        var before = await _app.PageAsync("kept");

        var outcome = await _app.DropAndPublishAsync("kept.md", "---\ntitle: Kept\ntags: [a\n---\nBroken.\n");

        var rejected = Assert.IsType<PublishOutcome.Rejected>(outcome);
        Assert.Equal(RejectionCode.BrokenFrontMatter, rejected.Rejection.Code);
        Assert.Equal(before, await _app.PageAsync("kept"));
        Assert.Equal(["kept"], await _app.ListingAsync("a"));
        var status = await _app.Submissions.GetAsync("kept.md", Cancellation);
        Assert.NotNull(status);
        Assert.Equal(SubmissionState.Rejected, status.State);
        Assert.Equal("kept", status.Slug);
        Assert.NotNull(status.Rejection?.Line);
    }

    public static TheoryData<string, byte[], RejectionCode> UnpublishableFiles => new()
    {
        { "notes.docx", "---\ntitle: Word\n---\n"u8.ToArray(), RejectionCode.UnsupportedType },
        { "empty.md", [], RejectionCode.Empty },
        { "latin1.md", [.. "---\ntitle: Caf"u8, 0xE9, .. "\n---\n"u8], RejectionCode.NotUtf8 },
        { "broken.md", "---\ntitle: [unclosed\n---\nText\n"u8.ToArray(), RejectionCode.BrokenFrontMatter },
        { "untitled.md", "Just text, no title.\n"u8.ToArray(), RejectionCode.MissingTitle },
        { "blank.txt", "\n\n   \n"u8.ToArray(), RejectionCode.Empty },
    };

    [Theory]
    [MemberData(nameof(UnpublishableFiles))]
    public async Task A_file_that_cannot_be_published_leaves_nothing_but_its_reason(string name, byte[] content, RejectionCode code)
    {
        var outcome = await _app.PublishAsync(await _app.DropBytesAsync(name, content));

        Assert.Equal(code, Assert.IsType<PublishOutcome.Rejected>(outcome).Rejection.Code);
        Assert.Empty(await _app.ListingAsync(TagIndex.AllArticles));
        var status = await _app.Submissions.GetAsync(name, Cancellation);
        Assert.Equal(SubmissionState.Rejected, status?.State);
        Assert.Equal(code, status?.Rejection?.Code);
        Assert.False(string.IsNullOrWhiteSpace(status?.Rejection?.Reason));
    }

    [Fact]
    public async Task An_oversized_file_is_rejected_from_its_size_without_being_read()
    {
        await using var app = new PublishingHarness(s => s["Publishing:MaxArticleBytes"] = "1024");
        var file = await app.DropAsync("big.md", "# Big\n\n" + new string('x', 4096));

        var outcome = await app.PublishAsync(file);

        var rejection = Assert.IsType<PublishOutcome.Rejected>(outcome).Rejection;
        Assert.Equal(RejectionCode.TooLarge, rejection.Code);
        Assert.Contains("the limit is 1 KiB", rejection.Reason, StringComparison.Ordinal);
        Assert.Null(await app.PageAsync("big"));
    }

    [Fact]
    public async Task A_file_deleted_before_delivery_is_skipped_without_a_record()
    {
        var file = await _app.DropAsync("gone.md", Markdown("Gone", "a"));
        await file.DeleteAsync(cancellationToken: Cancellation);

        Assert.IsType<PublishOutcome.Vanished>(await _app.PublishAsync(file));
        Assert.Null(await _app.Submissions.GetAsync("gone.md", Cancellation));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_version_publish_it_once()
    {
        var file = await _app.DropAsync("busy.md", Markdown("Busy", "a, b"));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _app.PublishAsync(file)));

        Assert.Single(outcomes.OfType<PublishOutcome.Published>());
        Assert.Equal(7, outcomes.OfType<PublishOutcome.AlreadyProcessed>().Count());
        Assert.Equal(["busy"], await _app.ListingAsync("a"));
        Assert.Equal(["busy"], await _app.ListingAsync("b"));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_changing_versions_end_with_the_last_version_and_no_dangling_entries()
    {
        var tagSets = new[] { "red, green", "green, blue", "blue", "red, yellow", "yellow, green" };
        var deliveries = new List<Task<PublishOutcome>>();
        foreach (var (tags, version) in tagSets.Select((t, i) => (t, i)))
        {
            var file = await _app.DropAsync("flux.md", Markdown($"Flux {version}", tags));
            deliveries.AddRange(Enumerable.Range(0, 3).Select(_ => Task.Run(() => _app.PublishAsync(file), Cancellation)));
        }

        await Task.WhenAll(deliveries);
        await _app.PublishAsync(_app.Articles.GetBlobClient("flux.md")); // the last event always arrives eventually

        Assert.Contains("Flux 4", await _app.PageAsync("flux"), StringComparison.Ordinal);
        foreach (var colour in new[] { "red", "green", "blue", "yellow" })
        {
            var expected = colour is "yellow" or "green" ? new[] { "flux" } : [];
            Assert.Equal(expected, await _app.ListingAsync(colour));
        }

        Assert.Equal(["flux"], await _app.ListingAsync(TagIndex.AllArticles));
    }

    [Fact]
    public async Task Plain_text_wire_story_is_published_with_its_source_and_tags()
    {
        const string story = "Ceasefire talks resume in Geneva\nReuters\n\nDelegations met on Monday, officials said.\n\nTags: Diplomacy, Switzerland\n";

        var outcome = await _app.DropAndPublishAsync("wire/ceasefire-talks.txt", story);

        Assert.Equal("ceasefire-talks", Assert.IsType<PublishOutcome.Published>(outcome).Slug);
        var record = await _app.Catalog.GetAsync("ceasefire-talks", Cancellation);
        Assert.Equal("Reuters", record?.Listing?.Source);
        Assert.Equal(["ceasefire-talks"], await _app.ListingAsync("switzerland"));
    }

    [Fact]
    public async Task Page_content_is_stored_as_utf8_json_and_no_finished_page_is()
    {
        await _app.DropAndPublishAsync("encoding.md", Markdown("Crème brûlée", "food"));

        var content = await _app.Storage.Site.GetBlobClient("articles/encoding.json").DownloadContentAsync(Cancellation);
        Assert.Equal("application/json; charset=utf-8", content.Value.Details.ContentType);
        using var json = System.Text.Json.JsonDocument.Parse(content.Value.Content);
        Assert.Equal("Crème brûlée", json.RootElement.GetProperty("title").GetString());
        Assert.Equal(ArticleContent.CurrentFormat, json.RootElement.GetProperty("format").GetInt32());
        Assert.False(await _app.Storage.Site.GetBlobClient("articles/encoding.html").ExistsAsync(Cancellation));
        Assert.Contains("Crème brûlée", await _app.PageAsync("encoding"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_nested_past_markdigs_own_limit_is_rejected_and_recorded_without_a_retry()
    {
        // Lists nested by indentation pass the parser's line checks; Markdig refuses them while parsing the body.
        var body = string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i * 2) + "- level\n"));

        var outcome = await _app.DropAndPublishAsync("nested.md", $"# Nested\n\n{body}");

        var rejection = Assert.IsType<PublishOutcome.Rejected>(outcome).Rejection;
        Assert.Equal(RejectionCode.TooComplex, rejection.Code);
        Assert.Equal(SubmissionState.Rejected, (await _app.Submissions.GetAsync("nested.md", Cancellation))?.State);
        Assert.Null(await _app.PageAsync("nested"));
    }

    [Fact]
    public async Task Slug_claimed_by_a_file_that_never_published_it_is_taken_over_once_the_claim_is_stale()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new PublishingHarness(time: time);
        await app.DropAsync("orphan.md", "# Orphan\n\nText.\n");
        // The claimant exists, as a file that claims a slug does: one that is gone would be a deletion, taken over at once.
        await app.DropAsync("failed-for-good.md", "# Orphan\n\nNever published.\n");
        await app.Storage.EnsureCreatedAsync(Cancellation);
        Assert.NotNull(await app.Catalog.TryClaimAsync("orphan", "failed-for-good.md", Cancellation));

        var fresh = await app.PublishAsync(app.Articles.GetBlobClient("orphan.md"));
        Assert.Equal(RejectionCode.SlugTaken, Assert.IsType<PublishOutcome.Rejected>(fresh).Rejection.Code);

        time.Advance(PublishLock.LeaseDuration * 3);
        var later = await app.DropAndPublishAsync("orphan.md", "# Orphan\n\nText, again.\n");

        Assert.IsType<PublishOutcome.Published>(later);
        Assert.Equal("orphan.md", (await app.Catalog.GetAsync("orphan", Cancellation))?.Owner);
    }
}
