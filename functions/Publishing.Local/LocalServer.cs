using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Publishing.Functions;
using Publishing.Functions.Articles;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Local.Http;
using Publishing.Local.Relay;

namespace Publishing.Local;

/// <summary>What <see cref="LocalServer.Build"/> is given; the tests use the extra settings and assemblies.</summary>
internal sealed class LocalServerSetup
{
    /// <summary>Command-line arguments, as ASP.NET Core reads them (<c>--urls http://localhost:7080</c>).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The assemblies whose <c>[Function]</c> methods are served: the function app's.</summary>
    public IReadOnlyList<Assembly> FunctionAssemblies { get; init; } = [typeof(PublishArticle).Assembly];

    /// <summary>Settings above everything else (tests give each run its own container and table names).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public LocalSettings LocalSettings { get; init; } = LocalSettings.Load();

    /// <summary>Services added after the app's (tests register what their own functions need).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// The local host: the function app's own classes served on <c>http://localhost:7071</c> where Azure Functions
/// Core Tools cannot run, composed with the same service registrations as the function app, with the blob
/// webhook, the blob-trigger dispatcher and the event relay beside them.
/// </summary>
internal static class LocalServer
{
    public static WebApplication Build(LocalServerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. setup.Args],
            // As func start runs the worker (AZURE_FUNCTIONS_ENVIRONMENT=Development), which also validates DI scopes.
            EnvironmentName = Environments.Development,
            ContentRootPath = setup.LocalSettings.RepositoryRoot ?? Directory.GetCurrentDirectory(),
        });
        setup.LocalSettings.AddBeneath(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(setup.Settings);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls($"http://localhost:{setup.LocalSettings.HttpPort}");
        }

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });

        var functionAssembly = setup.FunctionAssemblies.Count > 0 ? setup.FunctionAssemblies[0] : typeof(PublishArticle).Assembly;
        var routePrefix = HostJson.ReadRoutePrefix(HostJson.Find(functionAssembly, setup.LocalSettings.FunctionAppDirectory));
        var catalog = FunctionDiscovery.Discover(setup.FunctionAssemblies, builder.Configuration, routePrefix);

        builder.Services.AddPublishingApp(builder.Configuration);
        builder.Services.AddLocalFunctionsHost(builder.Configuration, catalog);
        if (builder.Configuration.GetValue(ConfigurationPath.Combine(RelayOptions.SectionName, nameof(RelayOptions.Enabled)), defaultValue: true))
        {
            builder.Services.AddEventRelay(builder.Configuration, RelaySubscriptions.FromCatalog(catalog));
        }

        setup.ConfigureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseMiddleware<LocalHttpErrors>();
        app.MapBlobWebhook();
        app.MapHttpFunctions(catalog);

        // A fixed in-memory answer: the ceiling for load measurements (local host only, not a function).
        app.MapGet("/_local/ping", () => Results.Text("pong"));
        return app;
    }
}
