using System.Diagnostics;
using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Local.Worker;
using Publishing.Storage;

namespace Publishing.Local.QueueTriggers;

/// <summary>
/// Runs every Storage queue-triggered function the worker reports, as the Functions host's queue listener does: reads
/// up to <see cref="LocalHostOptions.BatchSize"/> messages at a time, invokes the function for each, deletes the
/// message when it returns; when it throws, the message becomes visible again after a growing delay, and after
/// <see cref="LocalHostOptions.MaxDequeueCount"/> tries it moves to <c>&lt;queue&gt;-poison</c>. A message that cannot
/// be Base64-decoded (host.json <c>messageEncoding</c> <c>base64</c>, the default) goes to the poison queue at once.
/// Idle, it polls every <see cref="LocalHostOptions.QueuePollInterval"/>.
/// </summary>
internal sealed partial class QueueTriggerDispatcher(
    WorkerHost worker,
    QueueTriggerInvoker invoker,
    StorageAccounts accounts,
    IOptions<LocalHostOptions> options,
    ILogger<QueueTriggerDispatcher> logger) : BackgroundService
{
    private readonly LocalHostOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await worker.WaitForCatalogAsync(stoppingToken) is not { } catalog)
        {
            return;
        }

        await Task.WhenAll(catalog.QueueTriggerFunctions.Select(f => ListenAsync(f, catalog.DecodesQueueMessages, stoppingToken)));
    }

    private async Task ListenAsync(QueueTriggerFunction function, bool decode, CancellationToken stoppingToken)
    {
        var queues = accounts.Queues(function.Connection);
        var queue = queues.GetQueueClient(function.QueueName);
        var poison = queues.GetQueueClient(function.PoisonQueueName);
        var created = false;
        var storageDown = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages = [];
            try
            {
                if (!created)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    created = true;
                }

                messages = (await queue.ReceiveMessagesAsync(_options.BatchSize, _options.VisibilityTimeout, stoppingToken)).Value;
                if (storageDown)
                {
                    storageDown = false;
                    LogQueueBack(function.QueueName);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (StorageFaults.IsStorageFault(e))
            {
                if (!storageDown)
                {
                    storageDown = true;
                    LogQueueUnavailable(e, function.QueueName);
                }
            }

            await Task.WhenAll(messages.Select(m => ProcessAsync(function, queue, poison, m, decode, stoppingToken)));
            if (messages.Length == 0)
            {
                try
                {
                    await Task.Delay(_options.QueuePollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task ProcessAsync(QueueTriggerFunction function, QueueClient queue, QueueClient poison, QueueMessage message, bool decode, CancellationToken stoppingToken)
    {
        var text = decode ? Decoded(message) : message.Body.ToString();
        if (text is null)
        {
            LogUndecodable(function.Name, message.MessageId, poison.Name);
            await SettleAsync(() => MoveToPoisonAsync(queue, poison, message, CancellationToken.None), message);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await invoker.InvokeAsync(function, message, text, stoppingToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogExecuted(function.Name, message.MessageId, message.DequeueCount, elapsed.TotalMilliseconds);
            await SettleAsync(() => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None), message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await SettleAsync(() => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None), message);
        }
        catch (Exception e)
        {
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                LogPoisoned(e, function.Name, message.MessageId, message.DequeueCount, poison.Name);
                await SettleAsync(() => MoveToPoisonAsync(queue, poison, message, CancellationToken.None), message);
            }
            else
            {
                var delay = _options.RetryDelayAfter((int)message.DequeueCount);
                LogRetrying(function.Name, message.MessageId, message.DequeueCount, _options.MaxDequeueCount, delay.TotalSeconds, e.GetType().Name, e.Message);
                await SettleAsync(() => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: CancellationToken.None), message);
            }
        }
    }

    /// <summary>The message as the queue extension hands it over with Base64 encoding; null when it is not Base64 UTF-8.</summary>
    private static string? Decoded(QueueMessage message)
    {
        var raw = message.Body.ToString();
        var bytes = new byte[raw.Length];
        if (!Convert.TryFromBase64String(raw, bytes, out var written))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    /// <summary>If storage fails while settling, the message reappears after its visibility timeout and is tried again.</summary>
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed 'Functions.{Function}' for queue message {MessageId} (try {Try}, {Milliseconds:0} ms)")]
    private partial void LogExecuted(string function, string messageId, long @try, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'Functions.{Function}' failed for queue message {MessageId} (try {Try} of {MaxTries}); retrying in {Seconds:0.#} s. {ExceptionType}: {ExceptionMessage}")]
    private partial void LogRetrying(string function, string messageId, long @try, int maxTries, double seconds, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "'Functions.{Function}' failed for queue message {MessageId} {Tries} times; moved to the poison queue '{PoisonQueue}'")]
    private partial void LogPoisoned(Exception exception, string function, string messageId, long tries, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} for 'Functions.{Function}' is not Base64 (host.json messageEncoding); moved to the poison queue '{PoisonQueue}'")]
    private partial void LogUndecodable(string function, string messageId, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle queue message {MessageId}; it will be delivered again")]
    private partial void LogSettleFailed(Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue '{Queue}' is unavailable (is Azurite's Queue service running on port 10001?); retrying")]
    private partial void LogQueueUnavailable(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue '{Queue}' is available again")]
    private partial void LogQueueBack(string queue);
}
