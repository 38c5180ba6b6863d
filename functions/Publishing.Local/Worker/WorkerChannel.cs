using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Publishing.Local.Worker.Rpc;

namespace Publishing.Local.Worker;

/// <summary>The worker is gone (it exited or its stream broke) while the host was waiting on it.</summary>
internal sealed class WorkerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A triggered function reported failure (it threw, or was cancelled).</summary>
internal sealed class FunctionInvocationException(string message) : Exception(message);

/// <summary>
/// One worker's FunctionRpc event stream, seen from the host: requests written one at a time (gRPC forbids
/// overlapping writes), each response matched to the request waiting for it, the worker's logs written to the
/// host's loggers under the worker's own categories (so <c>Logging:LogLevel</c> filters them as usual). When the
/// stream ends, everything still waiting fails with <see cref="WorkerUnavailableException"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its AvailableWaitHandle is used, which it never is here.")]
internal sealed partial class WorkerChannel
{
    private readonly IServerStreamWriter<StreamingMessage> _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> _loads = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<WorkerInitResponse> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<FunctionMetadataResponse> _metadata = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _closedBecause;

    public WorkerChannel(string workerId, IServerStreamWriter<StreamingMessage> writer, ILoggerFactory loggers)
    {
        WorkerId = workerId;
        _writer = writer;
        _loggers = loggers;
        _logger = loggers.CreateLogger<WorkerChannel>();
    }

    public string WorkerId { get; }

    /// <summary>The worker's own HTTP endpoint (its <c>HttpUri</c> capability), where HTTP requests are forwarded.</summary>
    public Uri? HttpUri { get; private set; }

    /// <summary>Completes when the stream has ended, for whatever reason.</summary>
    public Task Closed => _closed.Task;

    /// <summary>The worker's id for each function it loaded, by function name (invocations name the id).</summary>
    public IReadOnlyDictionary<string, string> FunctionIds => _functionIds;

    private readonly ConcurrentDictionary<string, string> _functionIds = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Invocations sent and not yet answered.</summary>
    public int PendingInvocations => _invocations.Count;

    public async Task<WorkerInitResponse> InitializeAsync(string appDirectory, CancellationToken cancellationToken)
    {
        await SendAsync(new StreamingMessage
        {
            WorkerInitRequest = new WorkerInitRequest
            {
                HostVersion = HostVersion,
                WorkerDirectory = appDirectory,
                FunctionAppDirectory = appDirectory,
            },
        }, cancellationToken);
        var response = await _init.Task.WaitAsync(cancellationToken);
        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker failed to initialise: {Describe(response.Result)}");
        }

        if (!response.Capabilities.TryGetValue("HttpUri", out var httpUri) || !Uri.TryCreate(httpUri, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException(
                "The worker reported no HttpUri capability: the local host forwards HTTP requests to the worker's ASP.NET Core integration (ConfigureFunctionsWebApplication).");
        }

        HttpUri = uri;
        return response;
    }

    /// <summary>The functions the worker indexed (worker indexing, as Azure uses it).</summary>
    public async Task<IReadOnlyList<RpcFunctionMetadata>> GetFunctionsAsync(string appDirectory, CancellationToken cancellationToken)
    {
        await SendAsync(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } }, cancellationToken);
        var response = await _metadata.Task.WaitAsync(cancellationToken);
        if (response.Result is { Status: not StatusResult.Types.Status.Success })
        {
            throw new InvalidOperationException($"The worker could not list its functions: {Describe(response.Result)}");
        }

        if (response.UseDefaultMetadataIndexing)
        {
            throw new InvalidOperationException("The worker asked the host to index the app itself (host indexing); the local host supports worker indexing only.");
        }

        var failed = response.FunctionMetadataResults.Where(f => f.Status is { Status: StatusResult.Types.Status.Failure }).ToList();
        return failed.Count > 0
            ? throw new InvalidOperationException(
                "The worker could not index these functions:" + Environment.NewLine
                + string.Join(Environment.NewLine, failed.Select(f => $"  - Function '{f.Name}': {Describe(f.Status)}")))
            : response.FunctionMetadataResults;
    }

    /// <summary>Loads one function: the metadata the worker reported, sent back as it was.</summary>
    public async Task LoadAsync(RpcFunctionMetadata function, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<FunctionLoadResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loads[function.FunctionId] = pending;
        ThrowIfClosed();
        await SendAsync(new StreamingMessage { FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function } }, cancellationToken);
        var response = await pending.Task.WaitAsync(cancellationToken);
        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"Function '{function.Name}' failed to load in the worker: {Describe(response.Result)}");
        }

        _functionIds[function.Name] = function.FunctionId;
    }

    /// <summary>The worker's id of the function named <paramref name="name"/>.</summary>
    /// <exception cref="WorkerUnavailableException">This worker did not load it (a rebuilt app without it).</exception>
    public string FunctionIdOf(string name) =>
        _functionIds.TryGetValue(name, out var id) ? id : throw new WorkerUnavailableException($"The running worker has no function '{name}'. Restart the host after rebuilding the app.");

    /// <summary>
    /// Sends an invocation and waits for its response. When <paramref name="cancellationToken"/> fires the worker
    /// is sent <c>InvocationCancel</c> and the wait goes on: the worker answers a cancelled invocation too.
    /// </summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pending = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = pending;
        try
        {
            ThrowIfClosed();
            await SendAsync(new StreamingMessage { InvocationRequest = request }, CancellationToken.None);
            await using (cancellationToken.Register(() => _ = CancelAsync(request.InvocationId)))
            {
                return await pending.Task;
            }
        }
        finally
        {
            _invocations.TryRemove(request.InvocationId, out _);
        }
    }

    /// <summary>Asks the worker to cancel an invocation's token (<c>InvocationCancel</c>); best effort.</summary>
    public async Task CancelAsync(string invocationId)
    {
        try
        {
            await SendAsync(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocationId } }, CancellationToken.None);
        }
        catch (Exception e) when (e is WorkerUnavailableException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The worker is gone; its invocations fail with it.
        }
    }

    /// <summary>Asks the worker to finish what it is doing and exit (<c>WorkerTerminate</c>).</summary>
    public Task TerminateAsync(TimeSpan gracePeriod) =>
        SendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(gracePeriod) } }, CancellationToken.None);

    /// <summary>Reads the worker's messages until the stream ends, then fails whatever still waits on it.</summary>
    public async Task ReadAllAsync(IAsyncStreamReader<StreamingMessage> reader, CancellationToken cancellationToken)
    {
        Exception? reason = null;
        try
        {
            while (await reader.MoveNext(cancellationToken))
            {
                Dispatch(reader.Current);
            }
        }
        catch (Exception e) when (e is IOException or Grpc.Core.RpcException or OperationCanceledException or InvalidOperationException)
        {
            reason = e;
        }

        Close(new WorkerUnavailableException($"The worker's stream ended{(reason is null ? "" : $" ({reason.GetType().Name}: {reason.Message})")}.", reason));
    }

    /// <summary>Fails everything still waiting on the worker and refuses new requests.</summary>
    public void Close(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _closedBecause, reason, null) is not null)
        {
            return;
        }

        _init.TrySetException(reason);
        _metadata.TrySetException(reason);
        foreach (var pending in _loads.Values)
        {
            pending.TrySetException(reason);
        }

        foreach (var pending in _invocations.Values)
        {
            pending.TrySetException(reason);
        }

        _closed.TrySetResult();
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closedBecause) is { } reason)
        {
            throw new WorkerUnavailableException(reason.Message, reason);
        }
    }

    private async Task SendAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosed();
            await _writer.WriteAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is IOException or Grpc.Core.RpcException or InvalidOperationException && _closedBecause is null)
        {
            var reason = new WorkerUnavailableException($"Could not write to the worker's stream: {e.Message}", e);
            Close(reason);
            throw reason;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                Log(message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                _init.TrySetResult(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                _metadata.TrySetResult(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                if (_loads.TryRemove(message.FunctionLoadResponse.FunctionId, out var load))
                {
                    load.TrySetResult(message.FunctionLoadResponse);
                }

                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var invocation))
                {
                    invocation.TrySetResult(message.InvocationResponse);
                }

                break;
            default:
                LogUnexpected(message.ContentCase);
                break;
        }
    }

    private void Log(RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        var logger = _loggers.CreateLogger(string.IsNullOrEmpty(log.Category) ? "Worker" : log.Category);
        if (level == LogLevel.None || !logger.IsEnabled(level))
        {
            return;
        }

#pragma warning disable CA1848, CA2254 // The worker's message is already formatted; it is passed through as it came.
        if (log.Exception is { } exception)
        {
            logger.Log(level, "{Message}{NewLine}{ExceptionType}: {ExceptionMessage}{NewLine}{StackTrace}",
                log.Message, Environment.NewLine, exception.Type, exception.Message, Environment.NewLine, exception.StackTrace);
        }
        else
        {
            logger.Log(level, "{Message}", log.Message);
        }
#pragma warning restore CA1848, CA2254
    }

    /// <summary>
    /// The W3C trace context the worker requires with every invocation (worker 2.x reads it unconditionally): the
    /// current activity's, when there is one, else a new trace flagged sampled. The local host samples nothing
    /// away, and the worker's tracer follows its parent's flag: an unsampled parent would hide the worker's spans
    /// (the publish and its steps) from the exporter a developer turned on (docs/observability.md).
    /// </summary>
    public static RpcTraceContext TraceContext() => new()
    {
        TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id }
            ? id
            : $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01",
    };

    internal static string Describe(StatusResult? result) =>
        result?.Exception is { } e ? $"{(string.IsNullOrEmpty(e.Type) ? "" : e.Type + ": ")}{e.Message}" : result?.Result ?? "no reason given";

    /// <summary>What the host reports as its version in <c>WorkerInitRequest</c>.</summary>
    private const string HostVersion = "4.1040.0-publishing-local";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a {Message} message from the worker")]
    private partial void LogUnexpected(StreamingMessage.ContentOneofCase message);
}
