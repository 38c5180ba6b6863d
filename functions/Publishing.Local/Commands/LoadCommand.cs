using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>load &lt;path&gt; [--connections 32] [--duration 10] [--warmup 2] [--if-none-match] [--target url]</c>: a small
/// closed-loop load generator. Each of N connections sends GETs back to back for the duration; prints requests/s
/// and p50/p90/p99/max latency. With <c>--if-none-match</c> every request carries the ETag of a first response,
/// measuring the <c>304</c> path.
/// </summary>
internal sealed class LoadCommand : Command
{
    private readonly CommandContext _context;
    private readonly Option<Uri> _target;
    private readonly Argument<string> _path = new("path") { Description = "The path to GET, e.g. api/tags/news/articles" };
    private readonly Option<int> _connections = CommandOptions.Number("--connections", "Connections sending back to back", 32, 1, 1024);
    private readonly Option<int> _duration = CommandOptions.Seconds("--duration", "How long to measure", 10, 1, 3600);
    private readonly Option<int> _warmup = CommandOptions.Seconds("--warmup", "Unmeasured load first", 2, 0, 600);
    private readonly Option<bool> _ifNoneMatch = CommandOptions.Flag("--if-none-match", "Send the first response's ETag with every request (the 304 path)");

    public LoadCommand(CommandContext context)
        : base("load", "GET a path from N connections back to back; prints requests/s and p50/p90/p99/max latency.")
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _target = CommandOptions.Target(context);
        Arguments.Add(_path);
        Options.Add(_connections);
        Options.Add(_duration);
        Options.Add(_warmup);
        Options.Add(_ifNoneMatch);
        Options.Add(_target);
        SetAction((parsed, cancellationToken) => LoadAsync(
            parsed.GetValue(_path)!.TrimStart('/'),
            parsed.GetValue(_connections),
            parsed.GetSeconds(_duration),
            parsed.GetSeconds(_warmup),
            parsed.GetValue(_ifNoneMatch),
            parsed.GetValue(_target)!,
            cancellationToken));
    }

    private async Task<int> LoadAsync(string path, int connections, TimeSpan duration, TimeSpan warmup, bool ifNoneMatch, Uri target, CancellationToken cancellationToken)
    {
        var console = _context.Console;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
        var uri = new Uri(path, UriKind.Relative);

        EntityTagHeaderValue? etag = null;
        try
        {
            using var first = await http.GetAsync(uri, cancellationToken);
            console.WriteLine($"GET {target}{path}: {(int)first.StatusCode}, {(await first.Content.ReadAsByteArrayAsync(cancellationToken)).Length} bytes, ETag {first.Headers.ETag}");
            if (ifNoneMatch)
            {
                etag = first.Headers.ETag ?? throw new CommandLineException("--if-none-match: the response has no ETag.");
            }
        }
        catch (HttpRequestException e)
        {
            console.WriteLine($"The app is not answering at {target} ({e.Message}). Start it with ./run.sh first.", Tone.Bad);
            return 1;
        }

        HttpRequestMessage NewRequest(int client, int sequence)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (etag is not null)
            {
                request.Headers.IfNoneMatch.Add(etag);
            }

            return request;
        }

        var (latencies, statuses, elapsed) = await console.WithProgressAsync(async bars =>
        {
            await RunAsync(http, NewRequest, connections, warmup, bars.Add("Warming up", warmup.TotalSeconds, "s"), cancellationToken);
            return await RunAsync(http, NewRequest, connections, duration, bars.Add("Measuring", duration.TotalSeconds, "s"), cancellationToken);
        });
        Report(console, latencies, statuses, elapsed, connections, "connections");
        return statuses.Keys.All(s => s is 200 or 304) ? 0 : 1;
    }

    /// <summary>Prints requests/s, the latency percentiles and the status counts of one run.</summary>
    internal static void Report(CommandConsole console, List<double> latencies, Dictionary<int, int> statuses, TimeSpan elapsed, int connections, string unit)
    {
        ArgumentNullException.ThrowIfNull(console);
        latencies.Sort();
        var rate = latencies.Count / elapsed.TotalSeconds;
        double P(double q) => latencies.Count == 0 ? 0 : latencies[Math.Clamp((int)Math.Ceiling(q * latencies.Count) - 1, 0, latencies.Count - 1)];
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{latencies.Count} requests in {elapsed.TotalSeconds:0.0} s over {connections} {unit}: {rate:0} req/s; p50 {P(0.5):0.00} ms, p90 {P(0.9):0.00} ms, p99 {P(0.99):0.00} ms, max {P(1):0.00} ms"));
        console.WriteLine("Statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}")));
    }

    /// <summary>
    /// N workers each send <paramref name="newRequest"/>(worker, sequence) back to back until
    /// <paramref name="duration"/> is over; returns every latency, the status counts (0: no answer) and the time taken.
    /// </summary>
    internal static async Task<(List<double> Latencies, Dictionary<int, int> Statuses, TimeSpan Elapsed)> RunAsync(
        HttpClient http, Func<int, int, HttpRequestMessage> newRequest, int connections, TimeSpan duration, ProgressBar bar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bar);
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(
            async () =>
            {
                var latencies = new List<double>(4096);
                var statuses = new Dictionary<int, int>();
                for (var sequence = 0; Stopwatch.GetTimestamp() < end; sequence++)
                {
                    using var request = newRequest(worker, sequence);
                    var sent = Stopwatch.GetTimestamp();
                    int status;
                    try
                    {
                        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                        status = (int)response.StatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        status = 0;
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }

                return (latencies, statuses);
            },
            cancellationToken)).ToList();
        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken)) != all)
        {
            bar.Value = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        var results = await all;
        var elapsed = Stopwatch.GetElapsedTime(started);
        bar.Value = bar.Total;
        bar.Finish();
        var latencies = results.SelectMany(r => r.latencies).ToList();
        var counts = results.SelectMany(r => r.statuses).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
        return (latencies, counts, elapsed);
    }
}
