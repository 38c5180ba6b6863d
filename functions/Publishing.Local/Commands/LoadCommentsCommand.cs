using System.Globalization;
using System.Net.Http.Json;
using Publishing.Local.Configuration;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>load-comments &lt;slug&gt; [--clients 16] [--duration 10] [--warmup 2] [--target url]</c>: N clients each POST
/// distinct JSON comments to <c>/api/articles/{slug}/comments</c> back to back for the duration; prints requests/s,
/// p50/p90/p99/max latency and the statuses. Every request comes from this machine's address, so run the app with
/// <c>Comments__PostsPerMinute</c> raised or nearly every answer is a <c>429</c>.
/// </summary>
internal static class LoadCommentsCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var arguments = CommandArguments.Parse(args);
        arguments.RejectUnknown("clients", "duration", "warmup", "target");
        var slug = arguments.Positionals.Count == 1 ? arguments.Positionals[0] : throw new CommandLineException("load-comments needs one article slug.");
        var clients = arguments.IntOption("clients", 16, 1, 1024);
        var duration = TimeSpan.FromSeconds(arguments.IntOption("duration", 10, 1, 3600));
        var warmup = TimeSpan.FromSeconds(arguments.IntOption("warmup", 2, 0, 600));
        var target = arguments.UriOption("target", new Uri($"http://localhost:{LocalSettings.Load().HttpPort}/"));
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
        var uri = new Uri($"api/articles/{Uri.EscapeDataString(slug)}/comments", UriKind.Relative);
        var run = Guid.NewGuid().ToString("N")[..8];
        var phase = "warm-up";

        HttpRequestMessage NewRequest(int client, int sequence) => new(HttpMethod.Post, uri)
        {
            Content = JsonContent.Create(new
            {
                author = string.Create(CultureInfo.InvariantCulture, $"Load client {client}"),
                body = string.Create(CultureInfo.InvariantCulture,
                    $"Comment {sequence} from client {client} ({phase}, run {run}): a synthetic comment of about the length a reader writes, with a second sentence."),
            }),
        };

        await output.WriteLineAsync($"POST {target}{uri} from {clients} clients");
        await LoadCommand.RunAsync(http, NewRequest, clients, warmup, cancellationToken);
        phase = "measured";
        var (latencies, statuses, elapsed) = await LoadCommand.RunAsync(http, NewRequest, clients, duration, cancellationToken);
        await LoadCommand.ReportAsync(output, latencies, statuses, elapsed, clients, "clients");
        if (statuses.ContainsKey(429))
        {
            await output.WriteLineAsync("429s: the per-client limit; run the app with Comments__PostsPerMinute=1000000 to measure the store.");
        }

        return statuses.Keys.All(s => s is 201) ? 0 : 1;
    }
}
