using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// A plain HTTP front for a test's host that records every request's path, and, as <c>func start</c> or Azure would,
/// can answer 404 to the local host's own <c>/_local/</c> routes: a tool pointed at it sees the app without them.
/// </summary>
internal sealed class FrontProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _withoutLocalRoutes;
    private volatile Target _target;

    private FrontProxy(WebApplication app, Uri host, bool withoutLocalRoutes)
    {
        _app = app;
        _target = new Target(new HttpClient { BaseAddress = host }, 0);
        _withoutLocalRoutes = withoutLocalRoutes;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The path of every request, in arrival order.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    /// <summary>Every request's path and the host it went to (0: the first, 1: the one after the first <see cref="Retarget"/>, ...).</summary>
    public ConcurrentQueue<(string Path, int Host)> Forwarded { get; } = new();

    /// <summary>Sends what comes from now on to <paramref name="host"/>, as if the app at this address had restarted.</summary>
    public void Retarget(TestLocalHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var previous = _target;
        _target = new Target(new HttpClient { BaseAddress = host.BaseAddress }, previous.Number + 1);
    }

    public static async Task<FrontProxy> StartAsync(TestLocalHost host, bool withoutLocalRoutes)
    {
        ArgumentNullException.ThrowIfNull(host);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new FrontProxy(app, host.BaseAddress, withoutLocalRoutes);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        proxy.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/");
        return proxy;
    }

    public int Count(Func<string, bool> path) => Paths.Count(path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _target.Http.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var target = _target;
        Paths.Enqueue(path);
        Forwarded.Enqueue((path, target.Number));
        if (_withoutLocalRoutes && context.Request.Path.StartsWithSegments("/_local"))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(path.TrimStart('/') + context.Request.QueryString, UriKind.Relative));
        foreach (var (name, value) in context.Request.Headers.Where(h => h.Key.StartsWith("x-", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation(name, value.ToArray());
        }

        using var response = await target.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private sealed record Target(HttpClient Http, int Number);
}
