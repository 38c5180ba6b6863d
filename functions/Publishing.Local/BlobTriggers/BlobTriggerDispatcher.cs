using System.Diagnostics;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Local.Triggers;
using Publishing.Local.Worker;

namespace Publishing.Local.BlobTriggers;

/// <summary>
/// Runs blob-triggered functions from the queue the webhook fills, as the Functions host does for Event
/// Grid-sourced blob triggers, through <see cref="TriggerMessagePump"/> (retries, poison queue): each message in its
/// own service scope. A message for a function that no longer exists, or for a blob that is gone, is dropped, as the
/// host drops it; one that is not a blob trigger message is poisoned. Each invocation that is over for good (returned,
/// or failed its last try) goes to <see cref="BlobTriggerCompletions"/>.
/// </summary>
internal sealed partial class BlobTriggerDispatcher(
    BlobTriggerQueue queue,
    WorkerHost worker,
    BlobTriggerInvoker invoker,
    TriggerMessagePump pump,
    BlobTriggerCompletions completions,
    StorageAccounts accounts,
    IOptions<LocalHostOptions> options,
    ILogger<BlobTriggerDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await worker.WaitForCatalogAsync(stoppingToken) is not { BlobTriggerFunctions.Count: > 0 } catalog)
        {
            return;
        }

        await pump.RunAsync(
            new TriggerQueue(queue.Triggers, queue.Poison, queue.Signal),
            options.Value.PollInterval,
            (message, cancellationToken) => HandleAsync(catalog, message, cancellationToken),
            stoppingToken);
    }

    private async Task<MessageOutcome> HandleAsync(FunctionCatalog catalog, QueueMessage message, CancellationToken stoppingToken)
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
            return MessageOutcome.Poisoned;
        }

        var function = catalog.FindBlobTrigger(trigger.FunctionId);
        if (function is null)
        {
            LogFunctionNotFound(trigger.FunctionId, trigger.BlobName);
            return MessageOutcome.Dropped;
        }

        var bindingData = function.Pattern.Match(trigger.ContainerName, trigger.BlobName);
        if (bindingData is null)
        {
            LogPathMismatch(function.Name, trigger.ContainerName, trigger.BlobName, function.Pattern.Path);
            return MessageOutcome.Dropped;
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
                return MessageOutcome.Dropped;
            }

            await invoker.InvokeAsync(function, blob, metadata.AsReadOnly(), bindingData, stoppingToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogExecuted(function.Name, bindingData["blobTrigger"], message.DequeueCount, elapsed.TotalMilliseconds);
            completions.Add(new CompletedInvocation(function.Name, trigger.ContainerName, trigger.BlobName, trigger.ETag));
            return MessageOutcome.Completed;
        }
        catch (Exception e) when (!(e is OperationCanceledException && stoppingToken.IsCancellationRequested))
        {
            if (message.DequeueCount >= options.Value.MaxDequeueCount)
            {
                // Its last try (the pump poisons the message): no run comes after it. A try that is retried is not complete.
                completions.Add(new CompletedInvocation(function.Name, trigger.ContainerName, trigger.BlobName, trigger.ETag,
                    $"'Functions.{function.Name}' failed all {options.Value.MaxDequeueCount} tries; its trigger message is in the poison queue '{queue.Poison.Name}' and the host's log has each try's error"));
            }

            throw new TriggerFailedException(function.Name, bindingData["blobTrigger"], e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed 'Functions.{Function}' for {Blob} (try {Try}, {Milliseconds:0} ms)")]
    private partial void LogExecuted(string function, string blob, long @try, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blob trigger message for unknown function '{FunctionId}' ({Blob}) dropped")]
    private partial void LogFunctionNotFound(string functionId, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'Functions.{Function}' does not watch {Container}/{Blob} (its path is '{Path}'); message dropped")]
    private partial void LogPathMismatch(string function, string container, string blob, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "'Functions.{Function}' not run: {Blob} no longer exists")]
    private partial void LogBlobGone(string function, string blob);

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob trigger message {MessageId} is not a blob trigger message; moved to the poison queue '{PoisonQueue}'")]
    private partial void LogMalformedMessage(string messageId, string poisonQueue);
}
