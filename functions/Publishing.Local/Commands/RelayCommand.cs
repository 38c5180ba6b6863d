using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Local.Relay;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>relay [--target http://localhost:7071] [--metadata path/functions.metadata]</c>: the event relay on its own,
/// for use next to <c>func start</c>. The functions it delivers to come from the build's functions.metadata.
/// </summary>
internal sealed class RelayCommand : Command
{
    private readonly Option<Uri> _target;

    private readonly Option<string?> _metadata = CommandOptions.Text(
        "--metadata",
        "The function app build's functions.metadata; default: the one under functions/Publishing.Functions/bin",
        "file");

    public RelayCommand(CommandContext context)
        : base("relay", "Only the event relay, for use next to `func start`: turns Azurite blob drops into Event Grid events for the app's blob-extension webhook.")
    {
        ArgumentNullException.ThrowIfNull(context);
        _target = CommandOptions.Target(context);
        Options.Add(_target);
        Options.Add(_metadata);
        SetAction(async (parsed, _) =>
        {
            var settings = context.LocalSettings;
            var metadata = parsed.GetValue(_metadata) ?? FunctionMetadataFile.Find(settings.FunctionAppDirectory)
                ?? throw new CommandLineException($"No functions.metadata under {settings.FunctionAppDirectory}/bin: build the function app first (dotnet build), or pass --metadata.");
            using var host = RelayHost.Build(new RelayHostSetup
            {
                Target = parsed.GetValue(_target)!,
                Functions = FunctionMetadataFile.Read(metadata),
                LocalSettings = settings,
            });
            // The relay stops on Ctrl+C by itself, as any host does.
            await host.RunAsync(CancellationToken.None);
            return 0;
        });
    }

    /// <summary>Runs the relay with <c>--target</c>/<c>--metadata</c> arguments, as <c>relay</c> on the command line does.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args) =>
        LocalCommandLine.RunAsync(new CommandContext { Console = CommandConsole.ForProcess() }, ["relay", .. args], Console.Out, Console.Error, CancellationToken.None);
}
