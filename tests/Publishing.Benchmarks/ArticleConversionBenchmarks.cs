using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Markdig;
using Publishing.Articles;
using Publishing.Fuzzing;
using Publishing.Pages;
using Publishing.Storage;

namespace Publishing.Benchmarks;

/// <summary>
/// What converting one article costs, against what Markdig alone costs for the same text. For the plain-text
/// wire story the Markdown rows treat its text as Markdown: publishing never does, so they are a yardstick only.
/// </summary>
[MemoryDiagnoser]
public class ArticleConversionBenchmarks
{
    /// <summary>The rows of the conversion's stages (all but the sanitiser's yardstick): <c>--anyCategories stages</c>.</summary>
    public const string Stages = "stages";

    private const int MaxArticleBytes = 1024 * 1024;

    private static readonly SiteInfo Site = new("Example News", "en", new Uri("https://news.example.org/"));

    // When the file names no date, the publisher uses the time it first saw the file.
    private static readonly DateTimeOffset FirstSeen = new(2025, 5, 14, 9, 30, 0, TimeSpan.Zero);

    // Markdig as anyone would use it out of the box: CommonMark plus its common extensions, raw HTML allowed.
    private static readonly MarkdownPipeline PlainPipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private Prepared? _prepared;

    /// <summary>Set by BenchmarkDotNet to each of <see cref="Inputs"/> in turn.</summary>
    [ParamsSource(nameof(Inputs))]
    public ArticleInput? Input { get; set; }

    public static IEnumerable<ArticleInput> Inputs() =>
    [
        new("typical.md"),
        new("long.md"),
        new("wire.txt"),
    ];

    private Prepared State => _prepared ?? throw new InvalidOperationException("[GlobalSetup] has not run");

    [GlobalSetup]
    public void Setup()
    {
        var input = Input ?? throw new InvalidOperationException("BenchmarkDotNet sets Input before [GlobalSetup]");
        var article = Parse(input);
        var body = article.Body is MarkdownBody markdown ? markdown.Markdown : Encoding.UTF8.GetString(input.Bytes);
        _prepared = new Prepared(input, new ArticlePageRenderer(), body, Markdown.ToHtml(body, ArticleMarkdown.Pipeline));
    }

    /// <summary>The body (front matter already removed) through Markdig with a stock pipeline.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Stages)]
    public string MarkdigOnly() => Markdown.ToHtml(State.Body, PlainPipeline);

    /// <summary>The body through the article dialect: Markdig with our extensions, not yet sanitised.</summary>
    [Benchmark]
    [BenchmarkCategory(Stages)]
    public string ArticlePipelineMarkdown() => Markdown.ToHtml(State.Body, ArticleMarkdown.Pipeline);

    /// <summary>Decoding, splitting lines and reading the front matter (or the plain-text reader): file to <see cref="Article"/>.</summary>
    [Benchmark]
    [BenchmarkCategory(Stages)]
    public Article ParseOnly() => Parse(State.Input);

    /// <summary>
    /// The allowlist sanitiser alone, over the article dialect's HTML for the body: what publishing spent on a second
    /// parse before the renderer was safe by construction, kept as a yardstick (it is now the tests' oracle only).
    /// </summary>
    [Benchmark]
    public string SanitizeOnly() => BodySanitizer.Sanitize(State.ArticleHtml);

    /// <summary>File bytes to the complete page in memory: what a publish computes plus the first reading of the page.</summary>
    [Benchmark]
    [BenchmarkCategory(Stages)]
    public RenderedPage FullPipeline()
    {
        var state = State;
        var article = Parse(state.Input);
        return state.Renderer.Render(new ArticlePageModel(article, article.Published ?? FirstSeen, Site));
    }

    /// <summary>
    /// What a publish computes per file, storage aside: file bytes to the stored content (<c>site/articles/{slug}.json</c>,
    /// the body's HTML and the page's fields); the page itself is rendered around it when it is read.
    /// </summary>
    [Benchmark]
    [BenchmarkCategory(Stages)]
    public byte[] PublishPipeline()
    {
        var state = State;
        var article = Parse(state.Input);
        return state.Renderer.TryRenderContent(new ArticlePageModel(article, article.Published ?? FirstSeen, Site), out var content, out var rejection)
            ? JsonSerializer.SerializeToUtf8Bytes(content, StorageJson.Content.ArticleContent)
            : throw new InvalidOperationException($"{state.Input.FileName} was rejected: {rejection}");
    }

    private static Article Parse(ArticleInput input) => ArticleParser.Parse(input.FileName, input.Bytes, MaxArticleBytes) switch
    {
        ArticleParseResult.Parsed parsed => parsed.Article,
        ArticleParseResult.Rejected rejected => throw new InvalidOperationException($"{input.FileName} was rejected: {rejected.Rejection}"),
        _ => throw new InvalidOperationException($"{input.FileName}: unexpected parse result"),
    };

    /// <summary>Everything built once per input, outside the measurements.</summary>
    private sealed record Prepared(ArticleInput Input, ArticlePageRenderer Renderer, string Body, string ArticleHtml);
}
