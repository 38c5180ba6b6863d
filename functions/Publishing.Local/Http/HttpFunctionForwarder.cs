using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.Functions;
using Publishing.Local.Worker;
using Publishing.Local.Worker.Rpc;
using Yarp.ReverseProxy.Forwarder;

namespace Publishing.Local.Http;

/// <summary>
/// Serves an HTTP function the way the Functions host does with the worker's ASP.NET Core integration: checks the
/// function key if keys are enforced, forwards the client's request as it is (YARP's default transforms, which set
/// <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> to what this host saw, and the <c>x-ms-invocation-id</c>
/// header) to the worker's own HTTP endpoint, and sends the matching <c>InvocationRequest</c> with the route values
/// as trigger metadata. The worker writes the response on the forwarded request and it streams back. A client
/// that goes away gets its invocation cancelled (<c>InvocationCancel</c>). A worker that is down or restarting
/// is waited for briefly, then answered <c>503</c> with <c>Retry-After</c>.
/// </summary>
internal sealed partial class HttpFunctionForwarder : IDisposable
{
    /// <summary>The header the worker pairs a forwarded request with its invocation by.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    /// <summary>Seconds a client is told to wait when the worker is not there (a restart takes one or two).</summary>
    public const int WorkerRetryAfterSeconds = 2;

    private readonly IHttpForwarder _forwarder;
    private readonly WorkerHost _worker;
    private readonly FunctionKeys? _keys;
    private readonly WorkerOptions _options;
    private readonly ILogger<HttpFunctionForwarder> _logger;
    private readonly HttpMessageInvoker _client;
    private readonly ForwarderRequestConfig _requestConfig;

    public HttpFunctionForwarder(IHttpForwarder forwarder, WorkerHost worker, IOptions<WorkerOptions> options, ILogger<HttpFunctionForwarder> logger, FunctionKeys? keys = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _forwarder = forwarder;
        _worker = worker;
        _keys = keys;
        _options = options.Value;
        _logger = logger;
        // Connection failures are retried briefly, as by the host's own client.
        _client = new HttpMessageInvoker(new WorkerConnectRetryHandler(ForwardingHandler()));
        _requestConfig = new ForwarderRequestConfig { ActivityTimeout = _options.HttpTimeout };
    }

    public async Task ForwardAsync(HttpContext context, HttpFunction function)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        if (_keys is not null && !_keys.Allows(context.Request, function.AuthorizationLevel))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized; // as the host: no body
            return;
        }

        var channel = await _worker.WaitReadyAsync(_options.ReadyWait, context.RequestAborted);
        if (channel?.HttpUri is null)
        {
            await WorkerUnavailableAsync(context, "The function app's worker is starting or restarting.");
            return;
        }

        string functionId;
        try
        {
            functionId = channel.FunctionIdOf(function.Name);
        }
        catch (WorkerUnavailableException e)
        {
            await WorkerUnavailableAsync(context, e.Message);
            return;
        }

        var invocationId = Guid.NewGuid().ToString();
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = functionId,
            TraceContext = WorkerChannel.TraceContext(),
        };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerParameter, Data = new TypedData { Http = new RpcHttp() } });
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is not null)
            {
                request.TriggerMetadata[name] = new TypedData { String = Convert.ToString(value, CultureInfo.InvariantCulture) };
            }
        }

        // The forward starts first, as in the host; the worker pairs it with the invocation by its id.
        var forwarding = _forwarder.SendAsync(context, channel.HttpUri.ToString(), _client, _requestConfig, new InvocationTransformer(invocationId, channel.Closed)).AsTask();
        var invocation = channel.InvokeAsync(request, context.RequestAborted);
        var error = await forwarding;
        if (error != ForwarderError.None)
        {
            _ = invocation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (context.RequestAborted.IsCancellationRequested)
            {
                LogClientGone(function.Name, invocationId);
                return;
            }

            var failure = context.Features.Get<IForwarderErrorFeature>()?.Exception;
            LogForwardFailed(function.Name, invocationId, error, failure?.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await WorkerUnavailableAsync(context, "The function app's worker stopped while handling the request.");
            }
            else
            {
                context.Abort();
            }

            return;
        }

        try
        {
            var response = await invocation;
            if (response.Result?.Status == StatusResult.Types.Status.Failure)
            {
                LogInvocationFailed(function.Name, invocationId, WorkerChannel.Describe(response.Result));
            }
        }
        catch (WorkerUnavailableException e)
        {
            LogInvocationLost(function.Name, invocationId, e.Message);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// A client handler for forwarding, as YARP advises: no proxy, redirects, decompression or cookies of its own,
    /// and the caller's trace headers passed on as they are.
    /// </summary>
    public static SocketsHttpHandler ForwardingHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    };

    private static async Task WorkerUnavailableAsync(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = WorkerRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Function app unavailable", $"{detail} Try again in {WorkerRetryAfterSeconds} seconds.");
    }

    /// <summary>
    /// YARP's default transforms, plus the invocation id (replacing any a client sent, as the host does), and the
    /// worker's end attached for <see cref="WorkerConnectRetryHandler"/>, as the host attaches the invocation.
    /// </summary>
    private sealed class InvocationTransformer(string invocationId, Task workerGone) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await Default.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Remove(InvocationIdHeader);
            proxyRequest.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
            proxyRequest.Options.Set(WorkerConnectRetryHandler.WorkerGone, workerGone);
        }

        public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken) =>
            Default.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);

        public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
            Default.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The client left before 'Functions.{Function}' answered; invocation {InvocationId} cancelled")]
    private partial void LogClientGone(string function, string invocationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to 'Functions.{Function}' failed (invocation {InvocationId}, {Error}): {Reason}")]
    private partial void LogForwardFailed(string function, string invocationId, ForwarderError error, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "'Functions.{Function}' failed (invocation {InvocationId}): {Reason}")]
    private partial void LogInvocationFailed(string function, string invocationId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'Functions.{Function}' invocation {InvocationId} was lost with its worker: {Reason}")]
    private partial void LogInvocationLost(string function, string invocationId, string reason);
}

/// <summary>
/// Retries a forward the worker's HTTP endpoint refused (its Kestrel is not listening yet, or the worker is being
/// replaced), as the host's <c>RetryProxyHandler</c> does: up to 10 tries, 50 ms doubling to 250 ms between them.
/// Only connection failures are retried, before anything of the request was sent, and not once the worker is known
/// to be gone (as the host stops once the invocation has failed): its endpoint will not come back, and the client
/// gets its 503 at once instead of after two seconds.
/// </summary>
internal sealed class WorkerConnectRetryHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Completes when the worker the request is forwarded to has gone (its channel closed).</summary>
    public static readonly HttpRequestOptionsKey<Task> WorkerGone = new("Publishing.Local.WorkerGone");

    private const int MaxTries = 10;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < MaxTries && e.HttpRequestError == HttpRequestError.ConnectionError && !cancellationToken.IsCancellationRequested
                                                 && !(request.Options.TryGetValue(WorkerGone, out var gone) && gone.IsCompleted))
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }
}
