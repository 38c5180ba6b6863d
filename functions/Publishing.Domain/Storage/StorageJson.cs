using System.Text.Json.Serialization;
using Publishing.Articles;
using Publishing.Pages;

namespace Publishing.Storage;

/// <summary>Source-generated JSON for values stored inside table entities, and for articles' stored content.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<Tag>))]
[JsonSerializable(typeof(ArticleContent))]
internal sealed partial class StorageJson : JsonSerializerContext;
