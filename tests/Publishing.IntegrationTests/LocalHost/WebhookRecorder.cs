using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Publishing.Local.BlobTriggers;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>A stand-in Functions host that only records what reaches its blob webhook, to watch the relay from outside.</summary>
internal sealed class WebhookRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookRecorder(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<RecordedDelivery> Deliveries { get; } = new();

    public static async Task<WebhookRecorder> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        WebhookRecorder? recorder = null;
        app.MapPost(BlobWebhook.Route, async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            recorder?.Deliveries.Enqueue(new RecordedDelivery(
                context.Request.Query["functionName"].ToString(),
                context.Request.Headers[BlobWebhook.EventTypeHeader].ToString(),
                context.Request.Headers["aeg-delivery-count"].ToString(),
                body.RootElement.Clone()));
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        recorder = new WebhookRecorder(app, new Uri(address + "/"));
        return recorder;
    }

    /// <summary>A loopback port nothing listens on (for a host that is down).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
