using System.Globalization;
using Azure;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs.Models;

namespace Publishing.Local.Relay;

/// <summary>
/// An event in the Event Grid schema, as Event Grid posts it to a webhook (in a JSON array) or writes it to a Storage
/// queue; <typeparamref name="TData"/> is the event type's <c>data</c>.
/// </summary>
internal sealed record EventGridEvent<TData>
{
    public required string Id { get; init; }

    public required string Topic { get; init; }

    public required string Subject { get; init; }

    public required string EventType { get; init; }

    public required DateTimeOffset EventTime { get; init; }

    public string DataVersion { get; init; } = string.Empty;

    public string MetadataVersion { get; init; } = "1";

    public required TData Data { get; init; }
}

/// <summary>The events Azure Storage raises for the blobs of a container, as the relay makes them.</summary>
internal static class BlobEvents
{
    public const string BlobCreated = "Microsoft.Storage.BlobCreated";

    public const string BlobDeleted = "Microsoft.Storage.BlobDeleted";

    /// <summary>The <c>Microsoft.Storage.BlobCreated</c> event Azure Storage would raise for this blob version.</summary>
    public static EventGridEvent<BlobCreatedEventData> CreatedFor(string accountName, string container, BlobItem blob, Uri blobUrl)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var properties = blob.Properties;
        return CreatedFor(
            accountName,
            container,
            blob.Name,
            new BlobVersion(properties.ETag, properties.ContentType, properties.ContentLength, properties.LastModified ?? properties.CreatedOn),
            blobUrl);
    }

    /// <summary>The same event, for a blob whose properties were read on their own (after a write through the blob endpoint).</summary>
    public static EventGridEvent<BlobCreatedEventData> CreatedFor(string accountName, string container, string blobName, BlobProperties properties, Uri blobUrl)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return CreatedFor(accountName, container, blobName, new BlobVersion(properties.ETag, properties.ContentType, properties.ContentLength, properties.LastModified), blobUrl);
    }

    /// <summary>The same event, for a blob version known from the write that made it (<see cref="BlobChange.Version"/>).</summary>
    public static EventGridEvent<BlobCreatedEventData> CreatedFor(string accountName, string container, string blobName, BlobVersion properties, Uri blobUrl)
    {
        ArgumentNullException.ThrowIfNull(blobUrl);
        var written = properties.LastModified ?? DateTimeOffset.UtcNow;
        return new EventGridEvent<BlobCreatedEventData>
        {
            Id = Guid.NewGuid().ToString(),
            Topic = Topic(accountName),
            Subject = BlobTriggers.BlobSubject.For(container, blobName),
            EventType = BlobCreated,
            EventTime = written.ToUniversalTime(),
            Data = new BlobCreatedEventData
            {
                Api = "PutBlob",
                ClientRequestId = Guid.NewGuid().ToString(),
                RequestId = Guid.NewGuid().ToString(),
                ETag = Unquoted(properties.ETag?.ToString()),
                ContentType = properties.ContentType ?? "application/octet-stream",
                ContentLength = properties.ContentLength ?? 0,
                BlobType = "BlockBlob",
                Url = blobUrl.AbsoluteUri,
                // Storage's sequencer orders the events of one blob; the write time does that here.
                Sequencer = written.UtcTicks.ToString("x32", CultureInfo.InvariantCulture),
                StorageDiagnostics = new StorageDiagnostics(Guid.NewGuid().ToString()),
            },
        };
    }

    /// <summary>The event Azure Storage raises when <paramref name="blobName"/> is deleted, noticed at <paramref name="noticed"/>.</summary>
    public static EventGridEvent<BlobDeletedEventData> DeletedFor(string accountName, string container, string blobName, Uri blobUrl, DateTimeOffset noticed) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Topic = Topic(accountName),
        Subject = BlobTriggers.BlobSubject.For(container, blobName),
        EventType = BlobDeleted,
        EventTime = noticed.ToUniversalTime(),
        Data = new BlobDeletedEventData
        {
            Api = "DeleteBlob",
            RequestId = Guid.NewGuid().ToString(),
            ContentType = "application/octet-stream",
            BlobType = "BlockBlob",
            Url = blobUrl.AbsoluteUri,
            Sequencer = noticed.UtcTicks.ToString("x32", CultureInfo.InvariantCulture),
            StorageDiagnostics = new StorageDiagnostics(Guid.NewGuid().ToString()),
        },
    };

    /// <summary>ETags travel unquoted in Event Grid's <c>data.eTag</c>.</summary>
    public static string Unquoted(string? etag) => etag?.Trim('"') ?? string.Empty;

    private static string Topic(string accountName) =>
        $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/{accountName}";
}

/// <summary>The properties of one blob version a <c>BlobCreated</c> event describes.</summary>
internal readonly record struct BlobVersion(ETag? ETag, string? ContentType, long? ContentLength, DateTimeOffset? LastModified);

internal sealed record BlobCreatedEventData
{
    public required string Api { get; init; }

    public required string ClientRequestId { get; init; }

    public required string RequestId { get; init; }

    public required string ETag { get; init; }

    public required string ContentType { get; init; }

    public required long ContentLength { get; init; }

    public required string BlobType { get; init; }

    public required string Url { get; init; }

    public required string Sequencer { get; init; }

    public required StorageDiagnostics StorageDiagnostics { get; init; }
}

internal sealed record StorageDiagnostics(string BatchId);

internal sealed record BlobDeletedEventData
{
    public required string Api { get; init; }

    public required string RequestId { get; init; }

    public required string ContentType { get; init; }

    public required string BlobType { get; init; }

    public required string Url { get; init; }

    public required string Sequencer { get; init; }

    public required StorageDiagnostics StorageDiagnostics { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EventGridEvent<BlobCreatedEventData>))]
[JsonSerializable(typeof(EventGridEvent<BlobCreatedEventData>[]))]
[JsonSerializable(typeof(EventGridEvent<BlobDeletedEventData>))]
internal sealed partial class EventGridJson : JsonSerializerContext;
