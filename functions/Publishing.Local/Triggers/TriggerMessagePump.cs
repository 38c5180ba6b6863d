using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Triggers;

/// <summary>What a handler made of a message it handled without failing.</summary>
internal enum MessageOutcome
{
    /// <summary>The function ran: the message is deleted.</summary>
    Completed,

    /// <summary>There is nothing to run any more (its function or its blob is gone): the message is deleted, as the host drops it.</summary>
    Dropped,

    /// <summary>It can never run (not a trigger message, not decodable): it goes to the poison queue at once.</summary>
    Poisoned,
}

/// <summary>A function that failed for a message: the message is tried again, then poisoned.</summary>
internal sealed class TriggerFailedException(string function, string subject, Exception innerException)
    : Exception($"'Functions.{function}' failed for {subject}: {innerException?.Message}", innerException)
{
    public string Function { get; } = function;

    /// <summary>What the message was about: a blob, a queue message id.</summary>
    public string Subject { get; } = subject;
}

/// <summary>A trigger's queue, where the messages that keep failing go, and what wakes its pump before the next poll.</summary>
internal sealed record TriggerQueue(QueueClient Messages, QueueClient Poison, WorkSignal Signal);

/// <summary>
/// Takes a trigger's messages from its queue and settles each as the Functions host's queue listener does: up to
/// <see cref="LocalHostOptions.BatchSize"/> in flight, refilled as they finish, at least half a batch read at a time
/// (<see cref="ReceiveAtLeast"/>); deleted when the function returns;
/// visible again after a growing delay (<see cref="LocalHostOptions.RetryDelayAfter"/>) when it throws, and after
/// <see cref="LocalHostOptions.MaxDequeueCount"/> tries moved to the poison queue; visible again at once when the host
/// stops while it runs. Idle, it waits for the queue's signal or the poll interval. The blob and queue triggers
/// differ only in what a message means (<c>handle</c>).
/// </summary>
internal sealed partial class TriggerMessagePump(IOptions<LocalHostOptions> options, ILogger<TriggerMessagePump> logger)
{
    private readonly LocalHostOptions _options = options.Value;

    public async Task RunAsync(
        TriggerQueue queue,
        TimeSpan pollInterval,
        Func<QueueMessage, CancellationToken, Task<MessageOutcome>> handle,
        CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handle);
        var running = new List<Task>();
        var held = new Queue<QueueMessage>();
        var created = false;
        var storageDown = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            queue.Signal.Reset();
            running.RemoveAll(t => t.IsCompleted);
            var room = _options.BatchSize - running.Count;
            for (; room > 0 && held.Count > 0; room--)
            {
                running.Add(ProcessAsync(queue, held.Dequeue(), handle, stoppingToken));
            }

            if (room > 0)
            {
                var asked = Math.Max(room, ReceiveAtLeast);
                QueueMessage[] messages = [];
                try
                {
                    if (!created)
                    {
                        await queue.Messages.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                        created = true;
                    }

                    messages = (await queue.Messages.ReceiveMessagesAsync(asked, _options.VisibilityTimeout, stoppingToken)).Value;
                    if (storageDown)
                    {
                        storageDown = false;
                        LogQueueBack(queue.Messages.Name);
                    }
                }
                catch (Exception e) when (StorageFaults.IsStorageFault(e) && !stoppingToken.IsCancellationRequested)
                {
                    if (!storageDown)
                    {
                        storageDown = true;
                        LogQueueUnavailable(e, queue.Messages.Name);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                running.AddRange(messages.Take(room).Select(m => ProcessAsync(queue, m, handle, stoppingToken)));
                foreach (var message in messages.Skip(room))
                {
                    held.Enqueue(message);
                }

                if (messages.Length > 0 && messages.Length == asked && running.Count < _options.BatchSize)
                {
                    continue; // there may be more waiting, and there is room for them
                }
            }

            try
            {
                // Until something is queued, a call finishes (room for more), or it is time to poll.
                await Task.WhenAny(running.Append(queue.Signal.WaitAsync(pollInterval, stoppingToken)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        // Received but never started: visible again at once for the next run, as the calls stopped mid-way are.
        foreach (var message in held)
        {
            await SettleAsync(() => queue.Messages.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None), message);
        }

        await Task.WhenAll(running);
    }

    /// <summary>
    /// The fewest messages asked for in one read while there is room for any: half a batch (the host's
    /// <c>newBatchThreshold</c>), so that a full pipeline, where calls finish one by one, reads the queue once per
    /// several messages rather than once per message; those beyond the room are held, invisible to other readers,
    /// and started as calls finish. Capped at the 32 a read may return.
    /// </summary>
    private int ReceiveAtLeast => Math.Clamp(_options.BatchSize / 2, 1, 32);

    private async Task ProcessAsync(
        TriggerQueue queue, QueueMessage message, Func<QueueMessage, CancellationToken, Task<MessageOutcome>> handle, CancellationToken stoppingToken)
    {
        try
        {
            var outcome = await handle(message, stoppingToken);
            await SettleAsync(
                () => outcome == MessageOutcome.Poisoned ? MoveToPoisonAsync(queue, message) : DeleteAsync(queue, message),
                message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-call: let the next run take the message straight away rather than after the visibility timeout.
            await SettleAsync(() => queue.Messages.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None), message);
        }
        catch (Exception e)
        {
            var (function, subject) = e is TriggerFailedException failed ? (failed.Function, failed.Subject) : ("?", $"message {message.MessageId}");
            var cause = e is TriggerFailedException { InnerException: { } inner } ? inner : e;
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                LogPoisoned(cause, function, subject, message.DequeueCount, queue.Poison.Name);
                await SettleAsync(() => MoveToPoisonAsync(queue, message), message);
            }
            else
            {
                var delay = _options.RetryDelayAfter((int)message.DequeueCount);
                LogRetrying(function, subject, message.DequeueCount, _options.MaxDequeueCount, delay.TotalSeconds, cause.GetType().Name, cause.Message);
                await SettleAsync(() => queue.Messages.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: CancellationToken.None), message);
                _ = WakeAfterAsync(queue.Signal, delay, stoppingToken);
            }
        }
    }

    private static async Task MoveToPoisonAsync(TriggerQueue queue, QueueMessage message)
    {
        await queue.Poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        await queue.Poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
        await DeleteAsync(queue, message);
    }

    private static async Task DeleteAsync(TriggerQueue queue, QueueMessage message) =>
        await queue.Messages.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);

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

    /// <summary>Wakes the pump when a retried message becomes visible again, so retries do not wait for a poll.</summary>
    private static async Task WakeAfterAsync(WorkSignal signal, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay + TimeSpan.FromMilliseconds(50), stoppingToken);
            signal.Notify();
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "'Functions.{Function}' failed for {Subject} (try {Try} of {MaxTries}); retrying in {Seconds:0.#} s. {ExceptionType}: {ExceptionMessage}")]
    private partial void LogRetrying(string function, string subject, long @try, int maxTries, double seconds, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "'Functions.{Function}' failed for {Subject} {Tries} times; the message is moved to the poison queue '{PoisonQueue}'")]
    private partial void LogPoisoned(Exception exception, string function, string subject, long tries, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle trigger message {MessageId}; it will be delivered again")]
    private partial void LogSettleFailed(Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue '{Queue}' is unavailable (is Azurite's Queue service running on port 10001?); retrying")]
    private partial void LogQueueUnavailable(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue '{Queue}' is available again")]
    private partial void LogQueueBack(string queue);
}
