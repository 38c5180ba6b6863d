using System.Reflection;
using System.Text.Json;

namespace Publishing.Local.Functions;

/// <summary>The part of the function app's host.json the local host honours: the HTTP route prefix.</summary>
internal static class HostJson
{
    /// <summary>The Functions host's route prefix when host.json sets none.</summary>
    public const string DefaultRoutePrefix = "api";

    /// <summary>host.json beside the function assembly (the build copies it there), else in the project folder.</summary>
    public static string? Find(Assembly functionAssembly, string functionAppDirectory)
    {
        ArgumentNullException.ThrowIfNull(functionAssembly);
        return new[]
            {
                Path.Combine(Path.GetDirectoryName(functionAssembly.Location) ?? string.Empty, "host.json"),
                Path.Combine(functionAppDirectory, "host.json"),
            }
            .FirstOrDefault(File.Exists);
    }

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
}
