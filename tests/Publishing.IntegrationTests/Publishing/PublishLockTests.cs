using Azure.Core;
using Microsoft.Extensions.Time.Testing;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Publishing;

namespace Publishing.IntegrationTests.Publishing;

/// <summary>The per-file lease on Azurite, with the app's clock moved by the test.</summary>
public sealed class PublishLockTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly StorageFaultPolicy _storage = new();
    private readonly PublishingHarness _app;

    public PublishLockTests() => _app = new PublishingHarness(settings => settings["StorageClient:Retry:MaxRetries"] = "0", _storage, _time);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static bool IsLeaseRenewal(Request request) =>
        request.Headers.TryGetValue("x-ms-lease-action", out var action) && action == "renew";

    [Fact]
    public async Task Held_lock_renews_its_lease_before_it_can_run_out()
    {
        var renewed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _storage.Arm(request =>
        {
            if (IsLeaseRenewal(request))
            {
                renewed.TrySetResult();
            }

            return false; // watch, don't fault
        });
        await using var held = await _app.Get<PublishLock>().AcquireAsync("slow.md", Cancellation);

        _time.Advance(PublishLock.LeaseDuration / 2);

        await renewed.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(held.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task Lock_whose_lease_cannot_be_renewed_says_it_is_lost_so_the_publish_stops()
    {
        await using var held = await _app.Get<PublishLock>().AcquireAsync("lost.md", Cancellation);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        held.Lost.Register(lost.SetResult);
        _storage.Arm(IsLeaseRenewal);

        _time.Advance(PublishLock.LeaseDuration / 2);

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(_storage.Faulted > 0);
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
