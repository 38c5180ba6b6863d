using System.Diagnostics;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Local.Worker;
using Publishing.Storage;

namespace Publishing.Local.BlobTriggers;

/// <summary>
/// Runs blob-triggered functions from the queue the webhook fills, as the Functions host does for Event
/// Grid-sourced blob triggers: each message in its own service scope; deleted when the function returns;
/// retried with a growing delay when it throws; after <see cref="LocalHostOptions.MaxDequeueCount"/> tries,
/// moved to the poison queue. A message for a function that no longer exists, or for a blob that is gone, is
/// dropped, as the host drops it.
/// </summary>
internal sealed partial class BlobTriggerDispatcher(
    BlobTriggerQueue queue,
    WorkerHost worker,
    BlobTriggerInvoker invoker,
    StorageAccounts accounts,
    IOptions<LocalHostOptions> options,
    ILogger<BlobTriggerDispatcher> logger) : BackgroundService
{
    private readonly LocalHostOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await worker.WaitForCatalogAsync(stoppingToken) is not { BlobTriggerFunctions.Count: > 0 } catalog)
        {
            return;
        }

        var running = new List<Task>();
        var storageDown = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            queue.Signal.Reset();
            running.RemoveAll(t => t.IsCompleted);
            var room = _options.BatchSize - running.Count;
            QueueMessage[] messages = [];
            if (room > 0)
            {
                try
                {
                    await queue.EnsureCreatedAsync(stoppingToken);
                    messages = (await queue.Triggers.ReceiveMessagesAsync(room, _options.VisibilityTimeout, stoppingToken)).Value;
                    if (storageDown)
                    {
                        storageDown = false;
                        LogQueueBack(queue.Triggers.Name);
                    }
                }
                catch (Exception e) when (StorageFaults.IsStorageFault(e) && !stoppingToken.IsCancellationRequested)
                {
                    if (!storageDown)
                    {
                        storageDown = true;
                        LogQueueUnavailable(e, queue.Triggers.Name);
                    }
                }
            }

            running.AddRange(messages.Select(m => ProcessAsync(catalog, m, stoppingToken)));
            if (messages.Length > 0 && messages.Length == room)
            {
                continue; // there may be more waiting
            }

            try
            {
                // Until the webhook queues something, a call finishes (room for more), or it is time to poll.
                await Task.WhenAny(running.Append(queue.Signal.WaitAsync(_options.PollInterval, stoppingToken)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        await Task.WhenAll(running);
    }

    private async Task ProcessAsync(FunctionCatalog catalog, QueueMessage message, CancellationToken stoppingToken)
    {
        BlobTriggerMessage? trigger;
        try
        {
            trigger = JsonSerializer.Deserialize(message.Body, BlobTriggerMessageJson.Default.BlobTriggerMessage);
        }
        catch (JsonException)
        {
            trigger = null;
        }

        if (trigger is null)
        {
            LogMalformedMessage(message.MessageId, queue.Poison.Name);
            await SettleAsync(() => MoveToPoisonAsync(message, stoppingToken), message);
            return;
        }

        var function = catalog.FindBlobTrigger(trigger.FunctionId);
        if (function is null)
        {
            LogFunctionNotFound(trigger.FunctionId, trigger.BlobName);
            await SettleAsync(() => DeleteAsync(message, stoppingToken), message);
            return;
        }

        var bindingData = function.Pattern.Match(trigger.ContainerName, trigger.BlobName);
        if (bindingData is null)
        {
            LogPathMismatch(function.Name, trigger.ContainerName, trigger.BlobName, function.Pattern.Path);
            await SettleAsync(() => DeleteAsync(message, stoppingToken), message);
            return;
        }

        var blob = accounts.Blobs(function.Connection).GetBlobContainerClient(trigger.ContainerName).GetBlobClient(trigger.BlobName);
        var started = Stopwatch.GetTimestamp();
        try
        {
            IDictionary<string, string> metadata;
            try
            {
                metadata = (await blob.GetPropertiesAsync(cancellationToken: stoppingToken)).Value.Metadata;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                LogBlobGone(function.Name, bindingData["blobTrigger"]);
                await DeleteAsync(message, stoppingToken);
                return;
            }

            await invoker.InvokeAsync(function, blob, metadata.AsReadOnly(), bindingData, stoppingToken);

            var elapsed = Stopwatch.GetElapsedTime(started);
            LogExecuted(function.Name, bindingData["blobTrigger"], message.DequeueCount, elapsed.TotalMilliseconds);
            await DeleteAsync(message, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-call: let the next run take the message straight away rather than after the visibility timeout.
            await SettleAsync(() => queue.Triggers.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None), message);
        }
        catch (Exception e)
        {
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                LogPoisoned(e, function.Name, bindingData["blobTrigger"], message.DequeueCount, queue.Poison.Name);
                await SettleAsync(() => MoveToPoisonAsync(message, CancellationToken.None), message);
            }
            else
            {
                var delay = _options.RetryDelayAfter((int)message.DequeueCount);
                LogRetrying(function.Name, bindingData["blobTrigger"], message.DequeueCount, _options.MaxDequeueCount, delay.TotalSeconds, e.GetType().Name, e.Message);
                await SettleAsync(() => queue.Triggers.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: CancellationToken.None), message);
                _ = WakeAfterAsync(delay, stoppingToken);
            }
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await queue.Poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await DeleteAsync(message, cancellationToken);
    }

    private async Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken) =>
        await queue.Triggers.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);

    /// <summary>Deletes, re-hides or parks a message; if storage fails here, the message reappears after its visibility timeout and is tried again.</summary>
    private async Task SettleAsync(Func<Task> settle, QueueMessage message)
    {
        try
        {
            await settle();
        }
        catch (Exception e) when (StorageFaults.IsStorageFault(e) || e is OperationCanceledException)
        {
            LogSettleFailed(e, message.MessageId);
        }
    }

    /// <summary>Wakes the loop when a retried message becomes visible again, so retries do not wait for a poll.</summary>
    private async Task WakeAfterAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay + TimeSpan.FromMilliseconds(50), stoppingToken);
            queue.Signal.Notify();
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed 'Functions.{Function}' for {Blob} (try {Try}, {Milliseconds:0} ms)")]
    private partial void LogExecuted(string function, string blob, long @try, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'Functions.{Function}' failed for {Blob} (try {Try} of {MaxTries}); retrying in {Seconds:0.#} s. {ExceptionType}: {ExceptionMessage}")]
    private partial void LogRetrying(string function, string blob, long @try, int maxTries, double seconds, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "'Functions.{Function}' failed for {Blob} {Tries} times; the message is moved to the poison queue '{PoisonQueue}'")]
    private partial void LogPoisoned(Exception exception, string function, string blob, long tries, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blob trigger message for unknown function '{FunctionId}' ({Blob}) dropped")]
    private partial void LogFunctionNotFound(string functionId, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'Functions.{Function}' does not watch {Container}/{Blob} (its path is '{Path}'); message dropped")]
    private partial void LogPathMismatch(string function, string container, string blob, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "'Functions.{Function}' not run: {Blob} no longer exists")]
    private partial void LogBlobGone(string function, string blob);

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob trigger message {MessageId} is not a blob trigger message; moved to the poison queue '{PoisonQueue}'")]
    private partial void LogMalformedMessage(string messageId, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle blob trigger message {MessageId}; it will be delivered again")]
    private partial void LogSettleFailed(Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blob trigger queue '{Queue}' is unavailable (is Azurite's Queue service running on port 10001?); retrying")]
    private partial void LogQueueUnavailable(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob trigger queue '{Queue}' is available again")]
    private partial void LogQueueBack(string queue);
}
