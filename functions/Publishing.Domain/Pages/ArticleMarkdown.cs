using Markdig;
using Markdig.Extensions.AutoLinks;
using Markdig.Extensions.EmphasisExtras;
using Markdig.Syntax;

namespace Publishing.Pages;

/// <summary>
/// The article Markdown dialect, built once: CommonMark with pipe and grid tables, footnotes, GitHub
/// heading ids, autolinks, smart quotes and strikethrough. Raw HTML is shown as text, never as markup.
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

    public static MarkdownDocument Parse(string markdown) => Markdown.Parse(markdown, Pipeline);

    /// <summary>The document as HTML for the page: rendered, then sanitised against the allowlist.</summary>
    internal static TrustedHtml ToSafeHtml(MarkdownDocument document, MarkdownPipeline pipeline) =>
        ArticleHtmlSanitizer.Sanitize(Markdown.ToHtml(document, pipeline));

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

    /// <summary>Turns links and images whose URL has a scheme other than http, https or mailto into their text.</summary>
    public static MarkdownPipelineBuilder UseSafeLinks(this MarkdownPipelineBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.Extensions.AddIfNotAlready<SafeLinkExtension>();
        return pipeline;
    }
}
