using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Publishing.Telemetry;

namespace Publishing.Functions.Telemetry;

/// <summary>
/// The worker's OpenTelemetry, set up in one place (as .NET Aspire's service defaults do): what is collected in
/// <see cref="ConfigureOpenTelemetry"/>, where it goes in <see cref="AddExporters"/>. docs/observability.md says
/// what each signal is and how to see it.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Application Insights' connection string: when set (in Azure), everything is exported there.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>How the Azure SDK is told to trace its calls through <see cref="System.Diagnostics.ActivitySource"/> (still opt-in).</summary>
    private const string AzureSdkActivitySourceSwitch = "Azure.Experimental.EnableActivitySource";

    private static readonly TimeSpan LocalMetricInterval = TimeSpan.FromSeconds(10);

    public static TBuilder AddTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TelemetryOptions>()
            .Bind(builder.Configuration.GetSection(TelemetryOptions.SectionName))
            .ValidateOnStart();
        builder.ConfigureOpenTelemetry().AddExporters();
        return builder;
    }

    private static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // The storage calls as child spans of the publish that made them (BlobClient.Upload, TableClient.Query, ...).
        AppContext.SetSwitch(AzureSdkActivitySourceSwitch, true);

        builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(PublishingTelemetry.Name, "System.Runtime"))
            .WithTracing(tracing => tracing.AddSource(PublishingTelemetry.Name, "Azure.*"));
        return builder;
    }

    private static TBuilder AddExporters<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var telemetry = builder.Services.AddOpenTelemetry();
        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            // Read here, not left to the exporter, so that a malformed string stops the app at start-up.
            var credential = ApplicationInsightsAuthentication.CredentialFor(configuration[ApplicationInsightsAuthentication.Setting]);
            telemetry.UseAzureMonitorExporter(exporter =>
            {
                exporter.ConnectionString = configuration[ConnectionStringSetting];
                exporter.Credential = credential;
            });
        }

        var local = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>()?.Exporter ?? TelemetryExporter.None;
        switch (local)
        {
            case TelemetryExporter.Console:
                telemetry
                    .WithTracing(tracing => tracing.AddConsoleExporter())
                    .WithMetrics(metrics => metrics.AddConsoleExporter((_, reader) =>
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)LocalMetricInterval.TotalMilliseconds));
                break;
            case TelemetryExporter.Otlp:
                telemetry.UseOtlpExporter();
                break;
        }

        return builder;
    }
}
