namespace Publishing.Articles;

/// <summary>Why a dropped file cannot be published, precise enough for an editor to fix it.</summary>
/// <param name="Line">1-based line in the file the reason applies to, where one does.</param>
public sealed record Rejection(RejectionCode Code, string Reason, int? Line = null)
{
    public override string ToString() => Line is { } line ? $"line {line}: {Reason}" : Reason;

    /// <summary>The rejection for an exception a parser or renderer threw on a file: <paramref name="what"/> failed, and how.</summary>
    public static Rejection Unreadable(string what, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(RejectionCode.Unreadable, $"{what} ({exception.GetType().Name}: {exception.Message})");
    }

    /// <summary>
    /// An image given by an <c>http:</c> address where the site loads images over https only (pages are served with
    /// <c>img-src https:</c>, unless <c>Publishing__AllowHttpImages</c>): the reader would see a broken image.
    /// </summary>
    public static Rejection HttpImage(string url, int line)
    {
        ArgumentNullException.ThrowIfNull(url);
        var shown = url.Length <= 80 ? url : url[..80] + "…";
        return new(RejectionCode.InsecureImage, $"the image '{shown}' is an http:// address; pages load images over https only: give its https:// address", line);
    }
}

public enum RejectionCode
{
    UnsupportedType,
    Empty,
    TooLarge,
    NotUtf8,
    BrokenFrontMatter,
    InvalidField,
    MissingTitle,
    InvalidSlug,
    SlugTaken,

    /// <summary>The file goes past a structure limit (YAML depth or size, Markdown nesting, headings, line length).</summary>
    TooComplex,

    /// <summary>Reading or rendering the file failed in a way no other code names; the reason says what was found.</summary>
    Unreadable,

    /// <summary>An image (the <c>image</c> field or one in the Markdown) over http where the site allows https only.</summary>
    InsecureImage,
}

/// <summary>The outcome of reading a file: an article, or the reason there is none.</summary>
public abstract record ArticleParseResult
{
    private ArticleParseResult()
    {
    }

    public sealed record Parsed(Article Article) : ArticleParseResult;

    public sealed record Rejected(Rejection Rejection) : ArticleParseResult;

    public static implicit operator ArticleParseResult(Article article) => new Parsed(article);

    public static implicit operator ArticleParseResult(Rejection rejection) => new Rejected(rejection);
}
