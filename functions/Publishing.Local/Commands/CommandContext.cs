using Microsoft.Extensions.Configuration;
using Publishing.Local.Configuration;

namespace Publishing.Local.Commands;

/// <summary>What every command runs with: where it writes, and the app's settings. Tests give their own.</summary>
internal sealed class CommandContext
{
    public required CommandConsole Console { get; init; }

    public LocalSettings LocalSettings { get; init; } = LocalSettings.Load();

    /// <summary>Settings above the files and the environment (tests name their own containers and tables).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The local app's base URL: <c>http://localhost:{Host.LocalHttpPort}/</c>.</summary>
    public Uri DefaultTarget => new($"http://localhost:{LocalSettings.HttpPort}/");

    /// <summary>The app's settings as <c>func start</c> would give them, for the commands that talk to storage.</summary>
    public IConfigurationRoot BuildConfiguration() => LocalSettings.BuildConfiguration(Settings);
}
