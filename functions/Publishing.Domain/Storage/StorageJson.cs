using System.Text.Json.Serialization;
using Publishing.Articles;

namespace Publishing.Storage;

/// <summary>Source-generated JSON for values stored inside table entities.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<Tag>))]
internal sealed partial class StorageJson : JsonSerializerContext;
