using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Publishing.Pages;

/// <summary>
/// Fits an article's headings into its page: the body's highest heading becomes <see cref="TopLevel"/>
/// (the page's own <c>h1</c> is the title), the others keep their distance below it, none goes past
/// <c>h6</c>; and heading ids that the page itself uses (<c>comments</c>) get a suffix so fragments
/// such as <c>#comments</c> keep pointing at the page's element.
/// </summary>
public sealed class HeadingLevelExtension(int topLevel = 2, IReadOnlyCollection<string>? reservedIds = null) : IMarkdownExtension
{
    private const int LowestLevel = 6;

    private readonly HashSet<string> _reservedIds = new(reservedIds ?? [], StringComparer.Ordinal);

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

        if (_reservedIds.Count > 0)
        {
            MoveOffReservedIds(headings);
        }
    }

    private void MoveOffReservedIds(List<HeadingBlock> headings)
    {
        HashSet<string>? taken = null;
        foreach (var heading in headings)
        {
            if (heading.TryGetAttributes()?.Id is not { } id || !_reservedIds.Contains(id))
            {
                continue;
            }

            taken ??= headings
                .Select(h => h.TryGetAttributes()?.Id)
                .OfType<string>()
                .Concat(_reservedIds)
                .ToHashSet(StringComparer.Ordinal);
            var suffix = 1;
            string renamed;
            do
            {
                renamed = $"{id}-{suffix++}";
            }
            while (!taken.Add(renamed));

            heading.GetAttributes().Id = renamed;
        }
    }
}
