namespace Publishing.Articles;

/// <summary>
/// Every limit a dropped file must keep, checked while it is parsed and before anything is built or written
/// (the file size limit itself is <see cref="Publishing.Publication.PublishingOptions.MaxArticleBytes"/>). The lengths are
/// far above what any article needs and far below what storage refuses (Table storage: 64 KiB per property,
/// 1 MiB per entity, dates from 1601), so no write can be refused halfway through a publish; the structure
/// limits keep parsing and rendering linear in the file's size. The README's <em>Limits</em> table lists them.
/// </summary>
public static class ArticleLimits
{
    public const int MaxTitleLength = 300;

    public const int MaxSummaryLength = 1_000;

    public const int MaxAuthorLength = 200;

    public const int MaxSourceLength = 200;

    public const int MaxTagNameLength = 100;

    public const int MaxTags = 50;

    public const int MaxImageUrlLength = 2_048;

    public const int MaxLanguageLength = 35;

    /// <summary>Nesting of YAML collections in the front matter; the keys the app reads need 2.</summary>
    public const int MaxFrontMatterDepth = 10;

    /// <summary>YAML events (scalars, collection starts and ends) in the front matter.</summary>
    public const int MaxFrontMatterEvents = 5_000;

    /// <summary>Characters on one Markdown line; a long paragraph is a few thousand.</summary>
    public const int MaxLineLength = 20_000;

    public const int MaxHeadings = 1_000;

    /// <summary>
    /// Footnote definitions (<c>[^1]: …</c>). Each renders a note, a back-link and a reference: about 230 µs and 23 KB
    /// of allocations apiece here, so 40,000 in a 1 MiB file would take seconds to publish.
    /// </summary>
    public const int MaxFootnotes = 500;

    /// <summary>Block quotes and list items opened on one line; Markdig itself stops at 128.</summary>
    public const int MaxNestingDepth = 32;

    /// <summary>'[' brackets, and runs of emphasis markers, in one paragraph (each kind counted on its own).</summary>
    public const int MaxInlineMarkers = 500;

    public static readonly DateTimeOffset EarliestDate = new(1800, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset LatestDate = new(2999, 12, 31, 23, 59, 59, TimeSpan.Zero);
}
