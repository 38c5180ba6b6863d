using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Publishing.Functions.Http;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Telemetry;

namespace Publishing.IntegrationTests.Telemetry;

/// <summary>
/// What an operator reads without logs: each publish counted by outcome with its duration and storage calls, each
/// comment post by outcome and reason, and the span that follows one file. Read through OpenTelemetry's in-memory
/// exporter from the app's services and telemetry set up as the worker's Program.cs sets them up.
/// </summary>
[Collection(nameof(SerialTelemetryTests))]
public sealed class PublishingTelemetryTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string Markdown(string title, string extra = "") => $"---\ntitle: {title}\ntags: [news]\n{extra}---\nSome text.\n";

    [Fact]
    public async Task Every_publish_is_counted_by_its_outcome_with_its_duration_and_storage_calls()
    {
        var faults = new FaultInjectionPolicy();
        await using var app = new TelemetryApp(settings => settings["StorageClient:Retry:MaxRetries"] = "0", faults);
        await app.StartAsync();

        var published = await app.DropAsync("published.md", Markdown("Published"));
        await app.PublishAsync(published);
        await app.PublishAsync(published); // the same version again: a repeated delivery
        await app.PublishAsync(await app.DropAsync("draft.md", Markdown("Draft", "draft: true\n")));
        await app.PublishAsync(await app.DropAsync("untitled.md", "---\ntags: [news]\n---\nNo title.\n"));
        await app.PublishAsync(await app.DropAsync("notes.docx", "not an article"));

        // Storage refuses the page write: the delivery fails (to be retried by the host) and is counted as failed.
        var failing = await app.DropAsync("failing.md", Markdown("Failing"));
        var fault = faults.FailFrom(1, r => r.Service == StorageService.Blob && r.IsWrite && r.Container != app.Articles.Name && r.Blob?.StartsWith("articles/", StringComparison.Ordinal) == true);
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => app.PublishAsync(failing));
        Assert.True(fault.Injected, "the page write was never attempted");
        fault.Stop();

        var metrics = app.CollectMetrics();
        var publishes = Points(metrics, "publishing.publishes", "{publish}");
        Assert.Equal(1, Sum(publishes, ("publishing.publish.outcome", "published")));
        Assert.Equal(1, Sum(publishes, ("publishing.publish.outcome", "unchanged")));
        Assert.Equal(1, Sum(publishes, ("publishing.publish.outcome", "draft")));
        Assert.Equal(1, Sum(publishes, ("publishing.publish.outcome", "rejected"), ("publishing.rejection.code", "missing_title")));
        Assert.Equal(1, Sum(publishes, ("publishing.publish.outcome", "rejected"), ("publishing.rejection.code", "unsupported_type")));
        Assert.Equal(1, Sum(publishes, ("publishing.publish.outcome", "failed"), ("error.type", "Azure.RequestFailedException")));
        Assert.Equal(6, publishes.Sum(p => p.Value));

        var durations = Points(metrics, "publishing.publish.duration", "s");
        Assert.Equal(6, durations.Sum(p => p.Count));
        Assert.All(durations, p => Assert.InRange(p.Sum, 0, 60 * p.Count));
        var storageCalls = Points(metrics, "publishing.publish.storage_calls", "{call}");
        Assert.Equal(6, storageCalls.Sum(p => p.Count));
        Assert.All(storageCalls, p => Assert.True(p.Sum >= p.Count, $"a publish ({Describe(p)}) counted no storage call"));
    }

    [Fact]
    public async Task Storage_calls_per_publish_are_the_requests_the_storage_clients_sent_for_it()
    {
        var faults = new FaultInjectionPolicy();
        await using var app = new TelemetryApp(faults: faults);
        await app.StartAsync();
        var file = await app.DropAsync("counted.md", Markdown("Counted"));

        var sent = faults.FailNth(int.MaxValue, _ => true); // matches (counts) every request, fails none
        await app.PublishAsync(file);

        var calls = Assert.Single(Points(app.CollectMetrics(), "publishing.publish.storage_calls", "{call}"));
        Assert.Equal(1, calls.Count);
        Assert.True(sent.Matched > 5, $"only {sent.Matched} storage requests for a first publish");
        Assert.Equal(sent.Matched, calls.Sum);
    }

    [Fact]
    public async Task Comments_are_counted_as_stored_refused_with_the_reason_and_rate_limited()
    {
        await using var app = new TelemetryApp(settings => settings["Comments:PostsPerMinute"] = "3");
        await app.StartAsync();
        await app.PublishAsync(await app.DropAsync("commented.md", Markdown("Commented")));

        // Three posts a minute from one network: the refusals before the limit (a bad body, a bad type) take none.
        Assert.Equal(StatusCodes.Status201Created, await PostCommentAsync(app, "commented", "application/json", """{"author":"Ann","body":"Hello"}"""));
        Assert.Equal(StatusCodes.Status400BadRequest, await PostCommentAsync(app, "commented", "application/json", """{"author":"Ann","body":""}"""));
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, await PostCommentAsync(app, "commented", "text/plain", "Hello"));
        Assert.Equal(StatusCodes.Status404NotFound, await PostCommentAsync(app, "no-such-article", "application/json", """{"author":"Ann","body":"Hello"}"""));
        Assert.Equal(StatusCodes.Status201Created, await PostCommentAsync(app, "commented", "application/json", """{"author":"Bob","body":"Again"}"""));
        Assert.Equal(StatusCodes.Status429TooManyRequests, await PostCommentAsync(app, "commented", "application/json", """{"author":"Cy","body":"Third"}"""));

        var comments = Points(app.CollectMetrics(), "publishing.comments", "{comment}");
        Assert.Equal(2, Sum(comments, ("publishing.comment.outcome", "stored")));
        Assert.Equal(1, Sum(comments, ("publishing.comment.outcome", "refused"), ("publishing.comment.refusal", "invalid_body")));
        Assert.Equal(1, Sum(comments, ("publishing.comment.outcome", "refused"), ("publishing.comment.refusal", "unsupported_media_type")));
        Assert.Equal(1, Sum(comments, ("publishing.comment.outcome", "refused"), ("publishing.comment.refusal", "article_not_found")));
        Assert.Equal(1, Sum(comments, ("publishing.comment.outcome", "rate_limited")));
        Assert.Equal(6, comments.Sum(p => p.Value));
    }

    [Fact]
    public async Task Comments_awaiting_approval_are_counted_as_pending()
    {
        await using var app = new TelemetryApp(settings => settings["Comments:RequireApproval"] = "true");
        await app.StartAsync();
        await app.PublishAsync(await app.DropAsync("moderated.md", Markdown("Moderated")));

        Assert.Equal(StatusCodes.Status201Created, await PostCommentAsync(app, "moderated", "application/json", """{"author":"Ann","body":"Hello"}"""));

        var comments = Points(app.CollectMetrics(), "publishing.comments", "{comment}");
        Assert.Equal(1, Sum(comments, ("publishing.comment.outcome", "pending")));
        Assert.Equal(1, comments.Sum(p => p.Value));
    }

    [Fact]
    public async Task A_publish_is_one_span_named_for_its_file_in_the_blob_events_trace_with_its_steps_and_storage_calls_below()
    {
        await using var app = new TelemetryApp();
        await app.StartAsync();
        var file = await app.DropAsync("2025/traced.md", Markdown("Traced"));

        // The invocation's span, as the worker starts it from the trace context the host sends with the blob event.
        var eventContext = ActivityContext.Parse($"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01", null);
        ActivitySpanId invocationSpan;
        using (var invocation = new Activity("invocation").SetParentId(eventContext.TraceId, eventContext.SpanId, eventContext.TraceFlags).Start())
        {
            invocationSpan = invocation.SpanId;
            await app.PublishAsync(file);
        }

        var spans = app.CollectSpans().Where(s => s.TraceId == eventContext.TraceId).ToList();
        var publish = Assert.Single(spans, s => s.Source.Name == PublishingTelemetry.Name && s.DisplayName == "publish");
        Assert.Equal("2025/traced.md", publish.GetTagItem("publishing.file.name"));
        Assert.Equal("published", publish.GetTagItem("publishing.publish.outcome"));
        Assert.Equal(invocationSpan, publish.ParentSpanId);

        var steps = spans.Where(s => s.Source.Name == PublishingTelemetry.Name && s.ParentSpanId == publish.SpanId).Select(s => s.DisplayName).ToList();
        Assert.Equal(["publish.lock", "publish.read", "publish.render"], steps.Order(StringComparer.Ordinal));

        // The Azure SDK's own spans for the storage calls, each under the publish or one of its steps.
        var ours = spans.Where(s => s.Source.Name == PublishingTelemetry.Name).Select(s => s.SpanId).ToHashSet();
        var storage = spans.Where(s => s.Source.Name.StartsWith("Azure.", StringComparison.Ordinal)).ToList();
        var underOurs = storage.Where(s => ours.Contains(s.ParentSpanId)).Select(s => s.DisplayName).ToList();
        Assert.True(
            underOurs.Any(n => n.EndsWith("Client.Upload", StringComparison.Ordinal)) && underOurs.Any(n => n.EndsWith("Client.DownloadStreaming", StringComparison.Ordinal)),
            $"Storage spans under the publish: {string.Join(", ", underOurs)}; all: {string.Join(", ", storage.Select(s => $"{s.Source.Name}:{s.DisplayName}"))}");
    }

    [Fact]
    public async Task Response_cache_lookups_are_counted_as_hits_and_misses()
    {
        await using var app = new TelemetryApp(settings => settings["Publishing:ResponseCacheDuration"] = "00:01:00");
        await app.StartAsync();
        var cache = app.Services.GetRequiredService<ResponseCache>();
        var reads = 0;
        Task<CachedBody?> Read(CancellationToken _)
        {
            reads++;
            return Task.FromResult<CachedBody?>(CachedBody.Of("page"u8.ToArray()));
        }

        await cache.GetAsync("a", CacheScope.Article("a"), Read, Cancellation);
        await cache.GetAsync("a", CacheScope.Article("a"), Read, Cancellation);
        await cache.GetAsync("a", CacheScope.Article("a"), Read, Cancellation);
        await cache.GetAsync("b", CacheScope.Article("b"), Read, Cancellation);

        var requests = Points(app.CollectMetrics(), "publishing.response_cache.requests", "{request}");
        Assert.Equal(2, reads);
        Assert.Equal(2, Sum(requests, ("cache.request.type", "hit")));
        Assert.Equal(2, Sum(requests, ("cache.request.type", "miss")));
    }

    [Fact]
    public async Task Counting_a_cache_hit_allocates_nothing()
    {
        await using var app = new TelemetryApp(settings => settings["Publishing:ResponseCacheDuration"] = "00:01:00");
        var cache = app.Services.GetRequiredService<ResponseCache>();
        var body = Task.FromResult<CachedBody?>(CachedBody.Of("page"u8.ToArray()));
        var scope = CacheScope.Article("a");
        Func<CancellationToken, Task<CachedBody?>> read = _ => body;

        long BytesPerHit()
        {
            const int Hits = 20_000;
            for (var i = 0; i < 1_000; i++)
            {
                _ = cache.GetAsync("a", scope, read, CancellationToken.None).GetAwaiter().GetResult();
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            var cpu = Environment.CpuUsage.UserTime + Environment.CpuUsage.PrivilegedTime;
            for (var i = 0; i < Hits; i++)
            {
                _ = cache.GetAsync("a", scope, read, CancellationToken.None).GetAwaiter().GetResult();
            }

            var perHit = (GC.GetAllocatedBytesForCurrentThread() - before) / Hits;
            var spent = Environment.CpuUsage.UserTime + Environment.CpuUsage.PrivilegedTime - cpu;
            TestContext.Current.TestOutputHelper?.WriteLine($"{perHit} bytes/hit, {Hits / spent.TotalSeconds:N0} hits per CPU-second (process)");
            return perHit;
        }

        var unheard = BytesPerHit(); // no meter provider yet: the counter is off
        await app.StartAsync();
        var heard = BytesPerHit();

        // The recording itself, with the SDK listening: what the call site and the SDK's aggregation allocate.
        var telemetry = app.Services.GetRequiredService<PublishingTelemetry>();
        telemetry.CacheHit();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            telemetry.CacheHit();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(unheard, heard);
        Assert.True(Sum(Points(app.CollectMetrics(), "publishing.response_cache.requests", "{request}"), ("cache.request.type", "hit")) >= 31_000);
    }

    /// <summary>The comment function run as the worker runs it for a POST from 127.0.0.1; the answer's status code.</summary>
    private static async Task<int> PostCommentAsync(TelemetryApp app, string slug, string contentType, string body)
    {
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Method = "POST";
        context.Request.Path = $"/api/articles/{slug}/comments";
        context.Request.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Response.Body = new MemoryStream();

        var result = await app.CommentFunction.CommentPost(context.Request, slug, Cancellation);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return context.Response.StatusCode;
    }

    private sealed record Point(IReadOnlyDictionary<string, object?> Tags, long Value, long Count, double Sum);

    /// <summary>The points of one instrument, checked for its unit.</summary>
    private static List<Point> Points(IReadOnlyList<MetricSnapshot> metrics, string name, string unit)
    {
        var metric = metrics.SingleOrDefault(m => m.Name == name && m.MeterName == PublishingTelemetry.Name);
        Assert.True(metric is not null, $"No '{name}' among the exported metrics: {string.Join(", ", metrics.Select(m => m.Name))}");
        Assert.Equal(unit, metric.Unit);
        var points = new List<Point>();
        foreach (var point in metric.MetricPoints)
        {
            var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            points.Add(metric.MetricType switch
            {
                MetricType.LongSum => new Point(tags, point.GetSumLong(), 0, 0),
                MetricType.Histogram => new Point(tags, 0, point.GetHistogramCount(), point.GetHistogramSum()),
                var other => throw new InvalidOperationException($"'{name}' is a {other}"),
            });
        }

        return points;
    }

    /// <summary>The count of the points carrying exactly these tags (and no others).</summary>
    private static long Sum(List<Point> points, params (string Key, string Value)[] tags) =>
        points.Where(p => p.Tags.Count == tags.Length && tags.All(t => p.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Sum(p => p.Value);

    private static string Describe(Point point) => string.Join(", ", point.Tags.Select(t => $"{t.Key}={t.Value}"));
}
