using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Publishing.Articles;
using Publishing.Comments;
using Publishing.Pages;
using Publishing.Storage;

namespace Publishing.Benchmarks;

/// <summary>
/// What the article page route spends in memory on a response-cache miss, from the blob's bytes to the response's
/// bytes: rendering the template around the stored content (how pages are served now), against splicing fresh
/// comments into a stored finished page (how they were served before). Storage round trips, the same for both, are
/// not included; a cache hit serves the cached bytes and renders nothing in either design.
/// </summary>
[MemoryDiagnoser]
public class PageServingBenchmarks
{
    private static readonly SiteInfo Site = new("Example News", "en", new Uri("https://news.example.org/"));

    private static readonly DateTimeOffset Published = new(2025, 5, 14, 9, 30, 0, TimeSpan.Zero);

    private Prepared? _prepared;

    [ParamsSource(nameof(Inputs))]
    public ArticleInput? Input { get; set; }

    public static IEnumerable<ArticleInput> Inputs() => ArticleConversionBenchmarks.Inputs();

    private Prepared State => _prepared ?? throw new InvalidOperationException("[GlobalSetup] has not run");

    [GlobalSetup]
    public void Setup()
    {
        var input = Input ?? throw new InvalidOperationException("BenchmarkDotNet sets Input before [GlobalSetup]");
        var article = ArticleParser.Parse(input.FileName, input.Bytes, 1024 * 1024) is ArticleParseResult.Parsed parsed
            ? parsed.Article
            : throw new InvalidOperationException($"{input.FileName} was rejected");
        if (!new ArticlePageRenderer().TryRenderContent(new ArticlePageModel(article, article.Published ?? Published, Site), out var content, out var rejection))
        {
            throw new InvalidOperationException($"{input.FileName} was rejected: {rejection}");
        }

        // A page of three comments, as the route shows one page of them.
        Comment[] comments = [.. Enumerable.Range(1, 3).Select(i => new Comment($"c{i}", $"Reader {i}", $"Comment {i}, with a link https://example.org/{i}.", Published.AddHours(i)))];
        _prepared = new Prepared(
            JsonSerializer.SerializeToUtf8Bytes(content, StorageJson.Content.ArticleContent),
            Encoding.UTF8.GetBytes(ArticlePageRenderer.RenderPage(content, Site)),
            new CommentsView(content.Slug, comments.Length, comments, null, true));
    }

    /// <summary>Before: the stored finished page, with the current style sheet and the comments spliced in.</summary>
    [Benchmark(Baseline = true)]
    public byte[] StoredPage()
    {
        var state = State;
        var html = Encoding.UTF8.GetString(state.PageBytes);
        return Encoding.UTF8.GetBytes(ArticlePageHtml.ReplaceComments(ArticlePageHtml.WithCurrentStyle(html), ArticlePageHtml.RenderComments(state.Comments)));
    }

    /// <summary>Now: the stored content deserialised and the page template rendered around it with the comments.</summary>
    [Benchmark]
    public byte[] RenderedOnRead()
    {
        var state = State;
        var content = JsonSerializer.Deserialize(state.ContentJson, StorageJson.Content.ArticleContent)
            ?? throw new InvalidOperationException("null content");
        return Encoding.UTF8.GetBytes(ArticlePageRenderer.RenderPage(content, Site, state.Comments));
    }

    /// <summary>The deserialisation of <see cref="RenderedOnRead"/> alone.</summary>
    [Benchmark]
    public ArticleContent? ContentOnly() => JsonSerializer.Deserialize(State.ContentJson, StorageJson.Content.ArticleContent);

    /// <summary>The template of <see cref="RenderedOnRead"/> alone, content already in memory.</summary>
    [Benchmark]
    public string TemplateOnly() => ArticlePageRenderer.RenderPage(State.Content, Site, State.Comments);

    private sealed record Prepared(byte[] ContentJson, byte[] PageBytes, CommentsView Comments)
    {
        public ArticleContent Content { get; } = JsonSerializer.Deserialize(ContentJson, StorageJson.Content.ArticleContent)!;
    }
}
