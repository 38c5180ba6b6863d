using System.Text.Json;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Blob triggers run from the queue through the real worker as in the Functions host: retried when they throw
/// (at once: the host's shared blob queue releases a failed message with no visibility delay), parked as poison
/// after five tries.
/// </summary>
public sealed class BlobTriggerDispatcherTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Blob_function_that_keeps_throwing_is_tried_five_times_then_its_message_is_moved_to_the_poison_queue()
    {
        await using var storage = new LocalHostStorage();
        var calls = RecordedCalls.In(storage);
        await using var host = await TestFunctions.StartHostAsync(storage);

        await LocalHostStorage.DropAsync(storage.Blobs.GetBlobContainerClient(storage.Settings["FailingContainer"]), "2025/doomed.md", "# Doomed\n");

        var poisoned = await Eventually.GetAsync(
            async () => (await storage.PoisonQueue.ExistsAsync(Cancellation)).Value
                ? (await storage.PoisonQueue.PeekMessagesAsync(10, Cancellation)).Value.FirstOrDefault()
                : null,
            "a poison message");
        var message = JsonDocument.Parse(poisoned.Body.ToString()).RootElement;
        Assert.Equal("Host.Functions.AlwaysFails", message.GetProperty("FunctionId").GetString());
        Assert.Equal("2025/doomed.md", message.GetProperty("BlobName").GetString());
        Assert.Equal(5, await calls.OfAsync("AlwaysFails", "2025/doomed.md"));
        Assert.Equal(0, await storage.QueuedTriggersAsync());
    }

    [Fact]
    public async Task Blob_function_that_throws_twice_succeeds_on_its_third_try_and_nothing_is_poisoned()
    {
        await using var storage = new LocalHostStorage();
        var calls = RecordedCalls.In(storage);
        await using var host = await TestFunctions.StartHostAsync(storage);

        await LocalHostStorage.DropAsync(storage.Blobs.GetBlobContainerClient(storage.Settings["FlakyContainer"]), "flaky.md", "# Flaky\n");

        await Eventually.TrueAsync(async () => await calls.OfAsync("FailsTwice", "flaky.md") >= 3, "a third try");
        await Eventually.TrueAsync(
            async () => await storage.QueuedTriggersAsync() == 0,
            "the message to be deleted");
        await Task.Delay(500, Cancellation);
        Assert.Equal(3, await calls.OfAsync("FailsTwice", "flaky.md"));
        Assert.False((await storage.PoisonQueue.ExistsAsync(Cancellation)).Value
            && (await storage.PoisonQueue.PeekMessagesAsync(10, Cancellation)).Value.Length > 0);
    }
}
