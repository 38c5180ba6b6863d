using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Publishing.Pages;

/// <summary>
/// Defence in depth under the sanitiser: a link or image whose URL fails <see cref="SafeUrl.IsAllowed"/>
/// (<c>javascript:</c>, <c>data:</c>, <c>vbscript:</c>, however written) is replaced by its text, so
/// the reader still sees the words and nothing is clickable or loaded.
/// </summary>
public sealed class SafeLinkExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.DocumentProcessed -= NeutraliseLinks;
        pipeline.DocumentProcessed += NeutraliseLinks;
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
    }

    private static void NeutraliseLinks(MarkdownDocument document)
    {
        List<Inline>? unsafeLinks = null;
        foreach (var inline in document.Descendants<Inline>())
        {
            var url = inline switch
            {
                LinkInline link => link.GetDynamicUrl?.Invoke() ?? link.Url,
                AutolinkInline autolink => autolink.Url,
                _ => null,
            };
            if (url is not null && !SafeUrl.IsAllowed(url))
            {
                (unsafeLinks ??= []).Add(inline);
            }
        }

        foreach (var inline in unsafeLinks ?? [])
        {
            if (inline is AutolinkInline autolink)
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url), copyChildren: false);
            }
            else
            {
                inline.ReplaceBy(new ContainerInline(), copyChildren: true);
            }
        }
    }
}
