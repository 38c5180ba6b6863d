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
/// Makes blob drops in Azurite reach the host the way Event Grid makes them reach it in Azure. It posts a
/// <c>Microsoft.Storage.BlobCreated</c> event for every blob version not yet delivered to
/// <c>/runtime/webhooks/blobs?functionName=Host.Functions.&lt;name&gt;</c>, and writes <c>Microsoft.Storage.BlobDeleted</c>
/// events to the deletions queue. It learns of changes two ways: at once, from <see cref="BlobChanges"/>, for what is
/// written through <see cref="BlobEndpointProxy"/>; and by sweeping each watched container, one page of
/// <see cref="RelayOptions.ListPageSize"/> blobs every <see cref="RelayOptions.PollInterval"/>, comparing each blob's
/// ETag with the <see cref="RelayLedger"/>, for what other tools write straight to Azurite and what was dropped while
/// nothing ran. A poll therefore costs about the same in a container of a hundred files or of fifty thousand. Failed
/// deliveries are retried with exponential backoff and, after <see cref="RelayOptions.MaxDeliveryAttempts"/>, dead-lettered.
/// </summary>
internal sealed partial class EventRelay : BackgroundService
{
    public const string HttpClientName = "event-relay";

    private readonly RelaySubscriptions _subscriptions;
    private readonly BlobChanges _changes;
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
        BlobChanges changes,
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
        _changes = changes;
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

        var changes = FollowChangesAsync(watches, stoppingToken);
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

        await changes;
        await Task.WhenAll(watches.SelectMany(w => w.InFlight.Values));
    }

    /// <summary>
    /// The wait before the next poll: <see cref="RelayOptions.PollInterval"/>, stretched so that listing takes at most
    /// a tenth of the time (Azurite scans a container's blobs for every list call, so even one page costs more in a
    /// very large container).
    /// </summary>
    private TimeSpan PauseAfter(TimeSpan poll) => TimeSpan.FromTicks(Math.Max(_options.PollInterval.Ticks, poll.Ticks * 9));

    public override void Dispose()
    {
        _deliverySlots.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Lists the next page of the container and delivers every blob version in it not yet delivered. A page covers a
    /// range of names (listings come in name order); a blob the ledger names in that range but the page does not is
    /// gone, once a look at the blob itself agrees, and its deletion is delivered.
    /// </summary>
    private async Task PollAsync(Watch watch, CancellationToken cancellationToken)
    {
        var records = await RecordsAsync(watch, cancellationToken);
        Page<BlobItem>? page = null;
        try
        {
            await foreach (var listed in watch.Container.GetBlobsAsync(cancellationToken: cancellationToken).AsPages(watch.Marker, _options.ListPageSize))
            {
                page = listed;
                break;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            watch.RestartSweep();
            return; // the container does not exist yet: nothing dropped
        }

        if (page is null)
        {
            return;
        }

        var listedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var blob in page.Values)
        {
            listedNames.Add(blob.Name);
            StartDelivery(
                watch,
                blob.Name,
                blob.Properties.ETag,
                () => BlobEvents.CreatedFor(watch.AccountName, watch.Subscription.Container, blob, watch.Container.GetBlobClient(blob.Name).Uri),
                cancellationToken);
        }

        var more = !string.IsNullOrEmpty(page.ContinuationToken);
        // The page's range: after the previous page's last name, up to its own last name, or to the end for the last page.
        // A page with more to come but no blobs in it (Azure can answer so) bounds nothing.
        var after = watch.SweptUpTo;
        var upTo = more ? (page.Values.Count > 0 ? page.Values[^1].Name : null) : null;
        if (!more || upTo is not null)
        {
            foreach (var name in records.Keys.Where(name =>
                         (after is null || string.CompareOrdinal(name, after) > 0)
                         && (upTo is null || string.CompareOrdinal(name, upTo) <= 0)
                         && !listedNames.Contains(name)
                         && !watch.InFlight.ContainsKey(name)).ToList())
            {
                // Written since the listing (through the blob endpoint), or listed out of the order assumed: not gone.
                if (!await watch.Container.GetBlobClient(name).ExistsAsync(cancellationToken))
                {
                    await RelayDeletionAsync(watch, name, cancellationToken);
                }
            }
        }

        if (more)
        {
            watch.Marker = page.ContinuationToken;
            watch.SweptUpTo = upTo ?? watch.SweptUpTo;
        }
        else
        {
            watch.RestartSweep();
        }
    }

    /// <summary>What the blob endpoint saw written or deleted, delivered as it comes, in order, for as long as the relay runs.</summary>
    private async Task FollowChangesAsync(IReadOnlyList<Watch> watches, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(cancellationToken))
            {
                if (watches.FirstOrDefault(w => string.Equals(w.Subscription.Container, change.Container, StringComparison.Ordinal)) is not { } watch)
                {
                    continue;
                }

                try
                {
                    await FollowAsync(watch, change, cancellationToken);
                }
                catch (Exception e) when (StorageFaults.IsStorageFault(e) && !cancellationToken.IsCancellationRequested)
                {
                    LogChangeNotFollowed(e, change.Container, change.BlobName); // the sweep gets to it
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the next start's sweep delivers what is left.
        }
    }

    private async Task FollowAsync(Watch watch, BlobChange change, CancellationToken cancellationToken)
    {
        await RecordsAsync(watch, cancellationToken); // the ledger, loaded before anything is decided against it
        if (change.Kind == BlobChangeKind.Deleted)
        {
            if (!await watch.Container.GetBlobClient(change.BlobName).ExistsAsync(cancellationToken))
            {
                await RelayDeletionAsync(watch, change.BlobName, cancellationToken);
            }

            return;
        }

        if (watch.InFlight.TryGetValue(change.BlobName, out var earlier))
        {
            // A version still being delivered: look again once it is, so this one does not wait for the sweep; at the
            // blob's properties then, since changes that waited may come back in any order and only the latest matters.
            _ = earlier.ContinueWith(_ => _changes.Add(change with { Version = null }), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        var blobUrl = watch.Container.GetBlobClient(change.BlobName).Uri;
        if (change.Version is { } written)
        {
            StartDelivery(watch, change.BlobName, written.ETag, () => BlobEvents.CreatedFor(watch.AccountName, watch.Subscription.Container, change.BlobName, written, blobUrl), cancellationToken);
            return;
        }

        BlobProperties properties;
        try
        {
            properties = await watch.Container.GetBlobClient(change.BlobName).GetPropertiesAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return; // deleted since: its deletion comes next
        }

        StartDelivery(
            watch,
            change.BlobName,
            properties.ETag,
            () => BlobEvents.CreatedFor(watch.AccountName, watch.Subscription.Container, change.BlobName, properties, blobUrl),
            cancellationToken);
    }

    private async Task<ConcurrentDictionary<string, RelayRecord>> RecordsAsync(Watch watch, CancellationToken cancellationToken)
    {
        if (watch.Records is { } loaded)
        {
            return loaded;
        }

        await watch.Loading.WaitAsync(cancellationToken);
        try
        {
            return watch.Records ??= new ConcurrentDictionary<string, RelayRecord>(
                await _ledger.LoadAsync(watch.Subscription.FunctionName, cancellationToken), StringComparer.Ordinal);
        }
        finally
        {
            watch.Loading.Release();
        }
    }

    /// <summary>
    /// Delivers a blob version (its event made by <paramref name="describe"/>) unless the ledger has it already, or a
    /// delivery of that blob is in flight (the next sweep or change looks again).
    /// </summary>
    private void StartDelivery(Watch watch, string blobName, ETag? etag, Func<EventGridEvent<BlobCreatedEventData>> describe, CancellationToken cancellationToken)
    {
        lock (watch.DeliveryGate)
        {
            if (watch.InFlight.ContainsKey(blobName)
                || (watch.Records!.TryGetValue(blobName, out var record) && record.ETag == BlobEvents.Unquoted(etag?.ToString())))
            {
                return;
            }

            var @event = describe();
            var delivery = Task.Run(() => DeliverAsync(watch, blobName, @event, cancellationToken), CancellationToken.None);
            watch.InFlight[blobName] = delivery;
            _ = delivery.ContinueWith(
                done => watch.InFlight.TryRemove(new KeyValuePair<string, Task>(blobName, done)),
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Delivers a blob's deletion, then forgets the blob, so that a new blob of that name counts as new. Delivered
    /// before forgotten: should the relay stop in between, the ledger still names the blob and the next sweep delivers
    /// the deletion again (a repeated deletion is harmless, as Event Grid's repeats are).
    /// </summary>
    private async Task RelayDeletionAsync(Watch watch, string blobName, CancellationToken cancellationToken)
    {
        await DeliverDeletionAsync(watch, blobName, cancellationToken);
        if (watch.Records!.TryRemove(blobName, out _))
        {
            await _ledger.ForgetAsync(watch.Subscription.FunctionName, blobName, cancellationToken);
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

        public SemaphoreSlim Loading { get; } = new(1, 1);

        /// <summary>Held while deciding whether to start a delivery, so the sweep and the blob endpoint's changes never start two for one blob.</summary>
        public Lock DeliveryGate { get; } = new();

        /// <summary>Where the sweep's next page starts; null: at the start of the container.</summary>
        public string? Marker { get; set; }

        /// <summary>The last name the sweep has listed so far; null: none yet in this sweep.</summary>
        public string? SweptUpTo { get; set; }

        public void RestartSweep()
        {
            Marker = null;
            SweptUpTo = null;
        }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not relay the change to {Container}/{Blob} seen at the blob endpoint; the sweep will")]
    private partial void LogChangeNotFollowed(Exception exception, string container, string blob);

    [LoggerMessage(Level = LogLevel.Information, Message = "The relay reaches storage again")]
    private partial void LogStorageBack();
}
