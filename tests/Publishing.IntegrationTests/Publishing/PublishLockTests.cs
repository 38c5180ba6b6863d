using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.IntegrationTests.LocalHost;
using Publishing.Publication;
using Publishing.Submissions;

namespace Publishing.IntegrationTests.Publishing;

/// <summary>The per-file lock row on Azurite, with the app's clock moved by the test.</summary>
public sealed class PublishLockTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FaultInjectionPolicy _storage = new();
    private readonly PublishingHarness _app;

    public PublishLockTests() => _app = new PublishingHarness(settings => settings["StorageClient:Retry:MaxRetries"] = "0", _storage, _time);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>A renewal: an update of a lock row (taking and giving back are an insert and a delete).</summary>
    private bool IsRenewal(StorageRequest request) =>
        request.Table == _app.Storage.Submissions.Name && request.RowKey == PublishLock.RowKey && request.Method == RequestMethod.Put;

    private static SubmissionStatus Published(string name) =>
        new() { Name = name, State = SubmissionState.Published, SourceETag = "\"0x1\"", ProcessedAt = DateTimeOffset.UtcNow, Slug = "a" };

    private async Task<TableEntity?> LockRowAsync(string name)
    {
        var row = await _app.Storage.Submissions.GetEntityIfExistsAsync<TableEntity>(SubmissionKey.For(name), PublishLock.RowKey, cancellationToken: Cancellation);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>A lock row as a delivery on another instance would leave it, held until <paramref name="expires"/>.</summary>
    private async Task WriteForeignLockAsync(string name, DateTimeOffset expires)
    {
        await _app.Storage.EnsureCreatedAsync(Cancellation);
        await _app.Storage.Submissions.UpsertEntityAsync(
            new TableEntity(SubmissionKey.For(name), PublishLock.RowKey) { ["ExpiresAt"] = expires }, TableUpdateMode.Replace, Cancellation);
    }

    [Fact]
    public async Task Held_lock_renews_its_row_before_it_can_run_out()
    {
        await using var held = await _app.Get<PublishLock>().AcquireAsync("slow.md", Cancellation);
        var before = (await LockRowAsync("slow.md"))?.GetDateTimeOffset("ExpiresAt");
        var renewals = _storage.FailFrom(int.MaxValue, IsRenewal); // counts, never fails

        _time.Advance(PublishLock.LeaseDuration / 2);

        await Eventually.TrueAsync(() => Task.FromResult(renewals.Matched > 0), "the lock to be renewed");
        await Eventually.TrueAsync(async () => (await LockRowAsync("slow.md"))?.GetDateTimeOffset("ExpiresAt") > before, "the renewal to move the row's expiry on");
        Assert.False(held.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task Lock_whose_row_cannot_be_renewed_says_it_is_lost_so_the_publish_stops()
    {
        await using var held = await _app.Get<PublishLock>().AcquireAsync("lost.md", Cancellation);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = held.Lost.Register(lost.SetResult);
        var renewal = _storage.FailFrom(1, IsRenewal);

        _time.Advance(PublishLock.LeaseDuration / 2);

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(renewal.Injected);
        renewal.Stop();
    }

    [Fact]
    public async Task Second_delivery_of_a_file_waits_for_the_first_to_release_it()
    {
        var locks = _app.Get<PublishLock>();
        var first = await locks.AcquireAsync("busy.md", Cancellation);
        var second = locks.AcquireAsync("busy.md", Cancellation);
        await Task.Delay(200, Cancellation);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        _time.Advance(TimeSpan.FromSeconds(1)); // the waiting delivery's back-off runs on the app's clock

        await using var held = await second.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(held.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task Recording_the_outcome_writes_the_status_and_gives_the_lock_back_in_one_request()
    {
        var locks = _app.Get<PublishLock>();
        var held = await locks.AcquireAsync("done.md", Cancellation);
        var writes = _storage.FailFrom(int.MaxValue, r => r.Table == _app.Storage.Submissions.Name && r.IsWrite); // counts, never fails

        await held.RecordAsync(Published("done.md"), Cancellation);
        await held.DisposeAsync();

        Assert.Equal(1, writes.Matched);
        Assert.Equal(SubmissionState.Published, (await _app.Submissions.GetAsync("done.md", Cancellation))?.State);
        Assert.Null(await LockRowAsync("done.md"));
        await using var next = await locks.AcquireAsync("done.md", Cancellation).WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
    }

    [Fact]
    public async Task Outcome_of_a_delivery_whose_lock_was_taken_over_is_not_recorded()
    {
        await using var held = await _app.Get<PublishLock>().AcquireAsync("overtaken.md", Cancellation);
        await WriteForeignLockAsync("overtaken.md", _time.GetUtcNow() + PublishLock.LeaseDuration); // another delivery's now

        await Assert.ThrowsAsync<InvalidOperationException>(() => held.RecordAsync(Published("overtaken.md"), Cancellation));

        Assert.Null(await _app.Submissions.GetAsync("overtaken.md", Cancellation));
        Assert.NotNull(await LockRowAsync("overtaken.md")); // the other delivery's lock stays
    }

    [Fact]
    public async Task Lock_whose_insert_was_applied_but_unanswered_is_recognised_as_its_own_when_the_client_retries()
    {
        var faults = new FaultInjectionPolicy();
        await using var app = new PublishingHarness(faults: faults, time: _time); // the storage clients' own retries on
        var insert = faults.FailNth(1, r => r.Table == app.Storage.Submissions.Name && r.Method == RequestMethod.Post && !r.IsTransaction, StorageFault.ResponseLost);

        // Without knowing the row as its own, the delivery would wait for itself until the row's time ran out.
        await using var held = await app.Get<PublishLock>().AcquireAsync("unanswered.md", Cancellation).WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.True(insert.Injected);
        await held.RecordAsync(Published("unanswered.md"), Cancellation);
        Assert.Equal(SubmissionState.Published, (await app.Submissions.GetAsync("unanswered.md", Cancellation))?.State);
    }

    [Fact]
    public async Task Renewal_applied_but_unanswered_keeps_the_lock_when_the_client_retries_it()
    {
        var faults = new FaultInjectionPolicy();
        await using var app = new PublishingHarness(faults: faults, time: _time); // the storage clients' own retries on
        await using var held = await app.Get<PublishLock>().AcquireAsync("renewed.md", Cancellation);
        var renewal = faults.FailNth(1, r => r.Table == app.Storage.Submissions.Name && r.RowKey == PublishLock.RowKey && r.Method == RequestMethod.Put, StorageFault.ResponseLost);

        _time.Advance(PublishLock.LeaseDuration / 2);
        await Eventually.TrueAsync(() => Task.FromResult(renewal.Injected), "the renewal to be sent");
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation); // the client's retry, refused (412) and recognised

        Assert.False(held.Lost.IsCancellationRequested);
        await held.RecordAsync(Published("renewed.md"), Cancellation); // with the ETag the renewal left
        Assert.Equal(SubmissionState.Published, (await app.Submissions.GetAsync("renewed.md", Cancellation))?.State);
    }

    [Fact]
    public async Task Outcome_recorded_with_its_answer_lost_counts_as_recorded_when_the_client_retries_it()
    {
        var faults = new FaultInjectionPolicy();
        await using var app = new PublishingHarness(faults: faults, time: _time); // the storage clients' own retries on
        await using var held = await app.Get<PublishLock>().AcquireAsync("recorded.md", Cancellation);
        var record = faults.FailNth(1, r => r.IsTransaction && r.Table == app.Storage.Submissions.Name, StorageFault.ResponseLost);

        await held.RecordAsync(Published("recorded.md"), Cancellation); // the retry finds the lock gone: its own doing

        Assert.True(record.Injected);
        Assert.Equal(SubmissionState.Published, (await app.Submissions.GetAsync("recorded.md", Cancellation))?.State);
        Assert.Null(await LockRowAsync("recorded.md"));
    }

    [Fact]
    public async Task Lock_left_by_a_crashed_delivery_is_taken_over_once_its_time_has_run_out()
    {
        await WriteForeignLockAsync("crashed.md", _time.GetUtcNow() - TimeSpan.FromSeconds(1));

        await using var held = await _app.Get<PublishLock>().AcquireAsync("crashed.md", Cancellation).WaitAsync(TimeSpan.FromSeconds(5), Cancellation);

        Assert.True((await LockRowAsync("crashed.md"))?.GetDateTimeOffset("ExpiresAt") > _time.GetUtcNow());
        await held.RecordAsync(Published("crashed.md"), Cancellation);
        Assert.Equal(SubmissionState.Published, (await _app.Submissions.GetAsync("crashed.md", Cancellation))?.State);
    }

    [Fact]
    public async Task Lock_held_elsewhere_past_the_wait_limit_times_the_delivery_out()
    {
        await WriteForeignLockAsync("stuck.md", _time.GetUtcNow() + TimeSpan.FromDays(1));
        var options = _app.Get<Microsoft.Extensions.Options.IOptions<PublishingOptions>>().Value;

        var waiting = _app.Get<PublishLock>().AcquireAsync("stuck.md", Cancellation);
        await Task.Delay(100, Cancellation);
        Assert.False(waiting.IsCompleted);

        // The waiting delivery looks again after each back-off pause, on the app's clock.
        var waited = TimeSpan.Zero;
        while (!waiting.IsCompleted && waited <= options.LockWaitTimeout * 2)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            waited += TimeSpan.FromSeconds(5);
            await Task.Delay(20, Cancellation);
        }

        await Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), Cancellation));
        Assert.True(waited >= options.LockWaitTimeout, $"timed out after {waited}, before the {options.LockWaitTimeout} wait limit");
    }
}
