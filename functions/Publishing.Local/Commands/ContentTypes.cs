using Microsoft.AspNetCore.StaticFiles;

namespace Publishing.Local.Commands;

/// <summary>The content type a dropped file is uploaded with, from its extension.</summary>
internal static class ContentTypes
{
    private static readonly FileExtensionContentTypeProvider Known = new();

    public static string For(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => "text/markdown; charset=utf-8",
        ".txt" => "text/plain; charset=utf-8",
        _ => Known.TryGetContentType(fileName, out var type) ? type : "application/octet-stream",
    };
}
