using Microsoft.Extensions.Hosting;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Local.Relay;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>relay [--target http://localhost:7071] [--metadata path/functions.metadata]</c>: the event relay on its own,
/// for use next to <c>func start</c>. The functions it delivers to come from the build's functions.metadata.
/// </summary>
internal static class RelayCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var arguments = CommandArguments.Parse(args);
        arguments.RejectUnknown("target", "metadata");
        var settings = LocalSettings.Load();
        var metadata = arguments.Option("metadata") ?? FunctionMetadataFile.Find(settings.FunctionAppDirectory)
            ?? throw new CommandLineException($"No functions.metadata under {settings.FunctionAppDirectory}/bin: build the function app first (dotnet build), or pass --metadata.");
        using var host = RelayHost.Build(new RelayHostSetup
        {
            Target = arguments.UriOption("target", new Uri($"http://localhost:{settings.HttpPort}/")),
            Functions = FunctionMetadataFile.Read(metadata),
            LocalSettings = settings,
        });
        await host.RunAsync();
        return 0;
    }
}
