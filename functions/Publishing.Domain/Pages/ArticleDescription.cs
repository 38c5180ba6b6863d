using System.Net;
using System.Text;
using Markdig.Extensions.Footnotes;
using Markdig.Extensions.SmartyPants;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Publishing.Articles;

namespace Publishing.Pages;

/// <summary>
/// The plain-text description of an article for <c>&lt;meta name=description&gt;</c>, Open Graph, JSON-LD
/// and listings: the editor's summary, else the first paragraph, else the title; whitespace collapsed
/// and cut at a word to at most <see cref="MaxLength"/> characters.
/// </summary>
public static class ArticleDescription
{
    public const int MaxLength = 200;

    private const char Ellipsis = '…';

    private static readonly Dictionary<SmartyPantType, string> SmartyPantText = new SmartyPantOptions().Mapping
        .ToDictionary(pair => pair.Key, pair => WebUtility.HtmlDecode(pair.Value));

    public static string For(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        var document = string.IsNullOrWhiteSpace(article.Summary) && article.Body is MarkdownBody markdown
            ? ArticleMarkdown.Parse(markdown.Markdown)
            : null;
        return For(article, document);
    }

    /// <summary>As <see cref="For(Article)"/>, reusing the Markdown body already parsed for the page.</summary>
    internal static string For(Article article, MarkdownDocument? document)
    {
        var text = article.Summary;
        if (string.IsNullOrWhiteSpace(text))
        {
            text = article.Body switch
            {
                PlainTextBody plain => plain.Blocks.OfType<Paragraph>().FirstOrDefault(p => !string.IsNullOrWhiteSpace(p.Text))?.Text,
                MarkdownBody => document is null ? null : FirstParagraph(document),
                _ => null,
            };
        }

        return Shorten(string.IsNullOrWhiteSpace(text) ? article.Title : text);
    }

    /// <summary>
    /// <paramref name="text"/> on one line (runs of whitespace become one space), cut at the last word
    /// boundary that leaves room for an ellipsis when it is longer than <see cref="MaxLength"/>.
    /// </summary>
    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Markdown entities can name any character (&#1;, &#xFFFE;), and descriptions go into feeds.
        text = XmlSafeText.Clean(text);
        var collapsed = new StringBuilder(Math.Min(text.Length, MaxLength * 2));
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = collapsed.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                collapsed.Append(' ');
                pendingSpace = false;
            }

            collapsed.Append(c);
            if (collapsed.Length > MaxLength)
            {
                break;
            }
        }

        if (collapsed.Length <= MaxLength)
        {
            return collapsed.ToString();
        }

        var room = MaxLength - 1;
        var cut = collapsed.ToString(0, room + 1).LastIndexOf(' ');
        var kept = cut > MaxLength / 2 ? collapsed.ToString(0, cut) : collapsed.ToString(0, room);
        if (kept.Length > 0 && char.IsHighSurrogate(kept[^1]))
        {
            kept = kept[..^1];
        }

        return kept.TrimEnd(' ', ',', ';', ':', '-', '–', '—', '.') + Ellipsis;
    }

    /// <summary>The text of the first paragraph of the body proper (not a table cell or footnote) that has any.</summary>
    private static string? FirstParagraph(MarkdownDocument document)
    {
        foreach (var paragraph in document.Descendants<ParagraphBlock>())
        {
            if (IsInside<FootnoteGroup>(paragraph) || IsInside<Table>(paragraph) || paragraph.Inline is null)
            {
                continue;
            }

            var text = new StringBuilder();
            AppendText(text, paragraph.Inline);
            if (!string.IsNullOrWhiteSpace(text.ToString()))
            {
                return text.ToString();
            }
        }

        return null;
    }

    private static bool IsInside<T>(Block block)
        where T : Block
    {
        for (var parent = block.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is T)
            {
                return true;
            }
        }

        return false;
    }

    private static void AppendText(StringBuilder text, ContainerInline container)
    {
        for (var inline = container.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    text.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    text.Append(code.ContentSpan);
                    break;
                case AutolinkInline autolink:
                    text.Append(autolink.Url);
                    break;
                case HtmlEntityInline entity:
                    text.Append(entity.Transcoded.AsSpan());
                    break;
                case SmartyPant smartyPant:
                    text.Append(SmartyPantText.GetValueOrDefault(smartyPant.Type));
                    break;
                case LineBreakInline:
                    text.Append(' ');
                    break;
                case LinkInline { IsImage: true } or FootnoteLink:
                    break;
                case ContainerInline children:
                    AppendText(text, children);
                    break;
            }
        }
    }
}
