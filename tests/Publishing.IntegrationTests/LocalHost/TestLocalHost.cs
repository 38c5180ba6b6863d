using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Functions.Articles;
using Publishing.Local;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The local host, started in-process on Kestrel at 127.0.0.1 on a free port, with a test's own storage names.</summary>
internal sealed class TestLocalHost : IAsyncDisposable
{
    private TestLocalHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<TestLocalHost> StartAsync(
        LocalHostStorage storage,
        IEnumerable<Assembly>? extraFunctionAssemblies = null,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var settings = new Dictionary<string, string?>(storage.Settings)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        var app = LocalServer.Build(new LocalServerSetup
        {
            Settings = settings,
            FunctionAssemblies = [typeof(PublishArticle).Assembly, .. extraFunctionAssemblies ?? []],
            ConfigureServices = configureServices,
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestLocalHost(app, new Uri(address + "/"));
    }

    /// <summary>GETs <paramref name="path"/> until it answers 200, or fails after <paramref name="timeout"/> (default 20 s).</summary>
    public async Task<HttpResponseMessage> GetWhenOkAsync(string path, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var response = await Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return response;
            }

            response.Dispose();
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"GET {path} did not answer 200 within {(timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds} s (last: {(int)response.StatusCode}).");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}

/// <summary>Waiting for something that happens in the background, without fixed sleeps.</summary>
internal static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTimeOffset.UtcNow + limit;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Waited {limit.TotalSeconds} s for {what}.");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        GetAsync<object>(async () => await probe() ? new object() : null, what, timeout);
}
