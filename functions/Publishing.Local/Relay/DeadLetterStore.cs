using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace Publishing.Local.Relay;

/// <summary>
/// Writes events the relay gave up on to a container, as Event Grid writes them to its dead-letter
/// destination: a JSON array holding the event with <c>deadLetterReason</c>, <c>deliveryAttempts</c>,
/// <c>lastDeliveryOutcome</c>, <c>lastHttpStatusCode</c> and <c>lastDeliveryAttemptTime</c> added.
/// </summary>
internal sealed class DeadLetterStore(BlobServiceClient hostStorage, IOptions<RelayOptions> options, TimeProvider time)
{
    private readonly BlobContainerClient _container = hostStorage.GetBlobContainerClient(options.Value.DeadLetterContainer);

    public string ContainerName => _container.Name;

    public async Task<string> WriteAsync(
        RelaySubscription subscription, EventGridEvent<BlobCreatedEventData> @event, DeliveryFailure failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(failure);
        var entry = JsonSerializer.SerializeToNode(@event, EventGridJson.Default.EventGridEventBlobCreatedEventData)?.AsObject()
            ?? throw new InvalidOperationException("The event did not serialize to a JSON object.");
        entry["deadLetterReason"] = "MaxDeliveryAttemptsExceeded";
        entry["deliveryAttempts"] = failure.Attempts;
        entry["lastDeliveryOutcome"] = failure.LastError;
        entry["lastHttpStatusCode"] = failure.LastStatusCode;
        entry["lastDeliveryAttemptTime"] = failure.LastAttemptAt;
        entry["deliveryEndpoint"] = failure.Endpoint.AbsoluteUri;

        var now = time.GetUtcNow();
        var name = $"{subscription.FunctionName}/{now:yyyy}/{now:MM}/{now:dd}/{now:HH}/{@event.Id}.json";
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _container.GetBlobClient(name).UploadAsync(
            BinaryData.FromString(new JsonArray(entry).ToJsonString()),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken);
        return name;
    }
}

/// <summary>Why the relay gave up on an event.</summary>
internal sealed record DeliveryFailure(Uri Endpoint, int Attempts, string LastError, int? LastStatusCode, DateTimeOffset LastAttemptAt);
