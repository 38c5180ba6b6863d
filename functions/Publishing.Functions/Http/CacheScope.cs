namespace Publishing.Functions.Http;

/// <summary>A group of <see cref="ResponseCache"/> entries that one change makes out of date together.</summary>
public readonly record struct CacheScope(string Name)
{
    /// <summary>An article's page (every comment page of it) and its JSON metadata.</summary>
    public static CacheScope Article(string slug) => new("article\n" + slug);

    /// <summary>A listing (a tag, or <c>_all</c>): every page of its HTML, JSON and feed.</summary>
    public static CacheScope Listing(string listing) => new("listing\n" + listing);

    /// <summary><c>/api/tags</c>: every tag with its count.</summary>
    public static CacheScope TagDirectory { get; } = new("tags");
}
