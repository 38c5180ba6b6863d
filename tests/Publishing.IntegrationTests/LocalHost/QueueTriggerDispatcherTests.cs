using Azure.Storage.Queues;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Queue triggers run through the real worker as the Functions host's queue listener runs them: a message whose
/// function throws is tried again, five tries in all, then moved to <c>&lt;queue&gt;-poison</c>; one that is not
/// Base64 (host.json's default <c>messageEncoding</c>) is poisoned without a call.
/// </summary>
public sealed class QueueTriggerDispatcherTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Queue_function_that_keeps_throwing_is_tried_five_times_then_its_message_is_moved_to_the_poison_queue()
    {
        await using var storage = new LocalHostStorage();
        var calls = RecordedCalls.In(storage);
        await using var host = await TestFunctions.StartHostAsync(storage);
        var (queue, poison) = await QueuesAsync(storage, "FailingQueue");

        await queue.SendMessageAsync(Convert.ToBase64String("doomed"u8), Cancellation);

        var poisoned = await PoisonedAsync(poison);
        Assert.Equal(Convert.ToBase64String("doomed"u8), poisoned.Body.ToString());
        Assert.Equal(5, await calls.OfAsync("QueueAlwaysFails", "doomed"));
        Assert.Empty((await queue.PeekMessagesAsync(10, Cancellation)).Value);
    }

    [Fact]
    public async Task Queue_function_that_throws_twice_succeeds_on_its_third_try_and_nothing_is_poisoned()
    {
        await using var storage = new LocalHostStorage();
        var calls = RecordedCalls.In(storage);
        await using var host = await TestFunctions.StartHostAsync(storage);
        var (queue, poison) = await QueuesAsync(storage, "FlakyQueue");

        await queue.SendMessageAsync(Convert.ToBase64String("flaky"u8), Cancellation);

        await Eventually.TrueAsync(async () => await calls.OfAsync("QueueFailsTwice", "flaky") >= 3, "a third try");
        await Eventually.TrueAsync(async () => (await queue.PeekMessagesAsync(10, Cancellation)).Value.Length == 0, "the message to be deleted");
        await Task.Delay(500, Cancellation);
        Assert.Equal(3, await calls.OfAsync("QueueFailsTwice", "flaky"));
        Assert.False((await poison.ExistsAsync(Cancellation)).Value && (await poison.PeekMessagesAsync(10, Cancellation)).Value.Length > 0);
    }

    [Fact]
    public async Task Queue_message_that_is_not_Base64_is_poisoned_at_once_without_calling_the_function()
    {
        await using var storage = new LocalHostStorage();
        var calls = RecordedCalls.In(storage);
        await using var host = await TestFunctions.StartHostAsync(storage);
        var (queue, poison) = await QueuesAsync(storage, "FlakyQueue");

        await queue.SendMessageAsync("not base64 at all!", Cancellation);

        var poisoned = await PoisonedAsync(poison);
        Assert.Equal("not base64 at all!", poisoned.Body.ToString());
        Assert.Equal(0, await calls.OfAsync("QueueFailsTwice", "not base64 at all!"));
    }

    private static async Task<(QueueClient Queue, QueueClient Poison)> QueuesAsync(LocalHostStorage storage, string setting)
    {
        var queue = storage.Queues.GetQueueClient(storage.Settings[setting]);
        await queue.CreateIfNotExistsAsync(cancellationToken: Cancellation);
        return (queue, storage.Queues.GetQueueClient(queue.Name + "-poison"));
    }

    private static Task<Azure.Storage.Queues.Models.PeekedMessage> PoisonedAsync(QueueClient poison) =>
        Eventually.GetAsync(
            async () => (await poison.ExistsAsync(Cancellation)).Value
                ? (await poison.PeekMessagesAsync(10, Cancellation)).Value.FirstOrDefault()
                : null,
            "a poison message");
}
