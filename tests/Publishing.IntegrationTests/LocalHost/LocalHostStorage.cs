using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Storage;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Storage names of one test's (or fixture's) own for everything the local host touches: the app's containers
/// and tables, the blob-trigger and poison queues, the relay's table and dead-letter container. Deleted at the end.
/// Intervals are short so that each test takes seconds.
/// </summary>
public sealed class LocalHostStorage : IAsyncDisposable
{
    public LocalHostStorage()
    {
        Settings = TestNames.IsolatedSettings();
        var id = Guid.NewGuid().ToString("N")[..16];
        Settings["LocalHost:BlobTriggerQueue"] = $"trigger-{id}";
        Settings["LocalHost:PoisonQueue"] = $"poison-{id}";
        Settings["LocalHost:PollInterval"] = "00:00:00.200";
        Settings["LocalHost:RetryDelay"] = "00:00:00";
        Settings["Relay:StateTable"] = $"relay{id}";
        Settings["Relay:DeadLetterContainer"] = $"deadletter-{id}";
        Settings["Relay:PollInterval"] = "00:00:00.050";
        Settings["Relay:FirstRetryDelay"] = "00:00:00.050";
        Settings["Relay:MaxRetryDelay"] = "00:00:00.200";
        Settings["Relay:MaxDeliveryAttempts"] = "3";
        Settings["Relay:DeliveryTimeout"] = "00:00:05";

        // The tests share one Azurite, which parallel tests keep busy: a read may wait on it longer than a reader's
        // budget in production (1.5 s) without anything being down. ReadOutageTests measure the defaults.
        Settings["StorageClient:Read:Deadline"] = "00:00:15";
        Settings["StorageClient:Read:NetworkTimeout"] = "00:00:10";
        Blobs = new BlobServiceClient(Azurite.ConnectionString);
        Queues = new QueueServiceClient(Azurite.ConnectionString);
        Tables = new TableServiceClient(Azurite.ConnectionString);
        Articles = Blobs.GetBlobContainerClient(Settings["ArticlesContainer"]);
        DeadLetters = Blobs.GetBlobContainerClient(Settings["Relay:DeadLetterContainer"]);
        TriggerQueue = Queues.GetQueueClient(Settings["LocalHost:BlobTriggerQueue"]);
        PoisonQueue = Queues.GetQueueClient(Settings["LocalHost:PoisonQueue"]);
    }

    /// <summary>Settings for the host (mutable until it starts).</summary>
    public Dictionary<string, string?> Settings { get; }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public TableServiceClient Tables { get; }

    public BlobContainerClient Articles { get; }

    public BlobContainerClient DeadLetters { get; }

    public QueueClient TriggerQueue { get; }

    public QueueClient PoisonQueue { get; }

    /// <summary>
    /// A domain service (<c>TagIndex</c>, say) on this test's storage names, wired as the app wires it, for tests
    /// that set up state past the app (the app itself runs in the worker process).
    /// </summary>
    public T Domain<T>()
        where T : notnull
    {
        _domain ??= new ServiceCollection()
            .AddLogging()
            .AddPublishingStorage(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build())
            .AddArticles(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build())
            .BuildServiceProvider();
        return _domain.GetRequiredService<T>();
    }

    private ServiceProvider? _domain;

    /// <summary>
    /// How many messages wait on the blob-trigger queue (up to 32). A queue the host has not created yet holds none:
    /// the trigger pump creates it in the background after the host answers, so a test may look first.
    /// </summary>
    public async Task<int> QueuedTriggersAsync()
    {
        try
        {
            return (await TriggerQueue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value.Length;
        }
        catch (RequestFailedException e) when (e.ErrorCode == "QueueNotFound")
        {
            return 0;
        }
    }

    /// <summary>Uploads a file into the test's articles container as an editor would, and returns the new version's ETag.</summary>
    public Task<ETag> DropAsync(string name, string content) => DropAsync(Articles, name, content);

    public static async Task<ETag> DropAsync(BlobContainerClient container, string name, string content)
    {
        ArgumentNullException.ThrowIfNull(container);
        await container.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var uploaded = await container.GetBlobClient(name).UploadAsync(
            BinaryData.FromString(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/markdown; charset=utf-8" } },
            TestContext.Current.CancellationToken);
        return uploaded.Value.ETag;
    }

    public async ValueTask DisposeAsync()
    {
        if (_domain is not null)
        {
            await _domain.DisposeAsync();
        }

        // Every setting that names a container, table or queue is this test's own.
        string[] Named(string suffix) => [.. Settings.Where(s => s.Key.EndsWith(suffix, StringComparison.Ordinal)).Select(s => s.Value).OfType<string>()];
        await Task.WhenAll(
            Named("Container").Select(c => Quietly(() => Blobs.GetBlobContainerClient(c).DeleteIfExistsAsync()))
                .Concat(Named("Table").Select(t => Quietly(() => Tables.DeleteTableAsync(t))))
                .Concat(Named("Queue").Select(q => Quietly(() => Queues.GetQueueClient(q).DeleteIfExistsAsync()))));
    }

    private static async Task Quietly<T>(Func<Task<T>> delete)
    {
        try
        {
            await delete();
        }
        catch (RequestFailedException)
        {
            // Clean-up is best effort.
        }
    }
}
