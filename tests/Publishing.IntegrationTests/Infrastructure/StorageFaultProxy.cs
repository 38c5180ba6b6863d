using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Local.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>
/// A reverse proxy in front of Azurite that injects storage faults "from storage", for an app whose storage clients
/// live in another process (the Functions worker a host starts), where no <see cref="FaultInjectionPolicy"/> can join
/// their pipeline. Hand the app <see cref="ConnectionString"/> as <c>AzureWebJobsStorage</c> and arm rules on the
/// policy given to <see cref="StartAsync"/>, as with the policy in process: the same <see cref="StorageRequest"/>s,
/// counted the same way. One listener per service on 127.0.0.1; every request is forwarded as it came (method, raw
/// path and query, headers, content, streamed both ways), which keeps Shared Key signatures valid, since they sign
/// the path but not the host. A rule's fault is applied on the wire: <see cref="StorageFault.ServiceUnavailable"/>
/// is a <c>503 ServerBusy</c> answer in the service's error format, without forwarding;
/// <see cref="StorageFault.ConnectionDropped"/> resets the connection without forwarding;
/// <see cref="StorageFault.ResponseLost"/> forwards, lets Azurite carry the request out, and resets the connection
/// instead of answering; <see cref="StorageFault.Hung"/> reads the request and never answers, until the client
/// gives up (its network timeout or cancellation closes the connection) or the proxy stops.
/// </summary>
/// <example>
/// <code>
/// var faults = new FaultInjectionPolicy();
/// await using var proxy = await StorageFaultProxy.StartAsync(faults, cancellationToken);
/// settings["AzureWebJobsStorage"] = proxy.ConnectionString;
/// ... start the app ...
/// var rule = faults.FailNth(1, r => r.Table == table &amp;&amp; r.IsTransaction, StorageFault.ResponseLost);
/// ... act ...
/// Assert.True(rule.Injected);
/// </code>
/// </example>
public sealed class StorageFaultProxy : IAsyncDisposable
{
    private const string ServerBusy = "ServerBusy";

    private static readonly ForwarderRequestConfig Http11 = new() { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private readonly FaultInjectionPolicy _faults;
    private readonly IReadOnlyDictionary<StorageService, ListenOptions> _listeners;
    private readonly WebApplication _server;
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _azurite;

    private StorageFaultProxy(FaultInjectionPolicy faults, IReadOnlyDictionary<StorageService, ListenOptions> listeners, WebApplication server)
    {
        _faults = faults;
        _listeners = listeners;
        _server = server;
        _forwarder = server.Services.GetRequiredService<IHttpForwarder>();
        _azurite = new HttpMessageInvoker(HttpFunctionForwarder.ForwardingHandler());
        server.Run(HandleAsync);
    }

    /// <summary>The development account at the proxy's endpoints, for the app's <c>AzureWebJobsStorage</c>.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Azurite.AccountName};AccountKey={Azurite.AccountKey};"
        + $"BlobEndpoint={Endpoint(StorageService.Blob)};QueueEndpoint={Endpoint(StorageService.Queue)};TableEndpoint={Endpoint(StorageService.Table)};";

    /// <summary>Starts a proxy in front of the Azurite on its default ports (<see cref="Azurite.Ports"/>) that applies <paramref name="faults"/>' rules.</summary>
    public static async Task<StorageFaultProxy> StartAsync(FaultInjectionPolicy faults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var listeners = new Dictionary<StorageService, ListenOptions>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging().AddHttpForwarder();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            foreach (var service in Azurite.Ports.Keys)
            {
                // HTTP/1.1 only, as Azurite speaks: a dropped request is a dropped connection.
                kestrel.Listen(IPAddress.Loopback, 0, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listeners[service] = listen;
                });
            }
        });

        var proxy = new StorageFaultProxy(faults, listeners, builder.Build());
        try
        {
            await proxy._server.StartAsync(cancellationToken);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    /// <summary>The proxy's endpoint for <paramref name="service"/> (with the account name, as Azurite's are).</summary>
    public Uri Endpoint(StorageService service) =>
        new($"http://127.0.0.1:{Port(_listeners[service])}/{Azurite.AccountName}");

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _server.StopAsync(stopping.Token);
        }

        await _server.DisposeAsync();
        _azurite.Dispose();
    }

    private static int Port(ListenOptions listener) =>
        // Kestrel writes the bound port back once it listens.
        listener.IPEndPoint?.Port ?? throw new InvalidOperationException("The proxy is not listening.");

    private static string AzuriteOrigin(StorageService service) => $"http://127.0.0.1:{Azurite.Ports[service]}";

    private StorageService ServiceOf(HttpContext context) =>
        _listeners.First(l => Port(l.Value) == context.Connection.LocalPort).Key;

    private async Task HandleAsync(HttpContext context)
    {
        var service = ServiceOf(context);
        var fault = _faults.IsArmed ? _faults.FaultFor(await DescribeAsync(context, service)) : null;
        switch (fault)
        {
            case StorageFault.ServiceUnavailable:
                await AnswerServerBusyAsync(context, service);
                break;
            case StorageFault.ConnectionDropped:
                Reset(context);
                break;
            case StorageFault.ResponseLost:
                await ForwardAsync(context, service, Verbatim.WithoutResponse);
                Reset(context);
                break;
            case StorageFault.Hung:
                await HangAsync(context);
                break;
            default:
                await ForwardAsync(context, service, Verbatim.WithResponse);
                break;
        }
    }

    private async Task ForwardAsync(HttpContext context, StorageService service, Verbatim transformer) =>
        await _forwarder.SendAsync(context, AzuriteOrigin(service), _azurite, Http11, transformer, context.RequestAborted);

    private static async Task<StorageRequest> DescribeAsync(HttpContext context, StorageService service)
    {
        var address = RawTargetTransformer.Address(AzuriteOrigin(service), context);
        string? content = null;
        if (StorageRequest.IsTransactionAddress(service, address))
        {
            // Buffered, so that the transaction read here is still forwarded whole.
            context.Request.EnableBuffering();
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true))
            {
                content = await reader.ReadToEndAsync(context.RequestAborted);
            }

            context.Request.Body.Position = 0;
        }

        return StorageRequest.Read(RequestMethod.Parse(context.Request.Method), address, service, content);
    }

    /// <summary>A busy service's answer: <c>503</c>, the error code in <c>x-ms-error-code</c> and in a body in the service's own format.</summary>
    private static async Task AnswerServerBusyAsync(HttpContext context, StorageService service)
    {
        var requestId = Guid.NewGuid().ToString();
        var message = $"The server is currently unable to receive requests. Please retry your request.\nRequestId:{requestId}\nTime:{DateTime.UtcNow:O}";
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers["x-ms-error-code"] = ServerBusy;
        response.Headers["x-ms-request-id"] = requestId;
        if (context.Request.Headers.TryGetValue("x-ms-client-request-id", out var clientRequestId))
        {
            response.Headers["x-ms-client-request-id"] = clientRequestId;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        if (service == StorageService.Table)
        {
            response.ContentType = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
            var error = new JsonObject
            {
                ["odata.error"] = new JsonObject
                {
                    ["code"] = ServerBusy,
                    ["message"] = new JsonObject { ["lang"] = "en-US", ["value"] = message },
                },
            };
            await response.WriteAsync(error.ToJsonString(), context.RequestAborted);
        }
        else
        {
            response.ContentType = "application/xml";
            var error = new XElement("Error", new XElement("Code", ServerBusy), new XElement("Message", message));
            await response.WriteAsync($"<?xml version=\"1.0\" encoding=\"utf-8\"?>{error.ToString(SaveOptions.DisableFormatting)}", context.RequestAborted);
        }
    }

    /// <summary>Holds the request unanswered until the client leaves or the proxy stops, then drops the connection.</summary>
    private async Task HangAsync(HttpContext context)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _server.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, or the proxy is stopping.
        }

        Reset(context);
    }

    /// <summary>
    /// Drops the client's connection. Kestrel aborts it with a reset (unless the process sets the AppContext switch
    /// <c>Microsoft.AspNetCore.Server.Kestrel.FinOnError</c>), and a reset is needed: were the connection closed
    /// before a byte of the answer, the .NET client would take it for a stale pooled connection and silently resend
    /// a request without content on a new one, so the app would never see the fault (and the rule would count the
    /// resend).
    /// </summary>
    private static void Reset(HttpContext context) => context.Abort();

    /// <summary>Forwards the request as it came, to the same raw path and query, keeping even its <c>Host</c>; and the response back, or nothing.</summary>
    private sealed class Verbatim(bool answer) : RawTargetTransformer
    {
        public static readonly Verbatim WithResponse = new(answer: true);

        public static readonly Verbatim WithoutResponse = new(answer: false);

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken) =>
            answer && await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
