using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Publishing.Local.Configuration;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>load &lt;path&gt; [--connections 32] [--duration 10] [--warmup 2] [--if-none-match] [--target url]</c>: a small
/// closed-loop load generator. Each of N connections sends GETs back to back for the duration; prints requests/s
/// and p50/p90/p99/max latency. With <c>--if-none-match</c> every request carries the ETag of a first response,
/// measuring the <c>304</c> path.
/// </summary>
internal static class LoadCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var arguments = CommandArguments.Parse(args, "if-none-match");
        arguments.RejectUnknown("connections", "duration", "warmup", "if-none-match", "target");
        var path = arguments.Positionals.Count == 1 ? arguments.Positionals[0].TrimStart('/') : throw new CommandLineException("load needs one path, e.g. api/tags/news/articles.");
        var connections = arguments.IntOption("connections", 32, 1, 1024);
        var duration = TimeSpan.FromSeconds(arguments.IntOption("duration", 10, 1, 3600));
        var warmup = TimeSpan.FromSeconds(arguments.IntOption("warmup", 2, 0, 600));
        var target = arguments.UriOption("target", new Uri($"http://localhost:{LocalSettings.Load().HttpPort}/"));
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
        var uri = new Uri(path, UriKind.Relative);

        EntityTagHeaderValue? etag = null;
        using (var first = await http.GetAsync(uri, cancellationToken))
        {
            await output.WriteLineAsync($"GET {target}{path}: {(int)first.StatusCode}, {(await first.Content.ReadAsByteArrayAsync(cancellationToken)).Length} bytes, ETag {first.Headers.ETag}");
            if (arguments.Has("if-none-match"))
            {
                etag = first.Headers.ETag ?? throw new CommandLineException("--if-none-match: the response has no ETag.");
            }
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

        await RunAsync(http, NewRequest, connections, warmup, cancellationToken);
        var (latencies, statuses, elapsed) = await RunAsync(http, NewRequest, connections, duration, cancellationToken);
        await ReportAsync(output, latencies, statuses, elapsed, connections, "connections");
        return statuses.Keys.All(s => s is 200 or 304) ? 0 : 1;
    }

    /// <summary>Prints requests/s, the latency percentiles and the status counts of one run.</summary>
    internal static async Task ReportAsync(TextWriter output, List<double> latencies, Dictionary<int, int> statuses, TimeSpan elapsed, int connections, string unit)
    {
        latencies.Sort();
        var rate = latencies.Count / elapsed.TotalSeconds;
        double P(double q) => latencies.Count == 0 ? 0 : latencies[Math.Clamp((int)Math.Ceiling(q * latencies.Count) - 1, 0, latencies.Count - 1)];
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{latencies.Count} requests in {elapsed.TotalSeconds:0.0} s over {connections} {unit}: {rate:0} req/s; p50 {P(0.5):0.00} ms, p90 {P(0.9):0.00} ms, p99 {P(0.99):0.00} ms, max {P(1):0.00} ms"));
        await output.WriteLineAsync("Statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}")));
    }

    /// <summary>
    /// N workers each send <paramref name="newRequest"/>(worker, sequence) back to back until
    /// <paramref name="duration"/> is over; returns every latency, the status counts (0: no answer) and the time taken.
    /// </summary>
    internal static async Task<(List<double> Latencies, Dictionary<int, int> Statuses, TimeSpan Elapsed)> RunAsync(
        HttpClient http, Func<int, int, HttpRequestMessage> newRequest, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
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
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = results.SelectMany(r => r.latencies).ToList();
        var counts = results.SelectMany(r => r.statuses).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
        return (all, counts, elapsed);
    }
}
