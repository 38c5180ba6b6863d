using System.Diagnostics;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Publishing.Functions;
using Publishing.Functions.Articles;
using Publishing.Functions.Comments;
using Publishing.Functions.Telemetry;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.IntegrationTests.Telemetry;

/// <summary>
/// The function app's services and its telemetry set up as Program.cs sets them up (<c>AddPublishingApp</c>,
/// <c>AddTelemetry</c>), on storage names of one test's own, with OpenTelemetry's in-memory exporters added to
/// read back what the app recorded. The functions are the app's own classes, called as the worker calls them.
/// </summary>
public sealed class TelemetryApp : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly List<Activity> _spans = [];

    public TelemetryApp(Action<Dictionary<string, string?>>? configure = null, FaultInjectionPolicy? faults = null)
    {
        var settings = TestNames.IsolatedSettings();
        configure?.Invoke(settings);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddPublishingApp(builder.Configuration);
        builder.AddTelemetry();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
        faults?.AddTo(builder.Services);
        _host = builder.Build();
        Articles = Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(settings["ArticlesContainer"]);
    }

    public IServiceProvider Services => _host.Services;

    /// <summary>Where this test drops its files.</summary>
    public BlobContainerClient Articles { get; }

    public PublishArticle PublishFunction => ActivatorUtilities.CreateInstance<PublishArticle>(Services);

    public CommentPostEndpoint CommentFunction => ActivatorUtilities.CreateInstance<CommentPostEndpoint>(Services);

    public Task StartAsync() => _host.StartAsync(TestContext.Current.CancellationToken);

    /// <summary>Uploads a file as an editor would and returns its client (the app's own, as the trigger's is).</summary>
    public async Task<BlobClient> DropAsync(string name, string content)
    {
        await Articles.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var blob = Articles.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromString(content), overwrite: true, TestContext.Current.CancellationToken);
        return blob;
    }

    /// <summary>Runs the blob-triggered function on <paramref name="file"/>, as the worker does for a blob event.</summary>
    public Task PublishAsync(BlobClient file) => PublishFunction.Run(file, file.Name, TestContext.Current.CancellationToken);

    /// <summary>The metrics recorded so far, as an exporter would send them now (sums since the start).</summary>
    public IReadOnlyList<MetricSnapshot> CollectMetrics()
    {
        _metrics.Clear();
        Assert.True(Services.GetRequiredService<MeterProvider>().ForceFlush(), "the meter provider did not flush");
        return [.. _metrics];
    }

    /// <summary>The spans ended so far.</summary>
    public IReadOnlyList<Activity> CollectSpans()
    {
        Assert.True(Services.GetRequiredService<TracerProvider>().ForceFlush(), "the tracer provider did not flush");
        return [.. _spans];
    }

    public async ValueTask DisposeAsync()
    {
        await PublishingHarness.DeleteStorageAsync(Services.GetRequiredService<StorageLayout>(), Articles);
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
