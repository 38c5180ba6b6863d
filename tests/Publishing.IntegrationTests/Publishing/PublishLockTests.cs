using Microsoft.Extensions.Time.Testing;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.IntegrationTests.LocalHost;
using Publishing.Publication;

namespace Publishing.IntegrationTests.Publishing;

/// <summary>The per-file lease on Azurite, with the app's clock moved by the test.</summary>
public sealed class PublishLockTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FaultInjectionPolicy _storage = new();
    private readonly PublishingHarness _app;

    public PublishLockTests() => _app = new PublishingHarness(settings => settings["StorageClient:Retry:MaxRetries"] = "0", _storage, _time);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>A lease call on a lock blob; once the lock is held and before it is released, only renewals are made.</summary>
    private bool IsLeaseCall(StorageRequest request) =>
        request.Container == _app.Storage.Locks.Name && request.Uri.Query.Contains("comp=lease", StringComparison.Ordinal);

    [Fact]
    public async Task Held_lock_renews_its_lease_before_it_can_run_out()
    {
        await using var held = await _app.Get<PublishLock>().AcquireAsync("slow.md", Cancellation);
        var renewals = _storage.FailFrom(int.MaxValue, IsLeaseCall); // counts, never fails

        _time.Advance(PublishLock.LeaseDuration / 2);

        await Eventually.TrueAsync(() => Task.FromResult(renewals.Matched > 0), "the lease to be renewed");
        Assert.False(held.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task Lock_whose_lease_cannot_be_renewed_says_it_is_lost_so_the_publish_stops()
    {
        await using var held = await _app.Get<PublishLock>().AcquireAsync("lost.md", Cancellation);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = held.Lost.Register(lost.SetResult);
        var renewal = _storage.FailFrom(1, IsLeaseCall);

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
}
