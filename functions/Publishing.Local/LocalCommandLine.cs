using Publishing.Local.Commands;

namespace Publishing.Local;

/// <summary>
/// The local development tool. <c>serve</c> (the default) runs the function app's worker on http://localhost:7071
/// where Core Tools cannot; <c>relay</c> feeds blob drops to <c>func start</c>; <c>drop</c> and <c>measure-drops</c>
/// work against either.
/// </summary>
internal static class LocalCommandLine
{
    private const string Usage = """
        Publishing local development host

        Usage: dotnet run --project functions/Publishing.Local -- [command] [options]

          serve [--urls http://localhost:7071] [--Worker:AppDirectory <build output>] [--LocalHost:EnableAuth true]
              Run the function app's real worker process and serve it as the Functions host does (default
              command), with the blob webhook, the blob-trigger queue and the event relay that turns Azurite
              drops into Event Grid events. By default it listens on loopback only; it answers only requests whose Host is
              localhost, a loopback address, a name in --urls or one in --LocalHost:AllowedHosts (';'-separated).
              See docs/local-host.md and docs/security.md.
          relay [--target http://localhost:7071] [--metadata <functions.metadata>]
              Only the event relay, for use next to `func start`.
          drop <file> [--as <blob name>] [--wait] [--key <function key>] [--target <url>] [--timeout <seconds>]
              Upload a file to the articles container; with --wait, print what became of it. Outcomes are for
              editors: against an app that checks keys, pass a function or host key with --key (or set
              PUBLISHING_FUNCTION_KEY). Exit code: 0 published or draft, 3 rejected, 1 failed.
          measure-drops [--count 50] [--concurrency 1] [--edits] [--target <url>] [--timeout <seconds>]
              Time drop -> published page against a running app; prints p50, p95, max and mean. With
              --edits, time re-uploads of published articles until their page shows the change.
          seed [--count 10] [--tag load-<count>]
              Write synthetic entries straight into one tag's listing (transactions of 100), for load tests.
          load <path> [--connections 32] [--duration 10] [--warmup 2] [--if-none-match] [--target <url>]
              GET <path> from N connections back to back; prints requests/s and p50/p90/p99/max latency.
          seed-comments <slug> [--count 100]
              Write synthetic comments straight into an article's comments partition (transactions of 100)
              and set its count, for load tests.
          load-comments <slug> [--clients 16] [--duration 10] [--warmup 2] [--target <url>]
              POST distinct JSON comments from N clients back to back; prints requests/s, latency and statuses.
              Run the app with Comments__PostsPerMinute raised, or the per-client limit answers 429.

        Settings come from local.settings.sample.json, then functions/Publishing.Functions/local.settings.json,
        then environment variables, as `func start` reads them.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            await Console.Out.WriteLineAsync(Usage);
            return 0;
        }

        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            switch (command)
            {
                case "serve":
                    return await ServeCommand.RunAsync(rest);
                case "relay":
                    return await RelayCommand.RunAsync(rest);
                case "drop":
                    Console.CancelKeyPress += onCancel;
                    return await DropCommand.RunAsync(rest, Console.Out, cancel.Token);
                case "measure-drops":
                    Console.CancelKeyPress += onCancel;
                    return await MeasureDropsCommand.RunAsync(rest, Console.Out, cancel.Token);
                case "seed":
                    Console.CancelKeyPress += onCancel;
                    return await SeedCommand.RunAsync(rest, Console.Out, cancel.Token);
                case "load":
                    Console.CancelKeyPress += onCancel;
                    return await LoadCommand.RunAsync(rest, Console.Out, cancel.Token);
                case "seed-comments":
                    Console.CancelKeyPress += onCancel;
                    return await SeedCommentsCommand.RunAsync(rest, Console.Out, cancel.Token);
                case "load-comments":
                    Console.CancelKeyPress += onCancel;
                    return await LoadCommentsCommand.RunAsync(rest, Console.Out, cancel.Token);
                case "help":
                    await Console.Out.WriteLineAsync(Usage);
                    return 0;
                default:
                    throw new CommandLineException($"Unknown command '{command}'.");
            }
        }
        catch (CommandLineException e)
        {
            await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + Environment.NewLine + Usage);
            return 2;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
