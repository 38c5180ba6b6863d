using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Json;
using System.Reflection;
using Publishing.Comments;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>load-comments &lt;slug&gt; [--clients 16] [--duration 10] [--warmup 2] [--target url]</c>: N clients each POST
/// distinct JSON comments to <c>/api/articles/{slug}/comments</c> back to back for the duration; prints requests/s,
/// p50/p90/p99/max latency and the statuses. Every request comes from this machine's address, so run the app with
/// <c>Comments__PostsPerMinute</c> raised (to at most <see cref="MostPostsPerMinute"/>, the app's own limit) or nearly
/// every answer is a <c>429</c>.
/// </summary>
internal sealed class LoadCommentsCommand : Command
{
    /// <summary>The highest <see cref="CommentOptions.PostsPerMinute"/> the app starts with, read from its validation.</summary>
    public static readonly int MostPostsPerMinute = Convert.ToInt32(
        typeof(CommentOptions).GetProperty(nameof(CommentOptions.PostsPerMinute))!.GetCustomAttribute<RangeAttribute>()!.Maximum,
        CultureInfo.InvariantCulture);

    private readonly CommandContext _context;
    private readonly Option<Uri> _target;
    private readonly Argument<string> _slug = new("slug") { Description = "The article to comment on" };
    private readonly Option<int> _clients = CommandOptions.Number("--clients", "Clients posting back to back", 16, 1, 1024);
    private readonly Option<int> _duration = CommandOptions.Seconds("--duration", "How long to measure", 10, 1, 3600);
    private readonly Option<int> _warmup = CommandOptions.Seconds("--warmup", "Unmeasured load first", 2, 0, 600);

    public LoadCommentsCommand(CommandContext context)
        : base("load-comments", "POST distinct JSON comments from N clients back to back; prints requests/s, latency and statuses. "
            + $"Every post comes from this machine: run the app with {RaiseLimit}, or the per-client limit answers 429.")
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _target = CommandOptions.Target(context);
        Arguments.Add(_slug);
        CommandOptions.AcceptSlugsOnly(_slug);
        Options.Add(_clients);
        Options.Add(_duration);
        Options.Add(_warmup);
        Options.Add(_target);
        SetAction((parsed, cancellationToken) => LoadAsync(
            parsed.GetValue(_slug)!,
            parsed.GetValue(_clients),
            parsed.GetSeconds(_duration),
            parsed.GetSeconds(_warmup),
            parsed.GetValue(_target)!,
            cancellationToken));
    }

    /// <summary>The setting to run the app with for this benchmark: the per-client limit as high as the app allows.</summary>
    public static string RaiseLimit => string.Create(CultureInfo.InvariantCulture, $"Comments__PostsPerMinute={MostPostsPerMinute}");

    private async Task<int> LoadAsync(string slug, int clients, TimeSpan duration, TimeSpan warmup, Uri target, CancellationToken cancellationToken)
    {
        var console = _context.Console;
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

        console.WriteLine($"POST {target}{uri} from {clients} clients");
        var (latencies, statuses, elapsed) = await console.WithProgressAsync(async bars =>
        {
            await LoadCommand.RunAsync(http, NewRequest, clients, warmup, bars.Add("Warming up", warmup.TotalSeconds, "s"), cancellationToken);
            phase = "measured";
            return await LoadCommand.RunAsync(http, NewRequest, clients, duration, bars.Add("Measuring", duration.TotalSeconds, "s"), cancellationToken);
        });
        LoadCommand.Report(console, latencies, statuses, elapsed, clients, "clients");
        if (statuses.TryGetValue(429, out var refused))
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"429s: the per-client limit ({refused} posts refused). Run the app with {RaiseLimit} (the most it allows) to measure the store; past that many posts a minute, the limit still answers."),
                Tone.Warning);
        }

        return statuses.Keys.All(s => s is 201) ? 0 : 1;
    }
}
