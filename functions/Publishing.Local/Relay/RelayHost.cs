using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Publishing.Local.Configuration;

namespace Publishing.Local.Relay;

/// <summary>What <see cref="RelayHost.Build"/> is given.</summary>
internal sealed class RelayHostSetup
{
    /// <summary>The host to deliver to: <c>func start</c>'s address.</summary>
    public required Uri Target { get; init; }

    /// <summary>The functions.metadata that names the blob-triggered functions and their paths.</summary>
    public required IReadOnlyList<Functions.FunctionMetadata> Functions { get; init; }

    public LocalSettings LocalSettings { get; init; } = LocalSettings.Load();

    /// <summary>Settings above everything else (tests give each run its own names).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}

/// <summary>The event relay on its own, next to a Functions host it does not run in (<c>func start</c>).</summary>
internal static class RelayHost
{
    public static IHost Build(RelayHostSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            EnvironmentName = Environments.Development,
            ContentRootPath = setup.LocalSettings.RepositoryRoot ?? Directory.GetCurrentDirectory(),
        });
        setup.LocalSettings.AddBeneath(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ConfigurationPath.Combine(RelayOptions.SectionName, nameof(RelayOptions.Target))] = setup.Target.AbsoluteUri,
        });
        builder.Configuration.AddInMemoryCollection(setup.Settings);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.AddPublishingStorage(builder.Configuration);
        builder.Services.AddEventRelay(builder.Configuration, RelaySubscriptions.FromMetadata(setup.Functions, builder.Configuration));
        return builder.Build();
    }
}
