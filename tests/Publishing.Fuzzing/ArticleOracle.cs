// What must hold for every file an editor can drop (issue 12): the parser returns a result instead of throwing,
// in time and memory proportional to the file; a parsed article renders to a well-formed page whose body the
// allowlist sanitiser leaves as it is; its Atom feed is XML; its record fits Table storage. One oracle, shared by
// the property tests (through the worker process), the afl-fuzz target and the command-line check.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Publishing.Articles;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publication;

namespace Publishing.Fuzzing;

/// <summary>Which of the oracle's properties an input broke.</summary>
public enum ArticleProperty
{
    ParseThrows,
    ParseTooSlow,
    RenderThrows,
    RenderTooSlow,
    TooMuchAllocated,
    PageMalformed,
    SanitizerChangesBody,
    FeedThrows,
    FeedNotXml,
    RecordDoesNotFitStorage,
}

/// <summary>An input broke <see cref="ArticleProperty"/>; <see cref="Exception.Message"/> says how.</summary>
public sealed class PropertyViolationException : Exception
{
    public PropertyViolationException(ArticleProperty property, string detail, Exception? inner = null)
        : base($"{property}: {detail}", inner)
    {
        Property = property;
        Detail = detail;
    }

    public PropertyViolationException()
    {
    }

    public PropertyViolationException(string message)
        : base(message)
    {
    }

    public PropertyViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ArticleProperty Property { get; }

    /// <summary>What broke the property, without its name.</summary>
    public string Detail { get; } = "";
}

/// <summary>How an input that broke no property ended: rejected (with the reason), a draft, or a page.</summary>
public sealed record Verdict(string Outcome, string Detail, double ParseMs, double RenderMs, long AllocatedBytes);

/// <param name="CheckTime">Off under afl-fuzz, whose own timeout (-t) reports slow inputs as hangs.</param>
public sealed record OracleOptions(bool CheckTime = true)
{
    public static OracleOptions Default { get; } = new();

    /// <summary>Generous enough for a loaded two-core machine, tight enough to catch a quadratic step in a 1 MiB file.</summary>
    public static TimeSpan ParseBound(int bytes) => TimeSpan.FromMilliseconds(500 + (10.0 * bytes / 1024));

    /// <summary>Rendering a page (Markdown, heading ids, the template) and its feed.</summary>
    public static TimeSpan RenderBound(int bytes) => TimeSpan.FromMilliseconds(1000 + (25.0 * bytes / 1024));

    /// <summary>
    /// The oracle's own checks after rendering (the page parsed by AngleSharp, the body sanitised and normalised):
    /// about 40 ms per KiB of input on an idle two-core machine for a file of 27,000 short paragraphs (7.3 s for 185 KiB,
    /// against 61 ms to parse and render it). Not a property of the app: only the hang deadline counts it.
    /// </summary>
    public static TimeSpan CheckBound(int bytes) => TimeSpan.FromMilliseconds(60.0 * bytes / 1024);

    /// <summary>
    /// Managed bytes allocated by parsing, rendering and the feed together: the fixtures and typical generated files
    /// allocate about 100 per input byte plus under 2 MiB (JIT included); files made of footnotes about 1,000 per input
    /// byte, linearly (1,000 to 8,000 footnotes measured: 24 to 185 MB), measured when the publish path still sanitised, most of it in the sanitiser's DOM of the many
    /// links footnotes render. The bound stays linear and twice that, so a quadratic step still fails it.
    /// </summary>
    public static long AllocationBound(int bytes) => (16L << 20) + (2_000L * bytes);
}

public static class ArticleOracle
{
    public const int MaxBytes = 1024 * 1024;

    // Table storage: a string property holds at most 64 KiB (32 K UTF-16 characters), an entity 1 MiB, a key
    // 1 KiB, and a DateTime starts at 1601-01-01.
    private const int MaxPropertyChars = 32 * 1024;
    private const int MaxKeyChars = 1024;
    private const int MaxEntityBytes = 1024 * 1024;
    private static readonly DateTimeOffset StorageEpoch = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset FirstSeen = new(2025, 5, 14, 9, 30, 0, TimeSpan.FromHours(2));
    private static readonly PublishingOptions Options = new() { SiteName = "The Example Post" };
    private static readonly SiteInfo Site = new(Options.SiteName, Options.Language, Options.PublicBaseUrl);
    private static readonly ArticlePageRenderer Renderer = new();

    /// <summary>
    /// The fastest of <paramref name="first"/> and two more runs of <paramref name="work"/>: a time over its bound is
    /// checked again before it counts, so that a machine busy with other work (the tests run beside worker
    /// processes) does not fail the property, while work that really grows too fast is over the bound every time.
    /// </summary>
    private static TimeSpan Fastest(TimeSpan first, Action work)
    {
        var fastest = first;
        for (var run = 0; run < 2; run++)
        {
            var clock = Stopwatch.StartNew();
            work();
            fastest = clock.Elapsed < fastest ? clock.Elapsed : fastest;
        }

        return fastest;
    }

    /// <summary>Runs the whole pipeline on one file and checks every property; throws <see cref="PropertyViolationException"/> on the first broken one.</summary>
    public static Verdict Check(string blobName, byte[] content, OracleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        ArgumentNullException.ThrowIfNull(content);
        options ??= OracleOptions.Default;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var clock = Stopwatch.StartNew();
        ArticleParseResult result;
        try
        {
            result = ArticleParser.Parse(blobName, content, MaxBytes);
        }
        catch (Exception e)
        {
            throw new PropertyViolationException(ArticleProperty.ParseThrows, Describe(e), e);
        }

        var parseTime = clock.Elapsed;
        if (options.CheckTime && parseTime > OracleOptions.ParseBound(content.Length))
        {
            parseTime = Fastest(parseTime, () => ArticleParser.Parse(blobName, content, MaxBytes));
        }

        if (options.CheckTime && parseTime > OracleOptions.ParseBound(content.Length))
        {
            throw new PropertyViolationException(ArticleProperty.ParseTooSlow, $"{parseTime.TotalMilliseconds:0} ms for {content.Length} bytes; the bound is {OracleOptions.ParseBound(content.Length).TotalMilliseconds:0} ms");
        }

        if (result is ArticleParseResult.Rejected rejected)
        {
            return new Verdict("rejected", rejected.Rejection.ToString(), parseTime.TotalMilliseconds, 0, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
        }

        var article = ((ArticleParseResult.Parsed)result).Article;
        clock.Restart();
        var (publication, unrenderable) = Publish(article);
        var renderTime = clock.Elapsed;
        if (publication is not var (page, listed, feed))
        {
            return new Verdict("rejected", $"{unrenderable}", parseTime.TotalMilliseconds, renderTime.TotalMilliseconds, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (options.CheckTime && renderTime > OracleOptions.RenderBound(content.Length))
        {
            renderTime = Fastest(renderTime, () => Publish(article));
        }

        if (options.CheckTime && renderTime > OracleOptions.RenderBound(content.Length))
        {
            throw new PropertyViolationException(ArticleProperty.RenderTooSlow, $"{renderTime.TotalMilliseconds:0} ms for {content.Length} bytes; the bound is {OracleOptions.RenderBound(content.Length).TotalMilliseconds:0} ms");
        }

        if (allocated > OracleOptions.AllocationBound(content.Length))
        {
            throw new PropertyViolationException(ArticleProperty.TooMuchAllocated, $"{allocated:N0} bytes allocated for {content.Length} bytes; the bound is {OracleOptions.AllocationBound(content.Length):N0}");
        }

        CheckStorage(article, listed);
        CheckPage(article, page);
        CheckFeed(feed);
        return new Verdict(
            article.Draft ? "draft" : "published",
            $"'{article.Slug}': {article.Tags.Count} tags, {page.Html.Length} characters of HTML",
            parseTime.TotalMilliseconds,
            renderTime.TotalMilliseconds,
            allocated);
    }

    /// <summary>What the publisher makes of a parsed article: the page, the listing record, and the first tag's feed.</summary>
    /// <remarks>When the renderer rejects the article (as the publisher would record it), only the rejection comes back.</remarks>
    private static (Publication? Publication, Rejection? Unrenderable) Publish(Article article)
    {
        var published = article.Published ?? FirstSeen;
        RenderedPage? page;
        Rejection? unrenderable;
        try
        {
            // As the publisher renders: Markdig's own nesting limit is a rejection (TooComplex), recorded, not retried.
            if (!Renderer.TryRender(new ArticlePageModel(article, published, Site), out page, out unrenderable))
            {
                return (null, unrenderable);
            }
        }
        catch (Exception e)
        {
            throw new PropertyViolationException(ArticleProperty.RenderThrows, Describe(e), e);
        }

        var listed = ListedArticle.For(article, published, page.Description);

        // Every tag's name is in the entry (as a category); the feed's own tag is the first, else a listing's.
        var tag = article.Tags.Count > 0 ? article.Tags[0] : new Tag("news", "News");
        try
        {
            return (new Publication(page, listed, AtomFeed.Write(tag, [listed], Options)), null);
        }
        catch (Exception e)
        {
            throw new PropertyViolationException(ArticleProperty.FeedThrows, Describe(e), e);
        }
    }

    private sealed record Publication(RenderedPage Page, ListedArticle Listed, byte[] Feed);

    private static void CheckStorage(Article article, ListedArticle listed)
    {
        var keys = new List<(string Name, string Value)> { ("slug", article.Slug), ("index key", TagIndex.KeyFor(listed.Published, listed.Slug)) };
        keys.AddRange(article.Tags.Select(t => ("tag slug", t.Slug)));
        foreach (var (name, value) in keys)
        {
            if (value.Length > MaxKeyChars)
            {
                throw new PropertyViolationException(ArticleProperty.RecordDoesNotFitStorage, $"the {name} is {value.Length} characters; a Table storage key holds {MaxKeyChars}");
            }
        }

        var tagsJson = JsonSerializer.Serialize(article.Tags.Select(t => new { t.Slug, t.Name }));
        var properties = new (string Name, string? Value)[]
        {
            ("title", listed.Title), ("summary", listed.Summary), ("author", listed.Author), ("source", listed.Source), ("tags", tagsJson),
        };
        foreach (var (name, value) in properties)
        {
            if (value is { Length: > MaxPropertyChars })
            {
                throw new PropertyViolationException(ArticleProperty.RecordDoesNotFitStorage, $"the {name} is {value.Length} characters; a Table storage property holds {MaxPropertyChars}");
            }
        }

        var entityBytes = properties.Sum(p => 2L * (p.Value?.Length ?? 0));
        if (entityBytes > MaxEntityBytes / 2)
        {
            throw new PropertyViolationException(ArticleProperty.RecordDoesNotFitStorage, $"the record's text is {entityBytes:N0} bytes; a Table storage entity holds 1 MiB in all");
        }

        foreach (var (name, date) in new[] { ("date", article.Published), ("updated", article.Updated) })
        {
            if (date is { } value && value < StorageEpoch)
            {
                throw new PropertyViolationException(ArticleProperty.RecordDoesNotFitStorage, $"'{name}' is {value.ToString("O", CultureInfo.InvariantCulture)}; Table storage dates start at 1601");
            }
        }
    }

    private static void CheckPage(Article article, RenderedPage page)
    {
        var errors = new List<string>();
        var parser = new HtmlParser();
        parser.Error += (_, e) => errors.Add(e is AngleSharp.Html.Dom.Events.HtmlErrorEvent html
            ? $"{html.Message} at {html.Position.Line}:{html.Position.Column} ({Excerpt(page.Html, html.Position.Position)})"
            : e.ToString() ?? "error");
        var document = parser.ParseDocument(page.Html);
        if (errors.Count > 0)
        {
            throw new PropertyViolationException(ArticleProperty.PageMalformed, $"{errors.Count} HTML parse errors, the first: {errors[0]}");
        }

        Expect(document.QuerySelectorAll("h1").Length == 1, "the page has one h1 (the title)");
        Expect(!string.IsNullOrWhiteSpace(document.DocumentElement.GetAttribute("lang")), "<html> has a lang");
        Expect(document.QuerySelectorAll("article .article-body").Length == 1, "the page has one article body");
        Expect(document.QuerySelectorAll("article").Length == 1, "the body opens no second <article>");
        Expect(page.Html.Contains(ArticlePageHtml.CommentsStartMarker, StringComparison.Ordinal)
            && page.Html.Contains(ArticlePageHtml.CommentsEndMarker, StringComparison.Ordinal), "the comment markers survive");
        Expect(article.Tags.Count == document.QuerySelectorAll("nav.tags li").Length, "each tag is listed once");

        var scripts = document.QuerySelectorAll("script");
        Expect(scripts.Length == 1 && scripts[0].GetAttribute("type") == "application/ld+json", "the only script is the JSON-LD");
        try
        {
            using var json = JsonDocument.Parse(scripts[0].TextContent);
            Expect(json.RootElement.GetProperty("headline").GetString() == article.Title, "the JSON-LD headline is the title");
        }
        catch (JsonException e)
        {
            throw new PropertyViolationException(ArticleProperty.PageMalformed, $"the JSON-LD is not JSON: {e.Message}", e);
        }

        foreach (var element in document.All)
        {
            if (element.Attributes.FirstOrDefault(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)) is { } handler)
            {
                throw new PropertyViolationException(ArticleProperty.PageMalformed, $"<{element.LocalName}> has an event handler {handler.Name}");
            }
        }

        var body = document.QuerySelector("article .article-body")!;
        var sanitised = BodySanitizer.Sanitize(body.InnerHtml);
        var normalised = BodySanitizer.Normalise(body.InnerHtml);
        if (!string.Equals(sanitised, normalised, StringComparison.Ordinal))
        {
            throw new PropertyViolationException(ArticleProperty.SanitizerChangesBody, $"the sanitiser changes the body: {FirstDifference(normalised, sanitised)}");
        }
    }

    private static void CheckFeed(byte[] feed)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(feed));
            while (reader.Read())
            {
            }
        }
        catch (XmlException e)
        {
            throw new PropertyViolationException(ArticleProperty.FeedNotXml, e.Message, e);
        }
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new PropertyViolationException(ArticleProperty.PageMalformed, $"expected: {what}");
        }
    }

    /// <summary>The exception's type, message and innermost frame in our code or the library that threw.</summary>
    public static string Describe(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var frame = new StackTrace(e, fNeedFileInfo: false).GetFrames()
            .Select(f => f.GetMethod())
            .FirstOrDefault(m => m?.DeclaringType is not null);
        var at = frame is null ? "" : $" at {frame.DeclaringType!.FullName}.{frame.Name}";
        var message = e.Message.Length > 300 ? e.Message[..300] + "…" : e.Message;
        return $"{e.GetType().FullName}: {message}{at}";
    }

    private static string Excerpt(string text, int position)
    {
        var start = Math.Clamp(position - 40, 0, text.Length);
        var end = Math.Clamp(position + 40, start, text.Length);
        return JsonSerializer.Serialize(text[start..end]);
    }

    private static string FirstDifference(string expected, string actual)
    {
        var at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at])
        {
            at++;
        }

        return $"at {at}, before {Excerpt(expected, at)}, after {Excerpt(actual, at)}";
    }
}
