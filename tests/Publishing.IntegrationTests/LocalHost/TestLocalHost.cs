using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Local;
using Publishing.Local.Http;
using Publishing.Local.Worker;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// The local host, started in-process on Kestrel at 127.0.0.1 on a free port with a test's own storage names; it
/// runs the real worker process, as <c>./run.sh</c> does. Started means the worker has loaded every function.
/// </summary>
internal sealed class TestLocalHost : IAsyncDisposable
{
    private readonly HttpClient? _otherNetwork;

    /// <summary>IPv4 and IPv6 loopback: two client networks for tests of what the app keys on the client's address.</summary>
    public const string TwoNetworks = "http://127.0.0.1:0;http://[::1]:0";

    private TestLocalHost(WebApplication app, IReadOnlyList<Uri> addresses, RecentLog log)
    {
        App = app;
        Log = log;
        BaseAddress = addresses[0];
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (addresses.FirstOrDefault(a => a.HostNameType == UriHostNameType.IPv6) is { } ipv6)
        {
            _otherNetwork = new HttpClient { BaseAddress = ipv6, Timeout = TimeSpan.FromSeconds(30) };
        }
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    /// <summary>Over IPv4 loopback.</summary>
    public HttpClient Http { get; }

    /// <summary>Over IPv6 loopback, when the host was started with <see cref="TwoNetworks"/>: another client network.</summary>
    public HttpClient OtherNetwork => _otherNetwork ?? throw new InvalidOperationException($"Start the host with urls: {nameof(TwoNetworks)} for a second network.");

    public IServiceProvider Services => App.Services;

    public WorkerHost Worker => App.Services.GetRequiredService<WorkerHost>();

    /// <summary>What the host and its worker logged lately, for the message of a test that gives up waiting.</summary>
    public RecentLog Log { get; }

    /// <summary>
    /// A client whose connections come from <paramref name="localAddress"/> (any of 127.0.0.0/8 is this machine), so
    /// the host sees, and forwards to the worker, another client address of the same network.
    /// </summary>
    public HttpClient ClientFrom(IPAddress localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(localAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The keys, when the host enforces them (<c>LocalHost:EnableAuth</c>).</summary>
    public FunctionKeys? Keys => App.Services.GetService<FunctionKeys>();

    public static async Task<TestLocalHost> StartAsync(LocalHostStorage storage, TestApp app = TestApp.Publishing, string urls = "http://127.0.0.1:0")
    {
        ArgumentNullException.ThrowIfNull(storage);
        var settings = new Dictionary<string, string?>(storage.Settings)
        {
            ["urls"] = urls,
            ["Logging:LogLevel:Default"] = "Warning",
            // The app's and the host's own information (a publish, a retry) reaches the RecentLog, and the worker sends it.
            ["Logging:LogLevel:Publishing"] = "Information",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        if (app == TestApp.TestFunctions)
        {
            settings["Worker:AppDirectory"] = TestFunctionAppDirectory;
        }

        var log = new RecentLog();
        var web = LocalServer.Build(new LocalServerSetup { Settings = settings, LoggerProviders = [log] });
        await web.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // Its reason, if the worker could not load the app (a test fails with it instead of timing out).
            await web.Services.GetRequiredService<WorkerHost>().Catalog.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            await web.Services.GetRequiredService<FunctionEndpoints>().Published.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
        catch
        {
            await web.StopAsync(CancellationToken.None);
            await web.DisposeAsync();
            throw;
        }

        var blobEndpoint = settings.GetValueOrDefault("Relay:BlobEndpoint") is { Length: > 0 } endpoint ? new Uri(endpoint) : null;
        var addresses = web.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a + "/"))
            .Where(a => a.Port != blobEndpoint?.Port)
            .OrderBy(a => a.HostNameType == UriHostNameType.IPv6)
            .ToList();
        return new TestLocalHost(web, addresses, log);
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
                Assert.Fail($"GET {path} did not answer 200 within {(timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds} s (last: {(int)response.StatusCode}). The host's recent log:{Environment.NewLine}{Log}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _otherNetwork?.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }

    private static string TestFunctionAppDirectory =>
        typeof(TestLocalHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestFunctionAppOutput").Value
        ?? throw new InvalidOperationException("The test assembly does not say where the test function app was built.");
}
