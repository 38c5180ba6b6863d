using Markdig;
using Markdig.Helpers;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Publishing.Pages;

/// <summary>
/// Fits an article's headings into its page: the body's highest heading becomes <see cref="TopLevel"/> (the page's
/// own <c>h1</c> is the title), the others keep their distance below it, none goes past <c>h6</c>; and every heading
/// gets a GitHub-style id (<c>## Talks resume</c> → <c>talks-resume</c>, repeats <c>talks-resume-1</c>, …) that never
/// takes one the page itself uses (<c>comments</c>), so fragments such as <c>#comments</c> keep pointing at the page.
/// </summary>
/// <remarks>
/// Replaces Markdig's AutoIdentifierExtension, whose ids these are, because that one looks for a free suffix from 1
/// for every repeat: n headings with the same text cost n²/2 lookups. Here each base id remembers its next suffix, so
/// ids cost one pass over the headings.
/// </remarks>
public sealed class ArticleHeadingExtension(int topLevel = 2, IReadOnlyCollection<string>? reservedIds = null) : IMarkdownExtension
{
    private const int LowestLevel = 6;

    private readonly string[] _reservedIds = [.. reservedIds ?? []];

    public int TopLevel { get; } = topLevel is >= 1 and <= LowestLevel
        ? topLevel
        : throw new ArgumentOutOfRangeException(nameof(topLevel), topLevel, "a heading level is 1 to 6");

    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.DocumentProcessed -= FitHeadings;
        pipeline.DocumentProcessed += FitHeadings;
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
    }

    private void FitHeadings(MarkdownDocument document)
    {
        List<HeadingBlock>? headings = null;
        var highest = int.MaxValue;
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            (headings ??= []).Add(heading);
            highest = Math.Min(highest, heading.Level);
        }

        if (headings is null)
        {
            return;
        }

        var shift = TopLevel - highest;
        foreach (var heading in headings)
        {
            heading.Level = Math.Clamp(heading.Level + shift, TopLevel, LowestLevel);
        }

        AssignIds(headings);
    }

    private void AssignIds(List<HeadingBlock> headings)
    {
        var taken = new HashSet<string>(_reservedIds, StringComparer.Ordinal);
        var nextSuffix = new Dictionary<string, int>(StringComparer.Ordinal);
        using var text = new StringWriter();
        var plain = new HtmlRenderer(text) { EnableHtmlForInline = false, EnableHtmlEscape = false };
        foreach (var heading in headings)
        {
            var attributes = heading.GetAttributes();
            if (attributes.Id is not null)
            {
                continue;
            }

            text.GetStringBuilder().Clear();
            if (heading.Inline is not null)
            {
                plain.Render(heading.Inline);
            }

            var baseId = LinkHelper.UrilizeAsGfm(text.ToString()) is { Length: > 0 } urilized ? urilized : "section";
            var id = baseId;
            if (!taken.Add(id))
            {
                // Every suffix below the remembered one was taken when it was tried, and ids are never given back.
                var suffix = nextSuffix.GetValueOrDefault(baseId, 1);
                do
                {
                    id = $"{baseId}-{suffix++}";
                }
                while (!taken.Add(id));

                nextSuffix[baseId] = suffix;
            }

            attributes.Id = id;
        }
    }
}
