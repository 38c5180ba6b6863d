using System.Text.Json;
using Azure;
using Publishing.Local.Functions;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Local.Relay;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The relay stands in for Event Grid: it catches up, retries, dead-letters, and delivers each blob version once.</summary>
public sealed class EventRelayTests
{
    private static readonly IReadOnlyList<FunctionMetadata> Functions =
        FunctionMetadataFile.Read(Path.Combine(AppContext.BaseDirectory, "FunctionApp", FunctionMetadataFile.FileName));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task File_dropped_while_the_app_was_stopped_is_published_when_it_starts_again()
    {
        await using var storage = new LocalHostStorage();
        await using (var before = await TestLocalHost.StartAsync(storage))
        {
            await storage.DropAsync("before-the-stop.md", "# Before the stop\n\nText.\n");
            (await before.GetWhenOkAsync("articles/before-the-stop")).Dispose();
        }

        await storage.DropAsync("while-it-was-stopped.md", "# While it was stopped\n\nText.\n");
        await using var after = await TestLocalHost.StartAsync(storage);

        using var page = await after.GetWhenOkAsync("articles/while-it-was-stopped");
        Assert.Contains("While it was stopped", await page.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_that_fails_is_retried_and_succeeds_once_the_host_listens()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Relay:MaxDeliveryAttempts"] = "20";
        storage.Settings["Relay:FirstRetryDelay"] = "00:00:00.100";
        var port = WebhookRecorder.FreePort();
        await using var relay = await StartRelayAsync(storage, new Uri($"http://127.0.0.1:{port}/"));

        await storage.DropAsync("early.md", "# Early\n");
        await Task.Delay(400, Cancellation); // a few refused attempts
        await using var host = await WebhookRecorder.StartAsync(port);

        var delivery = await Eventually.GetAsync(() => Task.FromResult(host.Deliveries.FirstOrDefault()), "the retried delivery");
        Assert.True(int.Parse(delivery.DeliveryCount, System.Globalization.CultureInfo.InvariantCulture) > 0, $"aeg-delivery-count was {delivery.DeliveryCount}");
        await AssertNoDeadLettersAsync(storage);
    }

    [Fact]
    public async Task Delivery_that_keeps_failing_is_dead_lettered_and_not_retried_until_the_blob_changes()
    {
        await using var storage = new LocalHostStorage();
        var nobody = new Uri($"http://127.0.0.1:{WebhookRecorder.FreePort()}/");
        await using var relay = await StartRelayAsync(storage, nobody);

        var first = await storage.DropAsync("undeliverable.md", "# Undeliverable\n");
        var deadLetter = (await DeadLettersAsync(storage, 1)).Single();

        Assert.Equal("MaxDeliveryAttemptsExceeded", deadLetter.GetProperty("deadLetterReason").GetString());
        Assert.Equal(3, deadLetter.GetProperty("deliveryAttempts").GetInt32());
        Assert.False(string.IsNullOrEmpty(deadLetter.GetProperty("lastDeliveryOutcome").GetString()));
        Assert.Equal("Microsoft.Storage.BlobCreated", deadLetter.GetProperty("eventType").GetString());
        Assert.EndsWith("/blobs/undeliverable.md", deadLetter.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(Unquoted(first), deadLetter.GetProperty("data").GetProperty("eTag").GetString());

        await Task.Delay(1000, Cancellation); // twenty polls: the same version is not tried again
        Assert.Single(await DeadLettersAsync(storage, 1));

        var second = await storage.DropAsync("undeliverable.md", "# Undeliverable, edited\n");
        var both = await DeadLettersAsync(storage, 2);
        Assert.Contains(both, d => d.GetProperty("data").GetProperty("eTag").GetString() == Unquoted(second));
    }

    [Fact]
    public async Task Changed_blob_is_delivered_again_and_an_unchanged_one_is_not()
    {
        await using var storage = new LocalHostStorage();
        await using var host = await WebhookRecorder.StartAsync();
        await using var relay = await StartRelayAsync(storage, host.BaseAddress);

        var first = await storage.DropAsync("2025/05/changing.md", "# Changing\n");
        var delivery = await Eventually.GetAsync(() => Task.FromResult(host.Deliveries.FirstOrDefault()), "the first delivery");
        await Task.Delay(1000, Cancellation); // twenty polls of an unchanged blob
        Assert.Single(host.Deliveries);

        var blobFunction = Functions.Single(f => f.Bindings.Any(b => b.IsBlobTrigger)).Name;
        var container = storage.Settings["ArticlesContainer"];
        Assert.Equal("Host.Functions." + blobFunction, delivery.FunctionName);
        Assert.Equal("Notification", delivery.EventType);
        var @event = delivery.Event;
        Assert.Equal("Microsoft.Storage.BlobCreated", @event.GetProperty("eventType").GetString());
        Assert.Equal($"/blobServices/default/containers/{container}/blobs/2025/05/changing.md", @event.GetProperty("subject").GetString());
        Assert.Equal(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
            @event.GetProperty("topic").GetString());
        Assert.Equal("1", @event.GetProperty("metadataVersion").GetString());
        Assert.False(string.IsNullOrEmpty(@event.GetProperty("id").GetString()));
        var data = @event.GetProperty("data");
        Assert.Equal("PutBlob", data.GetProperty("api").GetString());
        Assert.Equal("BlockBlob", data.GetProperty("blobType").GetString());
        Assert.Equal(Unquoted(first), data.GetProperty("eTag").GetString());
        Assert.EndsWith($"/{container}/2025/05/changing.md", data.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("text/markdown", data.GetProperty("contentType").GetString(), StringComparison.Ordinal);

        var second = await storage.DropAsync("2025/05/changing.md", "# Changing, second version\n");
        await Eventually.TrueAsync(() => Task.FromResult(host.Deliveries.Count >= 2), "the second delivery");
        await Task.Delay(500, Cancellation);
        Assert.Equal(
            [Unquoted(first), Unquoted(second)],
            host.Deliveries.Select(d => d.Event.GetProperty("data").GetProperty("eTag").GetString()));
    }

    [Fact]
    public async Task Container_larger_than_a_page_is_swept_a_page_per_poll_and_each_version_and_deletion_relayed_once()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Relay:ListPageSize"] = "3";
        string[] names = ["a.md", "b.md", "c.md", "d.md", "e.md", "f.md", "g.md", "h.md"];
        foreach (var name in names)
        {
            await storage.DropAsync(name, $"# {name}\n");
        }

        // Every list call the relay makes, seen on the wire between it and Azurite.
        var pageSizes = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        var faults = new FaultInjectionPolicy();
        faults.FailNth(1, request =>
        {
            if (request.Container == storage.Articles.Name && request.Blob is null && request.Method == Azure.Core.RequestMethod.Get
                && System.Web.HttpUtility.ParseQueryString(request.Uri.Query) is { } query && query["comp"] == "list")
            {
                pageSizes.Enqueue(query["maxresults"]);
            }

            return false;
        });
        await using var proxy = await StorageFaultProxy.StartAsync(faults, Cancellation);
        storage.Settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        await using var host = await WebhookRecorder.StartAsync();
        await using var relay = await StartRelayAsync(storage, host.BaseAddress);

        await Eventually.TrueAsync(() => Task.FromResult(host.Deliveries.Count >= names.Length), "a delivery for each of the 8 files");
        await Task.Delay(1000, Cancellation); // several sweeps of the three pages
        Assert.Equal(names, host.Deliveries.Select(d => d.Event.GetProperty("subject").GetString()!.Split("/blobs/")[1]).Order(StringComparer.Ordinal));
        Assert.True(pageSizes.Count >= 6, $"{pageSizes.Count} list calls: the relay should have swept the three pages more than once");
        Assert.All(pageSizes, size => Assert.Equal("3", size));

        // A file deleted from the middle page: its deletion is relayed once, and no other file is taken for deleted.
        await storage.Articles.DeleteBlobAsync("e.md", cancellationToken: Cancellation);
        var deletions = storage.Queues.GetQueueClient(storage.Settings["ArticleDeletionsQueue"]);
        var deleted = await Eventually.GetAsync(
            async () => (await deletions.ExistsAsync(Cancellation)).Value
                ? (await deletions.PeekMessagesAsync(32, Cancellation)).Value is { Length: > 0 } messages ? messages : null
                : null,
            "the deletion of e.md on the queue");
        await Task.Delay(1000, Cancellation);
        var subjects = (await deletions.PeekMessagesAsync(32, Cancellation)).Value
            .Select(m => JsonDocument.Parse(Convert.FromBase64String(m.MessageText)).RootElement.GetProperty("subject").GetString())
            .ToList();
        Assert.Equal([$"/blobServices/default/containers/{storage.Articles.Name}/blobs/e.md"], subjects);
        Assert.NotEmpty(deleted);
    }

    private static async Task<RunningRelay> StartRelayAsync(LocalHostStorage storage, Uri target)
    {
        var relay = RelayHost.Build(new RelayHostSetup
        {
            Target = target,
            Functions = Functions,
            Settings = new Dictionary<string, string?>(storage.Settings) { ["Logging:LogLevel:Default"] = "Error" },
        });
        await relay.StartAsync(Cancellation);
        return new RunningRelay(relay);
    }

    private static async Task<IReadOnlyList<JsonElement>> DeadLettersAsync(LocalHostStorage storage, int atLeast) =>
        await Eventually.GetAsync(
            async () =>
            {
                var letters = new List<JsonElement>();
                try
                {
                    await foreach (var blob in storage.DeadLetters.GetBlobsAsync(cancellationToken: Cancellation))
                    {
                        var content = await storage.DeadLetters.GetBlobClient(blob.Name).DownloadContentAsync(Cancellation);
                        letters.AddRange(content.Value.Content.ToObjectFromJson<JsonElement[]>() ?? []);
                    }
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    return null;
                }

                return letters.Count >= atLeast ? letters : null;
            },
            $"{atLeast} dead letter(s)");

    private static async Task AssertNoDeadLettersAsync(LocalHostStorage storage) =>
        Assert.False(await storage.DeadLetters.ExistsAsync(Cancellation) && await storage.DeadLetters.GetBlobsAsync(cancellationToken: Cancellation).AnyAsync(Cancellation));

    private static string Unquoted(ETag etag) => etag.ToString().Trim('"');
}
