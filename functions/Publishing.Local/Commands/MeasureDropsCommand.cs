using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Azure.Storage.Blobs.Models;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>measure-drops [--count 50] [--concurrency 1] [--edits] [--target http://localhost:7071] [--timeout 30]</c>:
/// the drop-to-page benchmark against a running app. Drops small Markdown articles with unique slugs into the
/// articles container and times each from the end of its upload to the first <c>200</c> of
/// <c>GET /articles/{slug}</c>, polled every 10 ms. With <c>--edits</c> each article is first published (not
/// timed) and then uploaded again with a changed body, and the time is until the page shows the change. One
/// uncounted warm-up drop goes first.
/// </summary>
internal sealed class MeasureDropsCommand : Command
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(10);

    private readonly CommandContext _context;
    private readonly Option<Uri> _target;
    private readonly Option<int> _count = CommandOptions.Number("--count", "Drops to time", 50, 1, 10_000);
    private readonly Option<int> _concurrency = CommandOptions.Number("--concurrency", "Drops at once", 1, 1, 64);
    private readonly Option<bool> _edits = CommandOptions.Flag("--edits", "Time re-uploads of published articles until their page shows the change");
    private readonly Option<int> _timeout = CommandOptions.Seconds("--timeout", "Longest wait for one page", 30, 1, 600);
    private readonly Option<bool> _direct = CommandOptions.Direct();

    public MeasureDropsCommand(CommandContext context)
        : base("measure-drops", "Time drop -> published page against a running app; prints p50, p95, max and mean. With --edits, time re-uploads of published articles until their page shows the change.")
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _target = CommandOptions.Target(context);
        Options.Add(_count);
        Options.Add(_concurrency);
        Options.Add(_edits);
        Options.Add(_target);
        Options.Add(_timeout);
        Options.Add(_direct);
        SetAction((parsed, cancellationToken) => MeasureAsync(
            parsed.GetValue(_count), parsed.GetValue(_concurrency), parsed.GetValue(_edits), parsed.GetValue(_target)!, parsed.GetSeconds(_timeout), parsed.GetValue(_direct), cancellationToken));
    }

    private async Task<int> MeasureAsync(int count, int concurrency, bool edits, Uri target, TimeSpan timeout, bool direct, CancellationToken cancellationToken)
    {
        var console = _context.Console;
        using var http = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var probe = await http.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);
        }
        catch (HttpRequestException e)
        {
            console.WriteLine($"The app is not answering at {target} ({e.Message}). Start it with ./run.sh first.", Tone.Bad);
            return 1;
        }

        var run = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
        var (container, through) = await ArticleDrops.ContainerAsync(_context.BuildConfiguration(), direct, cancellationToken);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var what = edits ? "edits of published articles" : "new articles";
        var how = through is null ? "straight to Azurite" : $"through the app's blob endpoint {through}";
        console.WriteLine($"Dropping {count} {what} into '{container.Name}' {how} ({concurrency} at a time) and polling {target}articles/<slug> every {PollEvery.TotalMilliseconds:0} ms...");

        var times = new ConcurrentBag<double>();
        var failures = 0;
        await console.WithProgressAsync(async bars =>
        {
            var warmUp = await MeasureOneAsync(container, http, run, 0, edits, timeout, cancellationToken);
            bars.WriteLine(warmUp is { } w ? $"Warm-up drop: {w.TotalMilliseconds:0} ms (not counted)." : "Warm-up drop: no page within the timeout.");
            var bar = bars.Add("Measuring drops", count, "drops");
            await Parallel.ForEachAsync(
                Enumerable.Range(1, count),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    if (await MeasureOneAsync(container, http, run, i, edits, timeout, token) is { } elapsed)
                    {
                        times.Add(elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }

                    bar.Advance();
                });
            bar.Finish();
            return 0;
        });

        var sorted = times.Order().ToArray();
        if (sorted.Length == 0)
        {
            console.WriteLine($"No page appeared within {timeout.TotalSeconds:0} s for any of the {count} drops. Is the relay running, and is the app publishing?", Tone.Bad);
            return 1;
        }

        var (p50, p95, max, mean) = (Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted[^1], sorted.Average());
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Drops ({what}): {sorted.Length} measured, {failures} without a page within {timeout.TotalSeconds:0} s; concurrency {concurrency}."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Drop to page: p50 {p50:0} ms, p95 {p95:0} ms, max {max:0} ms, mean {mean:0} ms."));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"README row: | {sorted.Length} {(edits ? "edits" : "drops")}, concurrency {concurrency} | {p50:0} ms | {p95:0} ms | {max:0} ms | {mean:0} ms |"));
        console.WriteLine($"The measured articles stay in local storage like any other (/articles/measure-{run}-*).");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// Time from the end of one upload to the first 200 for its page (with <paramref name="edit"/>: to the first
    /// answer showing the edited body, after an untimed first version), or null on timeout.
    /// </summary>
    private static async Task<TimeSpan?> MeasureOneAsync(
        Azure.Storage.Blobs.BlobContainerClient container, HttpClient http, string run, int index, bool edit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var slug = string.Create(CultureInfo.InvariantCulture, $"measure-{run}-{index:000}");
        var blob = container.GetBlobClient(string.Create(CultureInfo.InvariantCulture, $"measure-drops/{run}/{index:000}.md"));
        var page = new Uri($"articles/{slug}", UriKind.Relative);
        if (edit && await UploadAndWaitAsync(blob, http, page, Markdown(slug, index, run, "first version"), marker: null, timeout, cancellationToken) is null)
        {
            return null;
        }

        var marker = edit ? $"edited-{Guid.NewGuid():N}" : null;
        return await UploadAndWaitAsync(blob, http, page, Markdown(slug, index, run, marker ?? "only version"), marker, timeout, cancellationToken);
    }

    private static string Markdown(string slug, int index, string run, string version) => string.Create(CultureInfo.InvariantCulture,
        $"---\ntitle: Measured drop {index} of run {run}\nslug: {slug}\ntags: [measure-drops]\n---\n\nA small article dropped by `measure-drops` to time the way from a file drop to its published page ({version}).\n");

    /// <summary>Uploads, then polls the page until it answers 200 (and shows <paramref name="marker"/>, when given).</summary>
    private static async Task<TimeSpan?> UploadAndWaitAsync(
        Azure.Storage.Blobs.BlobClient blob, HttpClient http, Uri page, string markdown, string? marker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await blob.UploadAsync(
            BinaryData.FromString(markdown),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypes.For("a.md") } },
            cancellationToken);
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            using (var response = await http.GetAsync(page, marker is null ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken))
            {
                if (response.StatusCode == HttpStatusCode.OK
                    && (marker is null || (await response.Content.ReadAsStringAsync(cancellationToken)).Contains(marker, StringComparison.Ordinal)))
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
