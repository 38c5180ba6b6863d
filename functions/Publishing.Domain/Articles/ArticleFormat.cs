namespace Publishing.Articles;

/// <summary>The kinds of file an editor can drop, known by extension.</summary>
public enum ArticleFormat
{
    Markdown,
    PlainText,
}

public static class ArticleFormats
{
    public const string Supported = ".md, .markdown or .txt";

    public static ArticleFormat? FromName(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        return Path.GetExtension(blobName).ToUpperInvariant() switch
        {
            ".MD" or ".MARKDOWN" => ArticleFormat.Markdown,
            ".TXT" => ArticleFormat.PlainText,
            _ => null,
        };
    }

    /// <summary>The rejection for a name that is not an article type, or null when it is one.</summary>
    public static Rejection? RejectUnsupported(string blobName)
    {
        if (FromName(blobName) is not null)
        {
            return null;
        }

        var extension = Path.GetExtension(blobName);
        var what = extension.Length == 0 ? "has no extension" : $"ends in '{extension}'";
        return new Rejection(RejectionCode.UnsupportedType, $"the file {what}, which is not an article type; use {Supported}");
    }
}
