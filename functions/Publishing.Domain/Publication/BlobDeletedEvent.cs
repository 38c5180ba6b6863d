using System.Text;
using System.Text.Json;

namespace Publishing.Publication;

/// <summary>
/// A <c>Microsoft.Storage.BlobDeleted</c> event in the Event Grid schema, as Event Grid writes it to a Storage queue
/// (one event per message, the JSON Base64-encoded or as it is). Anyone who can write to the queue can write anything
/// to it, so a message is checked before it names a file: size, JSON shape and depth, event type, and a subject in the
/// watched container.
/// </summary>
public sealed record BlobDeletedEvent(string BlobName, string? Sequencer)
{
    public const string EventType = "Microsoft.Storage.BlobDeleted";

    /// <summary>A Storage queue message is at most 64 KiB; anything longer did not come from Event Grid.</summary>
    public const int MaxMessageLength = 64 * 1024;

    /// <summary>Blob names are at most 1,024 characters.</summary>
    public const int MaxBlobNameLength = 1024;

    /// <summary>Reads <paramref name="message"/> as the deletion of a blob in <paramref name="container"/>.</summary>
    public static BlobDeletedEventParse Parse(string? message, string container)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        if (string.IsNullOrWhiteSpace(message))
        {
            return new BlobDeletedEventParse.Invalid("the message is empty");
        }

        if (message.Length > MaxMessageLength)
        {
            return new BlobDeletedEventParse.Invalid($"the message is {message.Length} characters long; an event is at most {MaxMessageLength}");
        }

        var json = message.TrimStart() is ['{' or '[', ..] ? message : FromBase64(message);
        if (json is null)
        {
            return new BlobDeletedEventParse.Invalid("the message is neither JSON nor Base64-encoded JSON");
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (root.GetArrayLength() != 1)
                {
                    return new BlobDeletedEventParse.Invalid($"the message holds {root.GetArrayLength()} events; Event Grid writes one per message");
                }

                root = root[0];
            }

            return root.ValueKind != JsonValueKind.Object
                ? new BlobDeletedEventParse.Invalid("the message is not an Event Grid event (a JSON object)")
                : FromEvent(root, container);
        }
        catch (JsonException e)
        {
            return new BlobDeletedEventParse.Invalid($"the message is not valid JSON ({e.Message})");
        }
    }

    private static BlobDeletedEventParse FromEvent(JsonElement root, string container)
    {
        var eventType = StringProperty(root, "eventType");
        var subject = StringProperty(root, "subject");
        if (eventType is null || subject is null)
        {
            return new BlobDeletedEventParse.Invalid("the event has no 'eventType' or 'subject' string");
        }

        if (eventType != EventType)
        {
            return new BlobDeletedEventParse.Ignored($"the event is a '{eventType}', not a '{EventType}'");
        }

        var prefix = $"/blobServices/default/containers/{container}/blobs/";
        if (!subject.StartsWith(prefix, StringComparison.Ordinal))
        {
            return new BlobDeletedEventParse.Ignored($"the subject '{Shortened(subject)}' is not a blob in the '{container}' container");
        }

        var name = subject[prefix.Length..];
        if (name.Length is 0 or > MaxBlobNameLength || name.Any(char.IsControl))
        {
            return new BlobDeletedEventParse.Invalid($"the subject '{Shortened(subject)}' does not name a blob (1 to {MaxBlobNameLength} characters, no control characters)");
        }

        var sequencer = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? StringProperty(data, "sequencer") : null;
        return new BlobDeletedEventParse.Deleted(new BlobDeletedEvent(name, sequencer));
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? FromBase64(string message)
    {
        var bytes = new byte[message.Length];
        if (!Convert.TryFromBase64String(message.Trim(), bytes, out var written))
        {
            return null;
        }

        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
            return text.TrimStart() is ['{' or '[', ..] ? text : null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Enough of a hostile subject to recognise it in a log, never all of it.</summary>
    private static string Shortened(string text) =>
        new([.. (text.Length > 120 ? text[..120] + "…" : text).Select(c => char.IsControl(c) ? '?' : c)]);
}

/// <summary>What a queue message turned out to be.</summary>
public abstract record BlobDeletedEventParse
{
    private BlobDeletedEventParse()
    {
    }

    /// <summary>The deletion of <see cref="Event"/>'s blob in the watched container.</summary>
    public sealed record Deleted(BlobDeletedEvent Event) : BlobDeletedEventParse;

    /// <summary>A well-formed event that is not for this function (another type, another container): nothing to do.</summary>
    public sealed record Ignored(string Reason) : BlobDeletedEventParse;

    /// <summary>Not an Event Grid event at all: logged and dropped, never retried.</summary>
    public sealed record Invalid(string Reason) : BlobDeletedEventParse;
}
