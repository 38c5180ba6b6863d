using System.Text.Json;

namespace Publishing.Local.Functions;

/// <summary>The parts of the function app's host.json the local host honours: the HTTP route prefix and the queue message encoding.</summary>
internal static class HostJson
{
    /// <summary>The Functions host's route prefix when host.json sets none.</summary>
    public const string DefaultRoutePrefix = "api";

    public static string ReadRoutePrefix(string? path)
    {
        if (path is null)
        {
            return DefaultRoutePrefix;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String
                ? prefix.GetString() ?? DefaultRoutePrefix
                : DefaultRoutePrefix;
    }

    /// <summary><c>extensions.queues.messageEncoding</c>: <c>base64</c> (the extension's default) or <c>none</c>.</summary>
    public static string ReadQueueMessageEncoding(string? path)
    {
        if (path is null)
        {
            return "base64";
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("queues", out var queues)
            && queues.TryGetProperty("messageEncoding", out var encoding)
            && encoding.ValueKind == JsonValueKind.String
            && string.Equals(encoding.GetString(), "none", StringComparison.OrdinalIgnoreCase)
                ? "none"
                : "base64";
    }
}
