using System.Text.Json;
using System.Text.Json.Serialization;

namespace Publishing.Local.Functions;

/// <summary>
/// The <c>functions.metadata</c> the worker SDK writes next to the build output: what the Functions host
/// (<c>func start</c>, Azure) reads to know the app's functions, their triggers, routes and blob paths.
/// </summary>
internal static class FunctionMetadataFile
{
    public const string FileName = "functions.metadata";

    public static IReadOnlyList<FunctionMetadata> Read(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize(stream, FunctionMetadataJson.Default.ListFunctionMetadata)
            ?? throw new InvalidOperationException($"{path} holds no function list.");
    }

    /// <summary>The most recently built metadata of the function app under <paramref name="functionAppDirectory"/>'s bin folder.</summary>
    public static string? Find(string functionAppDirectory)
    {
        var bin = Path.Combine(functionAppDirectory, "bin");
        return Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, FileName, SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
    }
}

/// <summary>A function as functions.metadata lists it, or as the worker reports it.</summary>
internal sealed record FunctionMetadata(string Name, string? EntryPoint, IReadOnlyList<BindingMetadata> Bindings);

internal sealed record BindingMetadata(
    string Name,
    string Type,
    string? Direction,
    string? AuthLevel,
    IReadOnlyList<string>? Methods,
    string? Route,
    string? Path,
    string? Source,
    string? Connection,
    string? QueueName = null)
{
    public bool IsHttpTrigger => string.Equals(Type, "httpTrigger", StringComparison.OrdinalIgnoreCase);

    public bool IsBlobTrigger => string.Equals(Type, "blobTrigger", StringComparison.OrdinalIgnoreCase);

    public bool IsQueueTrigger => string.Equals(Type, "queueTrigger", StringComparison.OrdinalIgnoreCase);
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(List<FunctionMetadata>))]
[JsonSerializable(typeof(BindingMetadata))]
internal sealed partial class FunctionMetadataJson : JsonSerializerContext;
