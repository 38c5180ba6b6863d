using System.CommandLine;
using System.CommandLine.Invocation;
using Publishing.Local.Commands;

namespace Publishing.Local;

/// <summary>
/// The developer tool (<c>./pub</c>): <c>serve</c> (the default) runs the function app's worker on
/// http://localhost:7071 where Core Tools cannot; <c>relay</c> feeds blob drops to <c>func start</c>; <c>drop</c>
/// imports files and folders; the rest measure. Each command is a <see cref="Command"/> of its own in
/// <c>Commands/</c> declaring its options (types, defaults, ranges) once; <c>--help</c> is written from them. A new
/// command is a new class there and one line in <see cref="Create"/>.
/// </summary>
internal static class LocalCommandLine
{
    /// <summary>Exit code of a mistake on the command line (as before System.CommandLine, which would say 1: "failed").</summary>
    public const int UsageError = 2;

    /// <summary>Exit code when stopped with Ctrl+C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    public static async Task<int> Main(string[] args)
    {
        var context = new CommandContext { Console = CommandConsole.ForProcess() };
        using var cancel = new CancellationTokenSource();
        var parsed = Parse(Create(context), args);

        // serve and relay stop on Ctrl+C as ASP.NET Core hosts do (their workers and in-flight deliveries first).
        var stopsOnItsOwn = parsed.CommandResult.Command is ServeCommand or RelayCommand;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (!cancel.IsCancellationRequested)
            {
                // The first Ctrl+C stops the command cleanly; a second one ends the process at once.
                e.Cancel = true;
                Console.Error.WriteLine("Stopping (Ctrl+C again to quit at once)...");
                cancel.Cancel();
            }
        };
        if (!stopsOnItsOwn)
        {
            Console.CancelKeyPress += onCancel;
        }

        try
        {
            return await InvokeAsync(parsed, Console.Out, Console.Error, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Every command, under the root that prints the list.</summary>
    public static RootCommand Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand(
            "Publishing's developer tool: the local Functions host, the event relay, dropping articles, and the benchmarks. "
            + "Without a command: serve. Settings come from local.settings.sample.json, then "
            + "functions/Publishing.Functions/local.settings.json, then environment variables, as `func start` reads them.")
        {
            new ServeCommand(context),
            new RelayCommand(context),
            new DropCommand(context),
            new MeasureDropsCommand(context),
            new SeedCommand(context),
            new LoadCommand(context),
            new SeedCommentsCommand(context),
            new LoadCommentsCommand(context),
        };
        return root;
    }

    /// <summary>Parses <paramref name="args"/>; with no command, or only options (<c>--urls …</c>), it is <c>serve</c>.</summary>
    public static ParseResult Parse(RootCommand root, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        var servesByDefault = args.Count == 0
            || (args[0].StartsWith("--", StringComparison.Ordinal) && args[0] is not ("--help" or "--version"));
        // No response files: a blob name or a key that starts with '@' is meant as it is.
        return root.Parse(servesByDefault ? ["serve", .. args] : args, new ParserConfiguration { ResponseFileTokenReplacer = null });
    }

    /// <summary>
    /// Runs what was parsed: the command, its help, or the parse errors with the command's help (exit code
    /// <see cref="UsageError"/>). A <see cref="CommandLineException"/> from a command is a usage error too, and
    /// cancellation is <see cref="Interrupted"/>.
    /// </summary>
    public static async Task<int> InvokeAsync(ParseResult parsed, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(error);
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Ctrl+C is handled in Main: S.CL would end the process 2 s after it, cutting a clean stop short.
            ProcessTerminationTimeout = null,
            // A command's own exceptions are handled below, or crash with their stack as any bug should.
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            var exit = await parsed.InvokeAsync(configuration, cancellationToken);
            return parsed.Action is ParseErrorAction ? UsageError : exit;
        }
        catch (CommandLineException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync();
            await parsed.RootCommandResult.Command.Parse([parsed.CommandResult.Command.Name, "--help"])
                .InvokeAsync(new InvocationConfiguration { Output = error, Error = error }, CancellationToken.None);
            return UsageError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Stopped.");
            return Interrupted;
        }
    }

    /// <summary>Parses and runs <paramref name="args"/> against <paramref name="context"/> (tests; the static entry points of serve and relay).</summary>
    public static Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        InvokeAsync(Parse(Create(context), args), output, error, cancellationToken);
}
