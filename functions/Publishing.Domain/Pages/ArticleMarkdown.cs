using Markdig;
using Markdig.Extensions.AutoLinks;
using Markdig.Extensions.EmphasisExtras;
using Markdig.Syntax;

namespace Publishing.Pages;

/// <summary>
/// The article Markdown dialect, built once: CommonMark with pipe and grid tables, footnotes, GitHub
/// heading ids, autolinks, smart quotes and strikethrough. Safe by construction, so its HTML goes into the page as
/// it is: raw HTML is shown as text, never as markup; every URL goes through <see cref="SafeUrl"/> in the link and
/// autolink renderers; attributes come only from these extensions (ids, classes, href, src, alt, title, start,
/// colspan and rowspan; no generic attributes, no inline styles). An allowlist sanitiser is the test oracle
/// that holds the renderer to this, over fixtures and generated input.
/// </summary>
public static class ArticleMarkdown
{
    /// <summary>Element ids the page template uses itself; body headings never take them.</summary>
    public static IReadOnlyList<string> PageIds { get; } = ["main", "comments", "comments-title", "comment-form"];

    public static MarkdownPipeline Pipeline { get; } = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseGridTables()
        .UseTableAlignmentClasses()
        .UseFootnotes()
        .UseAutoLinks(new AutoLinkOptions { UseHttpsForWWWLinks = true })
        .UseSmartyPants()
        .UseEmphasisExtras(EmphasisExtraOptions.Strikethrough)
        .UseArticleHeadings(PageIds)
        .UseSafeLinks()
        .DisableHtml()
        .Build();

    /// <summary>
    /// The body parsed with <see cref="Pipeline"/>. U+FFFF becomes U+FFFD first, as CommonMark does with NUL: the
    /// noncharacter is what HTML parsers built on AngleSharp take for the end of input, so text after it would vanish.
    /// </summary>
    public static MarkdownDocument Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        return Markdown.Parse(markdown.Replace('\uFFFF', '\uFFFD'), Pipeline);
    }

    /// <summary>The document as HTML for the page, safe as it is rendered.</summary>
    internal static TrustedHtml ToHtml(MarkdownDocument document, MarkdownPipeline pipeline) =>
        new(Markdown.ToHtml(document, pipeline));

    /// <summary>Shifts heading levels so the highest is <c>h2</c> under the page's title, and gives headings GitHub-style ids off <paramref name="reservedIds"/>.</summary>
    public static MarkdownPipelineBuilder UseArticleHeadings(this MarkdownPipelineBuilder pipeline, IReadOnlyCollection<string>? reservedIds = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.Extensions.ReplaceOrAdd<ArticleHeadingExtension>(new ArticleHeadingExtension(topLevel: 2, reservedIds));
        return pipeline;
    }

    /// <summary>Marks aligned table cells with <c>align-*</c> classes instead of inline styles.</summary>
    public static MarkdownPipelineBuilder UseTableAlignmentClasses(this MarkdownPipelineBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.Extensions.AddIfNotAlready<TableAlignmentExtension>();
        return pipeline;
    }

    /// <summary>Writes links, images and autolinks whose URL <see cref="SafeUrl.IsAllowed"/> refuses as their text.</summary>
    public static MarkdownPipelineBuilder UseSafeLinks(this MarkdownPipelineBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.Extensions.AddIfNotAlready<SafeLinkExtension>();
        return pipeline;
    }
}
