using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Publishing.Articles;
using Publishing.Pages;

namespace Publishing.Storage;

/// <summary>Source-generated JSON for values stored inside table entities, and for articles' stored content.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<Tag>))]
[JsonSerializable(typeof(ArticleContent))]
internal sealed partial class StorageJson : JsonSerializerContext
{
    /// <summary>
    /// For articles' stored content: HTML's characters (the body is HTML) and non-ASCII text written as they are, not as
    /// <c>\uXXXX</c>, so the blob is smaller and reads back faster. It is data read by this app, never put in a page as JSON.
    /// </summary>
    public static StorageJson Content { get; } = new(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
