using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Publishing.Local.Functions;
using Publishing.Local.Http;
using Publishing.Local.Worker;

namespace Publishing.Local.BlobTriggers;

/// <summary>
/// <c>POST /runtime/webhooks/blobs?functionName=Host.Functions.&lt;name&gt;</c>: the blob extension's endpoint that
/// an Event Grid subscription calls for an Event Grid-sourced blob trigger. As in the host, it answers the
/// subscription validation handshake, and for notifications it queues one message per event and answers
/// <c>202</c> without running anything. An unknown function also gets <c>202</c>, as from the host.
/// </summary>
internal static partial class BlobWebhook
{
    public const string Route = "/runtime/webhooks/blobs";
    public const string EventTypeHeader = "aeg-event-type";

    public static IEndpointConventionBuilder MapBlobWebhook(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, HandleAsync).WithDisplayName("Blob extension webhook");

    private static async Task HandleAsync(HttpContext context)
    {
        // Requests reach this endpoint only once the worker's functions are known (WaitForFunctions).
        var catalog = await context.RequestServices.GetRequiredService<WorkerHost>().Catalog;
        var queue = context.RequestServices.GetRequiredService<BlobTriggerQueue>();
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BlobWebhook).FullName ?? nameof(BlobWebhook));
        var functionName = context.Request.Query["functionName"].ToString();
        var eventType = context.Request.Headers[EventTypeHeader].ToString();
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request", $"The body is not JSON: {e.Message}");
            return;
        }

        if (string.Equals(eventType, "SubscriptionValidation", StringComparison.OrdinalIgnoreCase))
        {
            if (ValidationCode(body) is not { } code)
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request", "A SubscriptionValidation event carries data.validationCode.");
                return;
            }

            LogHandshake(logger, functionName);
            await context.Response.WriteAsJsonAsync(new ValidationResponse(code), WebhookJson.Default.ValidationResponse, cancellationToken: context.RequestAborted);
            return;
        }

        if (string.Equals(eventType, "Unsubscribe", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        if (!string.Equals(eventType, "Notification", StringComparison.OrdinalIgnoreCase))
        {
            await Problems.WriteAsync(
                context, StatusCodes.Status400BadRequest, "Bad request",
                $"The '{EventTypeHeader}' header is '{eventType}'; Event Grid sends SubscriptionValidation, Notification or Unsubscribe.");
            return;
        }

        var function = catalog.FindBlobTrigger(functionName);
        if (function is null)
        {
            LogUnknownFunction(logger, functionName, string.Join(", ", catalog.BlobTriggerFunctions.Select(f => f.FunctionId)));
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var events = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [body];
        var messages = new List<BlobTriggerMessage>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (MessageFor(events[i], function.FunctionId) is not { } message)
            {
                await Problems.WriteAsync(
                    context, StatusCodes.Status400BadRequest, "Bad request",
                    $"Event {i} is not a blob event: it needs data.url (or a subject '/blobServices/default/containers/<container>/blobs/<name>').");
                return;
            }

            messages.Add(message);
        }

        await queue.EnqueueAsync(messages, context.RequestAborted);
        LogQueued(logger, messages.Count, function.Name);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static string? ValidationCode(JsonElement body)
    {
        var first = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().FirstOrDefault() : body;
        if (first.ValueKind != JsonValueKind.Object || !first.TryGetProperty("data", out var data))
        {
            return null;
        }

        // CloudEvents deliveries carry the data as an encoded string.
        if (data.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var decoded = JsonDocument.Parse(data.GetString() ?? "{}");
                return StringProperty(decoded.RootElement, "validationCode");
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return StringProperty(data, "validationCode");
    }

    /// <summary>The queue message for one event: the blob from <c>data.url</c> as the host reads it, else from the subject.</summary>
    private static BlobTriggerMessage? MessageFor(JsonElement @event, string functionId)
    {
        if (@event.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var data = @event.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        string? container = null;
        string? blobName = null;
        if (StringProperty(data, "url") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var blobUri))
        {
            var parts = new BlobUriBuilder(blobUri);
            container = parts.BlobContainerName;
            blobName = parts.BlobName;
        }
        else if (StringProperty(@event, "subject") is { } subject && BlobSubject.TryParse(subject, out var c, out var b))
        {
            container = c;
            blobName = b;
        }

        if (string.IsNullOrEmpty(container) || string.IsNullOrEmpty(blobName))
        {
            return null;
        }

        var etag = StringProperty(data, "eTag");
        var blobType = StringProperty(data, "blobType");
        return new BlobTriggerMessage
        {
            FunctionId = functionId,
            ContainerName = container,
            BlobName = blobName,
            BlobType = blobType ?? "BlockBlob",
            ETag = etag is null ? null : $"\"{etag.Trim('"')}\"",
        };
    }

    /// <summary>A string-valued property of an object, or null whatever else the sender put there.</summary>
    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Event Grid subscription validated for function '{FunctionName}'")]
    private static partial void LogHandshake(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blob webhook called for unknown function '{FunctionName}' (known: {Known}); answered 202 and ignored, as the Functions host does")]
    private static partial void LogUnknownFunction(ILogger logger, string functionName, string known);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queued {Count} blob event(s) for 'Functions.{Function}'")]
    private static partial void LogQueued(ILogger logger, int count, string function);
}

/// <summary>Event Grid's subject for a blob: <c>/blobServices/default/containers/&lt;container&gt;/blobs/&lt;name&gt;</c>.</summary>
internal static class BlobSubject
{
    private const string ContainersPrefix = "/blobServices/default/containers/";
    private const string BlobsSegment = "/blobs/";

    public static string For(string container, string blobName) => $"{ContainersPrefix}{container}{BlobsSegment}{blobName}";

    public static bool TryParse(string subject, out string container, out string blobName)
    {
        container = blobName = string.Empty;
        if (!subject.StartsWith(ContainersPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = subject[ContainersPrefix.Length..];
        var blobs = rest.IndexOf(BlobsSegment, StringComparison.Ordinal);
        if (blobs <= 0 || blobs + BlobsSegment.Length >= rest.Length)
        {
            return false;
        }

        container = rest[..blobs];
        blobName = rest[(blobs + BlobsSegment.Length)..];
        return true;
    }
}

internal sealed record ValidationResponse([property: JsonPropertyName("validationResponse")] string Code);

[JsonSerializable(typeof(ValidationResponse))]
internal sealed partial class WebhookJson : JsonSerializerContext;
