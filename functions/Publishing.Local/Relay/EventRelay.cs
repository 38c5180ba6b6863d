using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Relay;

/// <summary>
/// Makes blob drops in Azurite reach the host the way Event Grid makes them reach it in Azure. Every
/// <see cref="RelayOptions.PollInterval"/> it lists each watched container, compares each blob's ETag with the
/// <see cref="RelayLedger"/>, and posts a <c>Microsoft.Storage.BlobCreated</c> event for every version not yet
/// delivered to <c>/runtime/webhooks/blobs?functionName=Host.Functions.&lt;name&gt;</c>. Failed deliveries are
/// retried with exponential backoff and, after <see cref="RelayOptions.MaxDeliveryAttempts"/>, dead-lettered.
/// </summary>
internal sealed partial class EventRelay : BackgroundService
{
    public const string HttpClientName = "event-relay";

    private readonly RelaySubscriptions _subscriptions;
    private readonly StorageAccounts _accounts;
    private readonly RelayLedger _ledger;
    private readonly DeadLetterStore _deadLetters;
    private readonly WebhookTarget _target;
    private readonly IHttpClientFactory _httpClients;
    private readonly RelayOptions _options;
    private readonly TimeProvider _time;
    private readonly Microsoft.Extensions.Configuration.IConfiguration _configuration;
    private readonly ILogger<EventRelay> _logger;
    private readonly SemaphoreSlim _deliverySlots;

    public EventRelay(
        RelaySubscriptions subscriptions,
        StorageAccounts accounts,
        RelayLedger ledger,
        DeadLetterStore deadLetters,
        WebhookTarget target,
        IHttpClientFactory httpClients,
        IOptions<RelayOptions> options,
        TimeProvider time,
        Microsoft.Extensions.Configuration.IConfiguration configuration,
        ILogger<EventRelay> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _subscriptions = subscriptions;
        _accounts = accounts;
        _ledger = ledger;
        _deadLetters = deadLetters;
        _target = target;
        _httpClients = httpClients;
        _options = options.Value;
        _time = time;
        _configuration = configuration;
        _logger = logger;
        _deliverySlots = new SemaphoreSlim(_options.MaxConcurrentDeliveries);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<RelaySubscription> subscriptions;
        try
        {
            subscriptions = await _subscriptions.Items.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            return; // the app's functions never became known; the host reports why
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (subscriptions.Count == 0)
        {
            LogNothingToWatch();
            return;
        }

        List<Watch> watches;
        try
        {
            var baseAddress = await _target.GetBaseAddressAsync(stoppingToken);
            var deletionsQueue = _options.DeletionsQueue ?? (_configuration[RelayOptions.DeletionsQueueSetting] is { Length: > 0 } name ? name : null);
            watches = [.. subscriptions.Select(s => new Watch(
                s,
                _accounts.Blobs(s.Connection),
                new Uri(baseAddress, $"runtime/webhooks/blobs?functionName={Uri.EscapeDataString(s.FunctionId)}"))
            {
                Deletions = deletionsQueue is null ? null : _accounts.Queues(s.Connection).GetQueueClient(deletionsQueue),
            })];
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        foreach (var watch in watches)
        {
            LogWatching(watch.Subscription.Container, watch.Endpoint);
        }

        var storageDown = false;
        try
        {
            while (true)
            {
                var started = _time.GetTimestamp();
                try
                {
                    foreach (var watch in watches)
                    {
                        await PollAsync(watch, stoppingToken);
                    }

                    if (storageDown)
                    {
                        storageDown = false;
                        LogStorageBack();
                    }
                }
                catch (Exception e) when (StorageFaults.IsStorageFault(e) && !stoppingToken.IsCancellationRequested)
                {
                    if (!storageDown)
                    {
                        storageDown = true;
                        LogStorageUnavailable(e);
                    }
                }

                await Task.Delay(PauseAfter(_time.GetElapsedTime(started)), _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; deliveries in flight end below and are made again on the next start.
        }

        await Task.WhenAll(watches.SelectMany(w => w.InFlight.Values));
    }

    /// <summary>
    /// The wait before the next poll: <see cref="RelayOptions.PollInterval"/>, stretched so that listing (which
    /// costs the relay and Azurite time in proportion to the number of blobs) takes at most a tenth of the time.
    /// </summary>
    private TimeSpan PauseAfter(TimeSpan poll) => TimeSpan.FromTicks(Math.Max(_options.PollInterval.Ticks, poll.Ticks * 9));

    public override void Dispose()
    {
        _deliverySlots.Dispose();
        base.Dispose();
    }

    private async Task PollAsync(Watch watch, CancellationToken cancellationToken)
    {
        watch.Records ??= new ConcurrentDictionary<string, RelayRecord>(
            await _ledger.LoadAsync(watch.Subscription.FunctionName, cancellationToken), StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var blob in watch.Container.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                present.Add(blob.Name);
                var etag = BlobEvents.Unquoted(blob.Properties.ETag?.ToString());
                if (watch.InFlight.ContainsKey(blob.Name)
                    || (watch.Records.TryGetValue(blob.Name, out var record) && record.ETag == etag))
                {
                    continue;
                }

                var @event = BlobEvents.CreatedFor(watch.AccountName, watch.Subscription.Container, blob, watch.Container.GetBlobClient(blob.Name).Uri);
                var delivery = DeliverAsync(watch, blob.Name, @event, cancellationToken);
                watch.InFlight[blob.Name] = delivery;
                _ = delivery.ContinueWith(_ => watch.InFlight.TryRemove(blob.Name, out Task? _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return; // the container does not exist yet: nothing dropped
        }

        foreach (var gone in watch.Records.Keys.Where(name => !present.Contains(name) && !watch.InFlight.ContainsKey(name)).ToList())
        {
            // Delivered before forgotten: should the relay stop in between, the ledger still names the blob and the
            // next start delivers the deletion (a repeated deletion is harmless, as Event Grid's repeats are).
            await DeliverDeletionAsync(watch, gone, cancellationToken);
            watch.Records.TryRemove(gone, out _);
            await _ledger.ForgetAsync(watch.Subscription.FunctionName, gone, cancellationToken);
        }
    }

    /// <summary>
    /// Writes the <c>BlobDeleted</c> event to the deletions queue, Base64-encoded JSON as Event Grid writes queue messages.
    /// Storage faults propagate: the blob stays in the ledger and the next poll tries again.
    /// </summary>
    private async Task DeliverDeletionAsync(Watch watch, string blobName, CancellationToken cancellationToken)
    {
        if (watch.Deletions is not { } queue)
        {
            return;
        }

        if (!watch.DeletionsQueueCreated)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            watch.DeletionsQueueCreated = true;
        }

        var @event = BlobEvents.DeletedFor(watch.AccountName, watch.Subscription.Container, blobName, watch.Container.GetBlobClient(blobName).Uri, _time.GetUtcNow());
        await queue.SendMessageAsync(Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(@event, EventGridJson.Default.EventGridEventBlobDeletedEventData)), cancellationToken);
        LogDeletionDelivered(watch.Subscription.Container, blobName, queue.Name);
    }

    private async Task DeliverAsync(Watch watch, string blobName, EventGridEvent<BlobCreatedEventData> @event, CancellationToken cancellationToken)
    {
        try
        {
            await _deliverySlots.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes([@event], EventGridJson.Default.EventGridEventBlobCreatedEventDataArray);
            var client = _httpClients.CreateClient(HttpClientName);
            string lastError = string.Empty;
            int? lastStatus = null;
            var attempts = 0;
            while (true)
            {
                attempts++;
                (var delivered, lastError, lastStatus) = await PostAsync(client, watch, body, attempts, cancellationToken);
                if (delivered)
                {
                    await RememberAsync(watch, new RelayRecord(blobName, @event.Data.ETag, RelayOutcome.Delivered, attempts, null, _time.GetUtcNow()), cancellationToken);
                    LogDelivered(watch.Subscription.Container, blobName, @event.Data.ETag, watch.Subscription.FunctionId, attempts);
                    return;
                }

                if (attempts >= _options.MaxDeliveryAttempts)
                {
                    break;
                }

                var delay = _options.RetryDelayAfter(attempts);
                LogAttemptFailed(watch.Subscription.Container, blobName, attempts, _options.MaxDeliveryAttempts, lastError, delay.TotalSeconds);
                await Task.Delay(delay, _time, cancellationToken);
            }

            var failure = new DeliveryFailure(watch.Endpoint, attempts, lastError, lastStatus, _time.GetUtcNow());
            var deadLetter = await _deadLetters.WriteAsync(watch.Subscription, @event, failure, cancellationToken);
            await RememberAsync(watch, new RelayRecord(blobName, @event.Data.ETag, RelayOutcome.DeadLettered, attempts, lastError, _time.GetUtcNow()), cancellationToken);
            LogDeadLettered(watch.Subscription.Container, blobName, attempts, lastError, _deadLetters.ContainerName, deadLetter);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: nothing is recorded, so the next start delivers this version.
        }
        catch (Exception e) when (StorageFaults.IsStorageFault(e))
        {
            LogRecordFailed(e, watch.Subscription.Container, blobName);
        }
        finally
        {
            _deliverySlots.Release();
        }
    }

    private async Task<(bool Delivered, string Error, int? Status)> PostAsync(
        HttpClient client, Watch watch, byte[] body, int attempt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, watch.Endpoint)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        request.Headers.Add(BlobWebhook.EventTypeHeader, "Notification");
        request.Headers.Add("aeg-subscription-name", watch.Subscription.FunctionName.ToUpperInvariant());
        request.Headers.Add("aeg-delivery-count", (attempt - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("aeg-data-version", string.Empty);
        request.Headers.Add("aeg-metadata-version", "1");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DeliveryTimeout);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode
                ? (true, string.Empty, (int)response.StatusCode)
                : (false, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return (false, e.Message, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {_options.DeliveryTimeout.TotalSeconds:0.#} s", null);
        }
    }

    /// <summary>Remembered in memory first, so this run never repeats it even if the ledger write fails.</summary>
    private async Task RememberAsync(Watch watch, RelayRecord record, CancellationToken cancellationToken)
    {
        if (watch.Records is { } records)
        {
            records[record.BlobName] = record;
        }

        await _ledger.SaveAsync(watch.Subscription.FunctionName, record, cancellationToken);
    }

    private sealed class Watch(RelaySubscription subscription, BlobServiceClient blobs, Uri endpoint)
    {
        public RelaySubscription Subscription { get; } = subscription;

        public string AccountName { get; } = blobs.AccountName;

        public BlobContainerClient Container { get; } = blobs.GetBlobContainerClient(subscription.Container);

        public Uri Endpoint { get; } = endpoint;

        public ConcurrentDictionary<string, RelayRecord>? Records { get; set; }

        public ConcurrentDictionary<string, Task> InFlight { get; } = new(StringComparer.Ordinal);

        /// <summary>Where the container's BlobDeleted events go; null when deletions are not relayed.</summary>
        public Azure.Storage.Queues.QueueClient? Deletions { get; init; }

        public bool DeletionsQueueCreated { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relaying blob drops in container '{Container}' to {Endpoint}")]
    private partial void LogWatching(string container, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered BlobDeleted for {Container}/{Blob} to the queue '{Queue}'")]
    private partial void LogDeletionDelivered(string container, string blob, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The app has no Event Grid-sourced blob trigger; the relay has nothing to watch")]
    private partial void LogNothingToWatch();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered BlobCreated for {Container}/{Blob} (ETag {ETag}) to {FunctionId} (attempt {Attempt})")]
    private partial void LogDelivered(string container, string blob, string etag, string functionId, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery of {Container}/{Blob} failed (attempt {Attempt} of {MaxAttempts}: {Error}); retrying in {Seconds:0.#} s")]
    private partial void LogAttemptFailed(string container, string blob, int attempt, int maxAttempts, string error, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up delivering {Container}/{Blob} after {Attempts} attempts ({Error}); dead-lettered to {DeadLetterContainer}/{DeadLetter}. It is delivered again when the blob changes.")]
    private partial void LogDeadLettered(string container, string blob, int attempts, string error, string deadLetterContainer, string deadLetter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the delivery of {Container}/{Blob}; it will be delivered again")]
    private partial void LogRecordFailed(Exception exception, string container, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay cannot reach storage (is Azurite running on 127.0.0.1:10000-10002?); retrying")]
    private partial void LogStorageUnavailable(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The relay reaches storage again")]
    private partial void LogStorageBack();
}
