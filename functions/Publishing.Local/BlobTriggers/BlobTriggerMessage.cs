using System.Text.Json.Serialization;

namespace Publishing.Local.BlobTriggers;

/// <summary>
/// One blob event waiting for its function, as the webhook queues it: the shape of the Functions host's own
/// blob-trigger queue message.
/// </summary>
internal sealed record BlobTriggerMessage
{
    public string Type { get; init; } = "BlobTrigger";

    /// <summary><c>Host.Functions.&lt;name&gt;</c>, as the webhook's <c>functionName</c> gives it.</summary>
    public required string FunctionId { get; init; }

    public string BlobType { get; init; } = "BlockBlob";

    public required string ContainerName { get; init; }

    public required string BlobName { get; init; }

    /// <summary>The version the event was about, quoted like an HTTP ETag.</summary>
    public string? ETag { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BlobTriggerMessage))]
[JsonSerializable(typeof(BlobReference))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class BlobTriggerMessageJson : JsonSerializerContext;
