using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax.Inlines;

namespace Publishing.Pages;

/// <summary>
/// Every URL the article body links to or loads goes through <see cref="SafeUrl.IsAllowed"/> where it is written:
/// a link or image whose URL fails (<c>javascript:</c>, <c>data:</c>, <c>vbscript:</c>, however written) is written
/// as its text, and an autolink as its address, so the reader still sees the words and nothing is clickable or
/// loaded. Inline links, reference links, images, <c>&lt;…&gt;</c> autolinks and bare <c>www.</c> links all come
/// through these two renderers, whatever extension made them.
/// </summary>
public sealed class SafeLinkExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        if (renderer is not HtmlRenderer html)
        {
            return;
        }

        html.ObjectRenderers.ReplaceOrAdd<LinkInlineRenderer>(new SafeLinkInlineRenderer());
        html.ObjectRenderers.ReplaceOrAdd<AutolinkInlineRenderer>(new SafeAutolinkInlineRenderer());
    }

    private sealed class SafeLinkInlineRenderer : LinkInlineRenderer
    {
        protected override void Write(HtmlRenderer renderer, LinkInline link)
        {
            if (SafeUrl.IsAllowed(link.GetDynamicUrl?.Invoke() ?? link.Url))
            {
                base.Write(renderer, link);
            }
            else
            {
                renderer.WriteChildren(link);
            }
        }
    }

    private sealed class SafeAutolinkInlineRenderer : AutolinkInlineRenderer
    {
        protected override void Write(HtmlRenderer renderer, AutolinkInline autolink)
        {
            if (autolink.IsEmail || SafeUrl.IsAllowed(autolink.Url))
            {
                base.Write(renderer, autolink);
            }
            else
            {
                renderer.WriteEscape(autolink.Url);
            }
        }
    }
}
