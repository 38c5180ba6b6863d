using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Publishing.Articles;

namespace Publishing.Pages;

/// <summary>
/// Renders an article in two steps: at publish, its content (<see cref="ArticleContent"/>: the body through the safe
/// Markdown renderer, the description, the fields the page shows), which is stored; when the page is read, the
/// complete, self-contained HTML5 page around that content with the site's current settings: metadata for search
/// engines and link previews, the article, and its comments section. Stateless and thread-safe; register it once.
/// </summary>
public sealed class ArticlePageRenderer
{
    // Escapes <, >, & and quotes as \uXXXX whatever the allowed ranges, so "</script>" in a title cannot end the script.
    private static readonly JsonWriterOptions JsonLdOptions = new()
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>The comments section of a page rendered before anyone commented.</summary>
    private static readonly TrustedHtml NoComments = ArticlePageHtml.CommentsSection(0);

    private readonly MarkdownPipeline _markdown = ArticleMarkdown.Pipeline;

    /// <summary>
    /// The article's content, or the rejection when the article cannot be rendered or breaks a rule of the site: Markdig
    /// stops at its own nesting limit (lists nested by indentation, emphasis inside emphasis) past what the parser
    /// checks line by line, and an image over http would not load where the site allows https images only
    /// (<see cref="SiteInfo.AllowHttpImages"/>). Nothing but the article's content goes into rendering, so any failure
    /// would fail again on a retry. Never throws on content.
    /// </summary>
    public bool TryRenderContent(ArticlePageModel model, [NotNullWhen(true)] out ArticleContent? content, [NotNullWhen(false)] out Rejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(model);
        content = null;
        try
        {
            var document = ParseBody(model.Article);
            rejection = document is not null && !model.Site.AllowHttpImages ? FirstHttpImage(document, (MarkdownBody)model.Article.Body) : null;
            if (rejection is not null)
            {
                return false;
            }

            content = Content(model, document);
            return true;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            rejection = e is ArgumentException && e.Message.Contains("nested", StringComparison.OrdinalIgnoreCase)
                ? new Rejection(RejectionCode.TooComplex, "the Markdown nests lists, block quotes or emphasis too deeply to be rendered")
                : Rejection.Unreadable("the article could not be rendered", e);
            return false;
        }
    }

    /// <summary>As <see cref="TryRenderContent"/>, with the page as it is served before anyone comments.</summary>
    public bool TryRender(ArticlePageModel model, [NotNullWhen(true)] out RenderedPage? page, [NotNullWhen(false)] out Rejection? rejection)
    {
        if (!TryRenderContent(model, out var content, out rejection))
        {
            page = null;
            return false;
        }

        page = new RenderedPage(RenderPage(content, model.Site), content);
        return true;
    }

    /// <summary>The page as the article says, without the site's rules that <see cref="TryRender"/> holds it to.</summary>
    /// <remarks>Throws Markdig's <see cref="ArgumentException"/> past its nesting limit; <see cref="TryRender"/> makes that a rejection.</remarks>
    public RenderedPage Render(ArticlePageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var content = Content(model, ParseBody(model.Article));
        return new RenderedPage(RenderPage(content, model.Site), content);
    }

    /// <summary>
    /// The page of stored <paramref name="content"/> with the site's settings of the day, and
    /// <paramref name="comments"/> in its comments section (with none, the section of an article nobody commented on).
    /// </summary>
    public static string RenderPage(ArticleContent content, SiteInfo site, CommentsView? comments = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(site);
        var view = new PageView(content, site, site.ArticleUrl(content.Slug));
        var section = comments is null ? NoComments : new TrustedHtml(ArticlePageHtml.RenderComments(comments));
        var page = new HtmlBuilder(content.BodyHtml.Length + 8192);
        WriteHead(page, view);
        WriteBody(page, view, section);
        return page.Build();
    }

    /// <summary>
    /// The page of what is stored of an article, with <paramref name="comments"/>: rendered around its content, or for a
    /// page stored finished (<see cref="StoredArticle.LegacyPage"/>), that page with the current style sheet and comments.
    /// </summary>
    public static string RenderPage(StoredArticle stored, SiteInfo site, CommentsView comments)
    {
        ArgumentNullException.ThrowIfNull(comments);
        return stored switch
        {
            StoredArticle.Content content => RenderPage(content.Article, site, comments),
            StoredArticle.LegacyPage legacy => ArticlePageHtml.ReplaceComments(ArticlePageHtml.WithCurrentStyle(legacy.Html), ArticlePageHtml.RenderComments(comments)),
            _ => throw new ArgumentException($"unknown stored article {stored?.GetType().Name}", nameof(stored)),
        };
    }

    /// <summary>The Markdown body parsed with the article pipeline; null for plain text.</summary>
    private static MarkdownDocument? ParseBody(Article article) => article.Body switch
    {
        MarkdownBody markdown => ArticleMarkdown.Parse(markdown.Markdown),
        PlainTextBody => null,
        _ => throw new ArgumentException($"unknown article body {article.Body.GetType().Name}", nameof(article)),
    };

    private ArticleContent Content(ArticlePageModel model, MarkdownDocument? document)
    {
        var article = model.Article;
        var body = document is not null ? ArticleMarkdown.ToHtml(document, _markdown) : RenderPlainText((PlainTextBody)article.Body);
        return new ArticleContent
        {
            Slug = article.Slug,
            Title = article.Title,
            Description = ArticleDescription.For(article, document),
            Published = model.Published,
            Updated = article.Updated,
            Author = article.Author,
            Source = article.Source,
            Image = article.Image,
            Language = string.IsNullOrWhiteSpace(article.Language) ? null : article.Language,
            Tags = article.Tags,
            BodyHtml = body.Value,
        };
    }

    /// <summary>What one rendering of a page works from: the stored content, the site's settings, the page's URL.</summary>
    private sealed record PageView(ArticleContent Content, SiteInfo Site, Uri Url)
    {
        public string Language => Content.Language ?? Site.Language;
    }

    /// <summary>The first Markdown image (inline or by reference) whose address is <c>http:</c>, with its line in the file.</summary>
    private static Rejection? FirstHttpImage(MarkdownDocument document, MarkdownBody body)
    {
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (link.IsImage && (link.GetDynamicUrl?.Invoke() ?? link.Url) is { } url && SafeUrl.IsPlainHttp(url))
            {
                return Rejection.HttpImage(url, body.FirstLine + link.Line);
            }
        }

        return null;
    }

    private static void WriteHead(HtmlBuilder page, PageView view)
    {
        var (article, url, site) = (view.Content, view.Url, view.Site);
        var (published, description) = (article.Published, article.Description);
        var image = SafeUrl.AbsoluteHttp(article.Image, url);
        PageChrome.AppendHeadStart(page, view.Language);
        page.Append($"""
            <title>{article.Title} – {site.Name}</title>
            <meta name="description" content="{description}">
            <link rel="canonical" href="{url}">

            """);
        if (article.Author is { } author)
        {
            page.Append($"""<meta name="author" content="{author}">{"\n"}""");
        }

        page.Append($"""
            <meta property="og:type" content="article">
            <meta property="og:title" content="{article.Title}">
            <meta property="og:description" content="{description}">
            <meta property="og:url" content="{url}">
            <meta property="og:site_name" content="{site.Name}">

            """);
        if (image is not null)
        {
            page.Append($"""<meta property="og:image" content="{image}">{"\n"}""");
        }

        page.Append($"""<meta property="article:published_time" content="{Iso(published)}">{"\n"}""");
        if (article.Updated is { } updated)
        {
            page.Append($"""<meta property="article:modified_time" content="{Iso(updated)}">{"\n"}""");
        }

        foreach (var tag in article.Tags)
        {
            page.Append($"""<meta property="article:tag" content="{tag.Name}">{"\n"}""");
        }

        PageChrome.AppendFeedLinks(page, site, article.Tags);
        page.Append($"""<script type="application/ld+json">""");
        WriteJsonLd(page, view, image);
        page.Append($"</script>\n")
            .Append(PageChrome.Style)
            .Append($"\n</head>\n");
    }

    private static void WriteBody(HtmlBuilder page, PageView view, TrustedHtml comments)
    {
        var article = view.Content;
        PageChrome.AppendBodyStart(page, view.Site, "Skip to the article");
        page.Append($"""

            <article>
            <header>
            <h1>{article.Title}</h1>
            <p class="byline">
            """);
        if (article.Author is { } author)
        {
            page.Append($"""By <span class="author">{author}</span> · """);
        }

        if (article.Source is { } source)
        {
            page.Append($"""<span class="source">{source}</span> · """);
        }

        page.Append($"""<time class="published" datetime="{Iso(article.Published)}">{HumanDate(article.Published)}</time>""");
        if (article.Updated is { } updated)
        {
            page.Append($""" · Updated <time class="updated" datetime="{Iso(updated)}">{HumanDate(updated)}</time>""");
        }

        page.Append($"""
            </p>
            </header>
            <div class="article-body">
            {new TrustedHtml(article.BodyHtml)}
            </div>

            """);
        if (article.Tags.Count > 0)
        {
            page.Append($"""<footer><nav class="tags" aria-label="Tags"><ul>{"\n"}""");
            foreach (var tag in article.Tags)
            {
                page.Append($"""<li><a href="/tags/{Uri.EscapeDataString(tag.Slug)}" rel="tag">{tag.Name}</a></li>{"\n"}""");
            }

            page.Append($"</ul></nav></footer>\n");
        }

        page.Append($"""
            </article>
            {new TrustedHtml(ArticlePageHtml.CommentsStartMarker)}
            {comments}
            {new TrustedHtml(ArticlePageHtml.CommentsEndMarker)}
            </main>
            </body>
            </html>

            """);
    }

    private static TrustedHtml RenderPlainText(PlainTextBody body)
    {
        var html = new HtmlBuilder(body.Blocks.Sum(b => b.Text.Length + 16));
        foreach (var block in body.Blocks)
        {
            if (block is Heading heading)
            {
                html.Append($"<h2>{heading.Text}</h2>\n");
            }
            else
            {
                html.Append($"<p>{block.Text}</p>\n");
            }
        }

        return new TrustedHtml(html.Build());
    }

    /// <summary>
    /// schema.org NewsArticle, JSON-encoded so that it is also safe as the text of a script element; written through
    /// this thread's writer and buffer, reset for each page.
    /// </summary>
    private static void WriteJsonLd(HtmlBuilder page, PageView view, Uri? image)
    {
        var (article, url, site) = (view.Content, view.Url, view.Site);
        var buffer = t_jsonLdBuffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var json = t_jsonLd ??= new Utf8JsonWriter(buffer, JsonLdOptions);
        json.Reset(buffer);
        {
            json.WriteStartObject();
            json.WriteString("@context", "https://schema.org");
            json.WriteString("@type", "NewsArticle");
            json.WriteString("headline", article.Title);
            json.WriteString("description", article.Description);
            json.WriteString("url", url.AbsoluteUri);
            json.WriteStartObject("mainEntityOfPage");
            json.WriteString("@type", "WebPage");
            json.WriteString("@id", url.AbsoluteUri);
            json.WriteEndObject();
            json.WriteString("inLanguage", view.Language);
            json.WriteString("datePublished", Iso(article.Published));
            json.WriteString("dateModified", Iso(article.Updated ?? article.Published));
            if (image is not null)
            {
                json.WriteStartArray("image");
                json.WriteStringValue(image.AbsoluteUri);
                json.WriteEndArray();
            }

            if (article.Author is { } author)
            {
                json.WriteStartObject("author");
                json.WriteString("@type", "Person");
                json.WriteString("name", author);
                json.WriteEndObject();
            }

            json.WriteStartObject("publisher");
            json.WriteString("@type", "Organization");
            json.WriteString("name", site.Name);
            json.WriteString("url", site.BaseUrl.AbsoluteUri);
            json.WriteEndObject();
            if (article.Source is { } source)
            {
                json.WriteStartObject("sourceOrganization");
                json.WriteString("@type", "Organization");
                json.WriteString("name", source);
                json.WriteEndObject();
            }

            if (article.Tags.Count > 0)
            {
                json.WriteString("keywords", string.Join(", ", article.Tags.Select(t => t.Name)));
            }

            json.WriteEndObject();
            json.Flush();
        }

        page.WriteUtf8(buffer.WrittenSpan);
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_jsonLdBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_jsonLd;

    private static string Iso(DateTimeOffset time) => PageChrome.Iso(time);

    private static string HumanDate(DateTimeOffset time) => PageChrome.HumanDate(time);
}
