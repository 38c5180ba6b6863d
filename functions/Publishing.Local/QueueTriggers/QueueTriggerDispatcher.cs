using System.Diagnostics;
using System.Text;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Local.Triggers;
using Publishing.Local.Worker;

namespace Publishing.Local.QueueTriggers;

/// <summary>
/// Runs every Storage queue-triggered function the worker reports, as the Functions host's queue listener does,
/// through <see cref="TriggerMessagePump"/> (batches, retries with a growing delay, <c>&lt;queue&gt;-poison</c>). A
/// message that cannot be Base64-decoded (host.json <c>messageEncoding</c> <c>base64</c>, the default) goes to the
/// poison queue at once. Idle, each queue is polled every <see cref="LocalHostOptions.QueuePollInterval"/>.
/// </summary>
internal sealed partial class QueueTriggerDispatcher(
    WorkerHost worker,
    QueueTriggerInvoker invoker,
    TriggerMessagePump pump,
    StorageAccounts accounts,
    IOptions<LocalHostOptions> options,
    ILogger<QueueTriggerDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await worker.WaitForCatalogAsync(stoppingToken) is not { } catalog)
        {
            return;
        }

        await Task.WhenAll(catalog.QueueTriggerFunctions.Select(function =>
        {
            var queues = accounts.Queues(function.Connection);
            var queue = new TriggerQueue(queues.GetQueueClient(function.QueueName), queues.GetQueueClient(function.PoisonQueueName), new WorkSignal());
            return pump.RunAsync(
                queue,
                options.Value.QueuePollInterval,
                (message, cancellationToken) => HandleAsync(function, queue, message, catalog.DecodesQueueMessages, cancellationToken),
                stoppingToken);
        }));
    }

    private async Task<MessageOutcome> HandleAsync(QueueTriggerFunction function, TriggerQueue queue, QueueMessage message, bool decode, CancellationToken stoppingToken)
    {
        var text = decode ? Decoded(message) : message.Body.ToString();
        if (text is null)
        {
            LogUndecodable(function.Name, message.MessageId, queue.Poison.Name);
            return MessageOutcome.Poisoned;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await invoker.InvokeAsync(function, message, text, stoppingToken);
        }
        catch (Exception e) when (!(e is OperationCanceledException && stoppingToken.IsCancellationRequested))
        {
            throw new TriggerFailedException(function.Name, $"queue message {message.MessageId}", e);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        LogExecuted(function.Name, message.MessageId, message.DequeueCount, elapsed.TotalMilliseconds);
        return MessageOutcome.Completed;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed 'Functions.{Function}' for queue message {MessageId} (try {Try}, {Milliseconds:0} ms)")]
    private partial void LogExecuted(string function, string messageId, long @try, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} for 'Functions.{Function}' is not Base64 (host.json messageEncoding); moved to the poison queue '{PoisonQueue}'")]
    private partial void LogUndecodable(string function, string messageId, string poisonQueue);
}
