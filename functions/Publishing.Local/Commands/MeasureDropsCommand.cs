using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Configuration;
using Publishing.Local.Configuration;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>measure-drops [--count 50] [--concurrency 1] [--target http://localhost:7071] [--timeout 30]</c>: the
/// drop-to-page benchmark against a running app. Drops small Markdown articles with unique slugs into the
/// articles container and times each from the end of its upload to the first <c>200</c> of
/// <c>GET /articles/{slug}</c>, polled every 10 ms. One uncounted warm-up drop goes first.
/// </summary>
internal static class MeasureDropsCommand
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(10);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var arguments = CommandArguments.Parse(args);
        arguments.RejectUnknown("count", "concurrency", "target", "timeout");
        var settings = LocalSettings.Load();
        var count = arguments.IntOption("count", 50, 1, 10_000);
        var concurrency = arguments.IntOption("concurrency", 1, 1, 64);
        var target = arguments.UriOption("target", new Uri($"http://localhost:{settings.HttpPort}/"));
        var timeout = TimeSpan.FromSeconds(arguments.IntOption("timeout", 30, 1, 600));
        var configuration = settings.BuildConfiguration();

        using var http = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var probe = await http.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);
        }
        catch (HttpRequestException e)
        {
            await output.WriteLineAsync($"The app is not answering at {target} ({e.Message}). Start it with ./run.sh first.");
            return 1;
        }

        var run = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
        var container = ArticleDrops.Container(configuration);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await output.WriteLineAsync($"Dropping {count} articles into '{container.Name}' ({concurrency} at a time) and polling {target}articles/<slug> every {PollEvery.TotalMilliseconds:0} ms...");

        var warmUp = await MeasureOneAsync(container, http, run, 0, timeout, cancellationToken);
        await output.WriteLineAsync(warmUp is { } w ? $"Warm-up drop: {w.TotalMilliseconds:0} ms (not counted)." : "Warm-up drop: no page within the timeout.");

        var times = new ConcurrentBag<double>();
        var failures = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(1, count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                if (await MeasureOneAsync(container, http, run, i, timeout, token) is { } elapsed)
                {
                    times.Add(elapsed.TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            });

        var sorted = times.Order().ToArray();
        if (sorted.Length == 0)
        {
            await output.WriteLineAsync($"No page appeared within {timeout.TotalSeconds:0} s for any of the {count} drops. Is the relay running, and is the app publishing?");
            return 1;
        }

        var (p50, p95, max, mean) = (Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted[^1], sorted.Average());
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Drops: {sorted.Length} measured, {failures} without a page within {timeout.TotalSeconds:0} s; concurrency {concurrency}."));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Drop to page: p50 {p50:0} ms, p95 {p95:0} ms, max {max:0} ms, mean {mean:0} ms."));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"README row: | {sorted.Length} drops, concurrency {concurrency} | {p50:0} ms | {p95:0} ms | {max:0} ms | {mean:0} ms |"));
        await output.WriteLineAsync($"The measured articles stay in local storage like any other (/articles/measure-{run}-*).");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Time from the end of one upload to the first 200 for its page, or null on timeout.</summary>
    private static async Task<TimeSpan?> MeasureOneAsync(
        Azure.Storage.Blobs.BlobContainerClient container, HttpClient http, string run, int index, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var slug = string.Create(CultureInfo.InvariantCulture, $"measure-{run}-{index:000}");
        var markdown = string.Create(CultureInfo.InvariantCulture,
            $"---\ntitle: Measured drop {index} of run {run}\nslug: {slug}\ntags: [measure-drops]\n---\n\nA small article dropped by `measure-drops` to time the way from a file drop to its published page.\n");
        await container.GetBlobClient(string.Create(CultureInfo.InvariantCulture, $"measure-drops/{run}/{index:000}.md")).UploadAsync(
            BinaryData.FromString(markdown),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypes.For("a.md") } },
            cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var page = new Uri($"articles/{slug}", UriKind.Relative);
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            using (var response = await http.GetAsync(page, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return Stopwatch.GetElapsedTime(started);
                }
            }

            await Task.Delay(PollEvery, cancellationToken);
        }

        return null;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
