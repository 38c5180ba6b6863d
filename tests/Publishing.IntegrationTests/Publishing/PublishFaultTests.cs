using Azure;
using Azure.Core;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Listings;
using Publishing.Publication;
using Publishing.Submissions;

namespace Publishing.IntegrationTests.Publishing;

/// <summary>
/// A storage fault at each step of a publish, on the same storage the healthy path uses: the delivery throws (to be
/// retried), readers are left with the previous version or nothing, and the retry completes the work exactly once.
/// </summary>
public sealed class PublishFaultTests : IAsyncLifetime
{
    private readonly FaultInjectionPolicy _faults = new();
    private readonly PublishingHarness _app;

    public PublishFaultTests() =>
        _app = new PublishingHarness(settings => settings["StorageClient:Retry:MaxRetries"] = "0", _faults);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static string Markdown(string title, string tags) => $"---\ntitle: {title}\ntags: [{tags}]\n---\nText.\n";

    /// <summary>Publishes while every request of <paramref name="step"/> fails with 503, as an outage at that step would.</summary>
    private async Task FailingPublishAsync(Azure.Storage.Blobs.BlobClient file, Func<StorageRequest, bool> step)
    {
        var fault = _faults.FailFrom(1, step);
        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => _app.PublishAsync(file));
        fault.Stop();
        Assert.True(fault.Injected, "the step under test was never reached");
        Assert.Equal(503, failure.Status);
    }

    private Func<StorageRequest, bool> TagIndexTransaction => r => r.IsTransaction && r.Table == _app.Storage.TagIndex.Name;

    /// <summary>A replace, upsert or delete of one entity; a claim is an insert, posted to the table itself.</summary>
    private static Func<StorageRequest, bool> EntityChange(string table) =>
        r => r.Table == table && !r.IsTransaction && r.IsWrite && r.Method != RequestMethod.Post;

    private Func<StorageRequest, bool> PageUpload =>
        r => r.Container == _app.Storage.Site.Name && r.Blob is not null && r.Method == RequestMethod.Put;

    private async Task<int> CountAsync(string tag) => (await _app.TagIndex.GetTagAsync(tag, Cancellation))?.Count ?? 0;

    [Fact]
    public async Task New_article_whose_listing_write_fails_after_its_page_is_not_published_and_the_retry_publishes_it_once()
    {
        var file = await _app.DropAsync("fault-listing.md", Markdown("Fault listing", "Alpha"));

        await FailingPublishAsync(file, TagIndexTransaction);

        // The page may be written, but its record is not published, so the page route shows nothing.
        Assert.Null((await _app.Catalog.GetAsync("fault-listing", Cancellation))?.Listing);
        Assert.Empty(await _app.ListingAsync("alpha"));
        Assert.Null(await _app.Submissions.GetAsync(file.Name, Cancellation));

        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(file));
        Assert.Equal(["fault-listing"], await _app.ListingAsync("alpha"));
        Assert.Equal(["fault-listing"], await _app.ListingAsync(TagIndex.AllArticles));
        Assert.Equal(1, await CountAsync("alpha"));
        Assert.NotNull((await _app.Catalog.GetAsync("fault-listing", Cancellation))?.Listing);
    }

    [Fact]
    public async Task New_article_whose_record_write_fails_after_its_listings_is_completed_by_the_retry_with_exact_counts()
    {
        var file = await _app.DropAsync("fault-record.md", Markdown("Fault record", "Alpha, Beta"));

        await FailingPublishAsync(file, EntityChange(_app.Storage.Articles.Name));

        Assert.Null((await _app.Catalog.GetAsync("fault-record", Cancellation))?.Listing);
        Assert.Null(await _app.Submissions.GetAsync(file.Name, Cancellation));

        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(file));
        Assert.Equal(["fault-record"], await _app.ListingAsync("alpha"));
        Assert.Equal(["fault-record"], await _app.ListingAsync("beta"));
        Assert.Equal(1, await CountAsync("alpha"));
        Assert.Equal(1, await CountAsync("beta"));
    }

    [Fact]
    public async Task Edit_whose_record_write_fails_keeps_the_previous_version_recorded_and_the_retry_moves_its_listings()
    {
        var file = await _app.DropAsync("fault-edit.md", Markdown("Fault edit", "Alpha, Beta"));
        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(file));
        var first = await _app.Submissions.GetAsync(file.Name, Cancellation);
        file = await _app.DropAsync("fault-edit.md", Markdown("Fault edit, revised", "Beta, Gamma"));

        await FailingPublishAsync(file, EntityChange(_app.Storage.Articles.Name));

        var record = await _app.Catalog.GetAsync("fault-edit", Cancellation);
        Assert.Equal("Fault edit", record?.Listing?.Title);
        Assert.Equal(first?.SourceETag, (await _app.Submissions.GetAsync(file.Name, Cancellation))?.SourceETag);

        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(file));
        Assert.Empty(await _app.ListingAsync("alpha"));
        Assert.Equal(["fault-edit"], await _app.ListingAsync("beta"));
        Assert.Equal(["fault-edit"], await _app.ListingAsync("gamma"));
        Assert.Equal(0, await CountAsync("alpha"));
        Assert.Equal(1, await CountAsync("beta"));
        Assert.Equal(1, await CountAsync("gamma"));
        Assert.Equal("Fault edit, revised", (await _app.Catalog.GetAsync("fault-edit", Cancellation))?.Listing?.Title);
    }

    /// <summary>The status is written in one transaction with the lock's release.</summary>
    private Func<StorageRequest, bool> StatusWrite => r => r.IsTransaction && r.Table == _app.Storage.Submissions.Name;

    [Fact]
    public async Task Publish_whose_status_write_fails_is_redone_by_the_retry_without_counting_twice()
    {
        var file = await _app.DropAsync("fault-status.md", Markdown("Fault status", "Alpha"));

        await FailingPublishAsync(file, StatusWrite);

        Assert.Null(await _app.Submissions.GetAsync(file.Name, Cancellation));

        // The lock was given back all the same (the retry would otherwise wait out its 30 s and time out).
        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(file).WaitAsync(TimeSpan.FromSeconds(10), Cancellation));
        Assert.Equal(SubmissionState.Published, (await _app.Submissions.GetAsync(file.Name, Cancellation))?.State);
        Assert.Equal(["fault-status"], await _app.ListingAsync("alpha"));
        Assert.Equal(1, await CountAsync("alpha"));
    }

    [Fact]
    public async Task Page_write_that_fails_leaves_the_previous_page_and_record_and_the_retry_replaces_both()
    {
        var file = await _app.DropAsync("fault-page.md", Markdown("Fault page", "Alpha"));
        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(file));
        file = await _app.DropAsync("fault-page.md", Markdown("Fault page, revised", "Alpha"));

        await FailingPublishAsync(file, PageUpload);

        Assert.Contains("<h1>Fault page</h1>", await _app.PageAsync("fault-page"), StringComparison.Ordinal);
        Assert.Equal("Fault page", (await _app.Catalog.GetAsync("fault-page", Cancellation))?.Listing?.Title);

        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(file));
        Assert.Contains("<h1>Fault page, revised</h1>", await _app.PageAsync("fault-page"), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync("alpha"));
    }
}
