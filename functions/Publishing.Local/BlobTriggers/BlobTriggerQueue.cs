using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Publishing.Local.Configuration;
using Publishing.Local.Triggers;

namespace Publishing.Local.BlobTriggers;

/// <summary>
/// The durable hand-over between the blob webhook and the dispatcher: an Azurite queue, as the Functions host
/// keeps one of its own, plus an in-process signal so that a queued event runs at once rather than at the
/// dispatcher's next poll.
/// </summary>
internal sealed class BlobTriggerQueue
{
    private volatile bool _created;

    public BlobTriggerQueue(QueueServiceClient queues, IOptions<LocalHostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(options);
        Triggers = queues.GetQueueClient(options.Value.BlobTriggerQueue);
        Poison = queues.GetQueueClient(options.Value.PoisonQueue);
    }

    public QueueClient Triggers { get; }

    public QueueClient Poison { get; }

    public WorkSignal Signal { get; } = new();

    public async ValueTask EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await Task.WhenAll(
            Triggers.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        _created = true;
    }

    public async Task EnqueueAsync(IReadOnlyCollection<BlobTriggerMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await EnsureCreatedAsync(cancellationToken);
        foreach (var message in messages)
        {
            await Triggers.SendMessageAsync(JsonSerializer.Serialize(message, BlobTriggerMessageJson.Default.BlobTriggerMessage), cancellationToken);
        }

        if (messages.Count > 0)
        {
            Signal.Notify();
        }
    }
}
