using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Publishing.Pages;

/// <summary>
/// Column alignment as classes (<c>align-left</c>, <c>align-center</c>, <c>align-right</c>) that the page's
/// stylesheet styles, instead of Markdig's inline <c>style</c> attributes and grid-table column widths,
/// so the body never carries a <c>style</c> attribute, and the allowlist of attributes has no CSS in it.
/// </summary>
public sealed class TableAlignmentExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.DocumentProcessed -= AlignWithClasses;
        pipeline.DocumentProcessed += AlignWithClasses;
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
    }

    private static void AlignWithClasses(MarkdownDocument document)
    {
        foreach (var table in document.Descendants<Table>())
        {
            var columns = table.ColumnDefinitions;
            if (columns.Count == 0)
            {
                continue;
            }

            foreach (var row in table.OfType<TableRow>())
            {
                for (var i = 0; i < row.Count; i++)
                {
                    var cell = (TableCell)row[i];
                    var column = cell.ColumnIndex >= 0 && cell.ColumnIndex < columns.Count ? cell.ColumnIndex : Math.Min(i, columns.Count - 1);
                    var alignment = columns[column].Alignment switch
                    {
                        TableColumnAlign.Left => "align-left",
                        TableColumnAlign.Center => "align-center",
                        TableColumnAlign.Right => "align-right",
                        _ => null,
                    };
                    if (alignment is not null)
                    {
                        cell.GetAttributes().AddClass(alignment);
                    }
                }
            }

            foreach (var column in columns)
            {
                column.Alignment = null;
                column.Width = 0;
            }
        }
    }
}
