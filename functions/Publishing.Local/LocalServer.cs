using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Configuration;
using Publishing.Local.Http;
using Publishing.Local.Relay;
using Publishing.Local.Worker;

namespace Publishing.Local;

/// <summary>What <see cref="LocalServer.Build"/> is given; the tests use the extra settings.</summary>
internal sealed class LocalServerSetup
{
    /// <summary>Command-line arguments, as ASP.NET Core reads them (<c>--urls http://localhost:7080</c>).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>
    /// Settings above everything else, for the host and, except the host's own (<c>urls</c>, <c>Worker</c>,
    /// <c>LocalHost</c>, <c>Relay</c>), for the worker too (tests give each run its own container and table names).
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public LocalSettings LocalSettings { get; init; } = LocalSettings.Load();

    /// <summary>Settings beneath everything else: what <c>serve</c> does unless told otherwise.</summary>
    public IReadOnlyDictionary<string, string?> Defaults { get; init; } = new Dictionary<string, string?>();

    /// <summary>Loggers added to the host's (tests keep what the host and its worker logged, to show when they fail).</summary>
    public IReadOnlyList<ILoggerProvider> LoggerProviders { get; init; } = [];
}

/// <summary>
/// The local Functions host: runs the function app's real worker process (<see cref="WorkerHost"/>) and serves
/// it on <c>http://localhost:7071</c> as the Functions host does where Core Tools cannot run: HTTP requests are
/// routed by the functions the worker reports and forwarded to it, and the blob webhook, the blob-trigger
/// dispatcher and the event relay turn Azurite drops into blob-trigger invocations.
/// </summary>
internal static partial class LocalServer
{
    /// <summary>Setting sections that configure this host and are not passed to the worker.</summary>
    private static readonly string[] HostSections = [WorkerOptions.SectionName, LocalHostOptions.SectionName, RelayOptions.SectionName];

    public static WebApplication Build(LocalServerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. setup.Args],
            EnvironmentName = Environments.Development,
            ContentRootPath = setup.LocalSettings.RepositoryRoot ?? Directory.GetCurrentDirectory(),
        });
        setup.LocalSettings.AddBeneath(builder.Configuration);
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = setup.Defaults });
        builder.Configuration.AddInMemoryCollection(setup.Settings);
        // Loopback only unless told otherwise: "localhost" binds 127.0.0.1 and [::1], nothing another machine can reach.
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrEmpty(urls))
        {
            urls = $"http://localhost:{setup.LocalSettings.HttpPort}";
        }

        var relayEnabled = builder.Configuration.GetValue(ConfigurationPath.Combine(RelayOptions.SectionName, nameof(RelayOptions.Enabled)), defaultValue: true);
        var blobEndpoint = relayEnabled ? BlobEndpointOf(builder.Configuration, urls) : null;
        builder.WebHost.UseUrls(blobEndpoint is null ? urls : $"{urls};{blobEndpoint.GetLeftPart(UriPartial.Authority)}");

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        foreach (var provider in setup.LoggerProviders)
        {
            builder.Logging.AddProvider(provider);
        }

        builder.Services.AddOptions<WorkerOptions>()
            .Bind(builder.Configuration.GetSection(WorkerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(new WorkerAppSettings(WorkerSettings(setup)));
        builder.Services.AddSingleton<WorkerHost>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WorkerHost>());
        builder.Services.AddPublishingStorage(builder.Configuration);
        builder.Services.AddLocalFunctionsHost(builder.Configuration);
        builder.Services.AddSingleton(new LocalHostNames(
            urls, builder.Configuration[ConfigurationPath.Combine(LocalHostOptions.SectionName, nameof(LocalHostOptions.AllowedHosts))]));
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<HttpFunctionForwarder>();
        builder.Services.AddSingleton<FunctionEndpoints>();
        if (builder.Configuration.GetValue(ConfigurationPath.Combine(LocalHostOptions.SectionName, nameof(LocalHostOptions.EnableAuth)), defaultValue: false))
        {
            builder.Services.AddSingleton(services =>
            {
                var options = services.GetRequiredService<IOptions<LocalHostOptions>>().Value;
                return new FunctionKeys(options.HostKey ?? FunctionKeys.Generate(), options.MasterKey ?? FunctionKeys.Generate());
            });
        }

        if (relayEnabled)
        {
            builder.Services.AddEventRelay(builder.Configuration, services => RelaySubscriptions.FromCatalog(services.GetRequiredService<WorkerHost>().Catalog));
            if (blobEndpoint is not null)
            {
                builder.Services.AddSingleton<BlobEndpointProxy>();
            }
        }

        var app = builder.Build();
        var worker = app.Services.GetRequiredService<WorkerHost>();
        var functions = app.Services.GetRequiredService<FunctionEndpoints>();
        _ = worker.Catalog.ContinueWith(loaded => functions.Publish(loaded.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        if (app.Services.GetService<FunctionKeys>() is { } keys)
        {
            LogKeys(app.Logger, keys.HostKey, keys.MasterKey);
        }

        if (builder.Configuration.GetValue(ConfigurationPath.Combine(LocalHostOptions.SectionName, nameof(LocalHostOptions.EnableAuth)), defaultValue: false) is false
            && urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(u => !IsLoopback(u)) is { } exposed)
        {
            LogExposed(app.Logger, exposed);
        }

        if (blobEndpoint is not null)
        {
            // Its own port, answered before anything of the app's: a storage client talks to it as to Azurite.
            var proxy = app.Services.GetRequiredService<BlobEndpointProxy>();
            app.MapWhen(context => context.Connection.LocalPort == blobEndpoint.Port, branch => branch.Run(proxy.ForwardAsync));
            LogBlobEndpoint(app.Logger, blobEndpoint);
        }

        app.UseMiddleware<HostHeaderCheck>();
        app.UseMiddleware<LocalHttpErrors>();
        app.UseMiddleware<WaitForFunctions>();
        app.UseRouting();
        app.UseMiddleware<NoFunctionRoute>();
        ((IEndpointRouteBuilder)app).DataSources.Add(functions);
        app.MapBlobWebhook().WithMetadata(HostEndpoint.Instance);
        app.MapBlobTriggerCompletions();

        // A fixed in-memory answer: the ceiling for load measurements (local host only, not a function).
        app.MapGet("/_local/ping", () => Results.Text("pong")).WithMetadata(HostEndpoint.Instance);
        return app;
    }

    /// <summary>
    /// The app settings the worker gets as environment variables: the settings files' values where the
    /// environment does not set them already (as <c>func start</c> never overrides a variable), then the setup's
    /// own settings, except those that configure this host.
    /// </summary>
    private static Dictionary<string, string> WorkerSettings(LocalServerSetup setup)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in setup.LocalSettings.Sources()
                     .OfType<Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource>()
                     .SelectMany(source => source.InitialData ?? []))
        {
            if (value is not null && Environment.GetEnvironmentVariable(key.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal)) is null)
            {
                settings[key] = value;
            }
        }

        foreach (var (key, value) in setup.Settings)
        {
            if (value is not null && !IsHostSetting(key))
            {
                settings[key] = value;
            }
        }

        return settings;
    }

    private static bool IsHostSetting(string key) =>
        string.Equals(key, WebHostDefaults.ServerUrlsKey, StringComparison.OrdinalIgnoreCase)
        || HostSections.Any(section => key.StartsWith(section + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// <see cref="RelayOptions.BlobEndpoint"/>, checked: an <c>http://</c> loopback address with a port of its own, as
    /// Azurite's own endpoints are; anything else would expose the storage account or shadow the app.
    /// </summary>
    private static Uri? BlobEndpointOf(ConfigurationManager configuration, string urls)
    {
        var setting = ConfigurationPath.Combine(RelayOptions.SectionName, nameof(RelayOptions.BlobEndpoint));
        if (configuration[setting] is not { Length: > 0 } value)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var endpoint)
            || endpoint.Scheme != Uri.UriSchemeHttp
            || !endpoint.IsLoopback
            || endpoint.IsDefaultPort
            || urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(url => ListenAddress(url)?.Port == endpoint.Port))
        {
            throw new OptionsValidationException(setting, typeof(RelayOptions), [$"{setting} must be an http:// loopback address with a port of its own, not one the app listens on (http://127.0.0.1:10010/devstoreaccount1), not '{value}'."]);
        }

        return endpoint;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Azurite's Blob service is also at {BlobEndpoint}: files written or deleted through it reach the app at once")]
    private static partial void LogBlobEndpoint(ILogger logger, Uri blobEndpoint);

    /// <summary>Whether a URL the host listens on is reachable from this machine only.</summary>
    private static bool IsLoopback(string url) =>
        ListenAddress(url) is { } uri
        && (uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address)));

    /// <summary>A URL the host listens on (<c>--urls</c>), with Kestrel's wildcard hosts (<c>*</c>, <c>+</c>) read as a name; null if it is none.</summary>
    private static Uri? ListenAddress(string url) =>
        Uri.TryCreate(url.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null;

    private static void LogExposed(ILogger logger, string url) =>
#pragma warning disable CA1848 // once, at start-up
        logger.LogWarning("Listening on {Url}, which other machines can reach, and checking no function keys: anyone on the network can read submission outcomes and approve or delete comments. Listen on http://localhost:<port>, or set LocalHost__EnableAuth=true.", url);
#pragma warning restore CA1848

    private static void LogKeys(ILogger logger, string hostKey, string masterKey) =>
#pragma warning disable CA1848 // once, at start-up
        logger.LogWarning("Function keys are enforced (LocalHost:EnableAuth). Host key: {HostKey}  Master key: {MasterKey}  (send one as x-functions-key or ?code=)", hostKey, masterKey);
#pragma warning restore CA1848
}
