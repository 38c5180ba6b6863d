using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Publishing.Local.Functions;
using Publishing.Local.Worker.Rpc;

namespace Publishing.Local.Worker;

/// <summary>The app settings the worker process gets as environment variables, as Core Tools passes <c>local.settings.json</c>.</summary>
internal sealed record WorkerAppSettings(IReadOnlyDictionary<string, string> Values);

/// <summary>
/// Runs the function app's worker process as the Functions host does, for the life of the local host: starts it,
/// performs the handshake (init, function metadata, one load per function), and keeps it running. A worker that
/// exits or drops its stream has its pending invocations failed and is started again, with a growing delay if it
/// keeps failing. A first start that fails stops the host with the reason (a function that will not load, a
/// missing build), since nothing could be served. On shutdown the worker is sent <c>WorkerTerminate</c>, given
/// its grace period, and then its process tree is ended.
/// </summary>
internal sealed partial class WorkerHost(
    IOptions<WorkerOptions> options,
    WorkerAppSettings appSettings,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    ILogger<WorkerHost> logger) : BackgroundService
{
    private readonly WorkerOptions _options = options.Value;
    private readonly TaskCompletionSource<FunctionCatalog> _catalog = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<WorkerChannel> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _readyLock = new();
    private long _readySince;

    /// <summary>A worker that served this long before failing is restarted without waiting longer than the first delay.</summary>
    private static readonly TimeSpan StableRun = TimeSpan.FromMinutes(1);

    /// <summary>The app's functions, once the first worker has loaded them; faulted (and the host stopped) if it never could.</summary>
    public Task<FunctionCatalog> Catalog => _catalog.Task;

    /// <summary>
    /// The app's functions, for a service that runs while the host does: null when the host stops first, or when the
    /// worker never loaded the app (the host reports why and stops).
    /// </summary>
    public async Task<FunctionCatalog?> WaitForCatalogAsync(CancellationToken stoppingToken)
    {
        try
        {
            return await Catalog.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The running worker's process id (for tests that kill it); null between workers.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>How many workers have been started, the first included.</summary>
    public int Starts { get; private set; }

    /// <summary>
    /// Invokes a non-HTTP function in the ready worker (waiting up to <see cref="WorkerOptions.ReadyWait"/> for one):
    /// a new invocation id and trace context, the bindings <paramref name="bind"/> adds, and an exception unless the
    /// function succeeded, so the trigger's retries and poison queue apply as the host's do.
    /// </summary>
    public async Task InvokeTriggerAsync(string functionName, Action<InvocationRequest> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        var channel = await WaitReadyAsync(_options.ReadyWait, cancellationToken)
            ?? throw new WorkerUnavailableException("The function app's worker is not running.");
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = channel.FunctionIdOf(functionName),
            TraceContext = WorkerChannel.TraceContext(),
        };
        bind(request);
        var response = await channel.InvokeAsync(request, cancellationToken);
        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            throw new FunctionInvocationException($"{response.Result?.Status ?? StatusResult.Types.Status.Failure}: {WorkerChannel.Describe(response.Result)}");
        }
    }

    /// <summary>The ready worker, waiting up to <paramref name="wait"/> for one that is starting; null if none is ready by then.</summary>
    public async ValueTask<WorkerChannel?> WaitReadyAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        Task<WorkerChannel> ready;
        lock (_readyLock)
        {
            ready = _ready.Task;
        }

        if (ready.IsCompletedSuccessfully)
        {
            return ready.Result;
        }

        try
        {
            return await ready.WaitAsync(wait, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        catch (Exception) when (ready.IsFaulted)
        {
            return null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        FunctionRpcServer server;
        try
        {
            server = await FunctionRpcServer.StartAsync(loggers, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Fatal(e, "could not start its FunctionRpc server");
            return;
        }

        await using (server)
        {
            var failedStarts = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                var outcome = await RunOneWorkerAsync(server, stoppingToken);
                if (outcome == WorkerOutcome.Stopped || stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                if (_catalog.Task.IsFaulted)
                {
                    return; // the first start failed: Fatal has stopped the host
                }

                // A worker that served for a while starts the backoff afresh; one that keeps failing soon waits longer each time.
                failedStarts = outcome == WorkerOutcome.RanThenFailed && Stopwatch.GetElapsedTime(_readySince) > StableRun ? 1 : failedStarts + 1;
                var delay = _options.RestartDelayAfter(failedStarts);
                LogRestarting(delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        _catalog.TrySetCanceled(CancellationToken.None);
    }

    private enum WorkerOutcome
    {
        /// <summary>The host is stopping; the worker was terminated.</summary>
        Stopped,

        /// <summary>The worker never became ready.</summary>
        FailedToStart,

        /// <summary>The worker served, then exited or lost its stream.</summary>
        RanThenFailed,
    }

    private async Task<WorkerOutcome> RunOneWorkerAsync(FunctionRpcServer server, CancellationToken stoppingToken)
    {
        var workerId = Guid.NewGuid().ToString();
        var connecting = server.ExpectAsync(workerId);
        WorkerProcess process;
        var started = Stopwatch.GetTimestamp();
        try
        {
            process = WorkerProcess.Start(new WorkerLaunch(_options.AppDirectory, server.Address, workerId, WorkerEnvironment()), loggers.CreateLogger("Worker"));
        }
        catch (InvalidOperationException e)
        {
            server.Forget(workerId);
            return FailedStart(e);
        }

        using (process)
        {
            Starts++;
            ProcessId = process.Id;
            WorkerChannel? channel = null;
            try
            {
                using (var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    startTimeout.CancelAfter(_options.StartTimeout);
                    try
                    {
                        channel = await HandshakeAsync(connecting, process, startTimeout.Token);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        throw new InvalidOperationException($"The worker (process {process.Id}) was not ready within {_options.StartTimeout.TotalSeconds:0} s (Worker:StartTimeout).");
                    }
                }

                var startup = Stopwatch.GetElapsedTime(started);
                LogReady(process.Id, startup.TotalMilliseconds, channel.HttpUri);
                _readySince = Stopwatch.GetTimestamp();
                lock (_readyLock)
                {
                    _ready.TrySetResult(channel);
                }

                var ended = await Task.WhenAny(process.Exited, channel.Closed, Task.Delay(Timeout.Infinite, stoppingToken));
                if (stoppingToken.IsCancellationRequested)
                {
                    NotReady();
                    await TerminateAsync(channel, process);
                    return WorkerOutcome.Stopped;
                }

                NotReady();
                var reason = ended == process.Exited
                    ? new WorkerUnavailableException($"The worker process {process.Id} exited with code {await process.Exited}.")
                    : new WorkerUnavailableException($"The worker process {process.Id} closed its stream.");
                LogWorkerLost(reason.Message, channel.PendingInvocations);
                channel.Close(reason);
                await process.KillAsync();
                return WorkerOutcome.RanThenFailed;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                NotReady();
                if (channel is not null)
                {
                    await TerminateAsync(channel, process);
                }
                else
                {
                    await process.KillAsync();
                }

                return WorkerOutcome.Stopped;
            }
            catch (Exception e) when (e is InvalidOperationException or WorkerUnavailableException)
            {
                NotReady();
                server.Forget(workerId);
                channel?.Close(new WorkerUnavailableException(e.Message, e));
                await process.KillAsync();
                return FailedStart(e);
            }
            finally
            {
                ProcessId = null;
            }
        }
    }

    private async Task<WorkerChannel> HandshakeAsync(Task<WorkerChannel> connecting, WorkerProcess process, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(connecting, process.Exited).WaitAsync(cancellationToken);
        if (first == process.Exited)
        {
            throw new InvalidOperationException($"The worker process exited with code {await process.Exited} before it connected (see its output above).");
        }

        var channel = await connecting;
        _ = process.Exited.ContinueWith(_ => channel.Close(new WorkerUnavailableException($"The worker process exited with code {process.Exited.Result} while starting.")), TaskScheduler.Default);
        await channel.InitializeAsync(_options.AppDirectory, cancellationToken);
        var functions = await channel.GetFunctionsAsync(_options.AppDirectory, cancellationToken);
        var catalog = FunctionCatalog.From(functions.Select(ToMetadata), configuration, HostJson.ReadRoutePrefix(HostJsonPath()), HostJson.ReadQueueMessageEncoding(HostJsonPath()));
        foreach (var function in functions)
        {
            await channel.LoadAsync(function, cancellationToken);
        }

        if (!_catalog.TrySetResult(catalog))
        {
            LogReloaded(functions.Count);
        }

        return channel;
    }

    private WorkerOutcome FailedStart(Exception e)
    {
        if (!_catalog.Task.IsCompleted)
        {
            Fatal(e, "could not start the function app's worker");
        }
        else
        {
            LogStartFailed(e.Message);
        }

        return WorkerOutcome.FailedToStart;
    }

    private async Task TerminateAsync(WorkerChannel channel, WorkerProcess process)
    {
        try
        {
            await channel.TerminateAsync(_options.ShutdownGracePeriod);
            await process.Exited.WaitAsync(_options.ShutdownGracePeriod);
        }
        catch (Exception e) when (e is TimeoutException or WorkerUnavailableException)
        {
            // Did not exit in time, or was already gone: end it.
        }

        channel.Close(new WorkerUnavailableException("The host is stopping."));
        await process.KillAsync();
    }

    private void NotReady()
    {
        lock (_readyLock)
        {
            if (_ready.Task.IsCompleted)
            {
                _ready = new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private void Fatal(Exception e, string what)
    {
        LogFatal(e, what, e.Message);
        _catalog.TrySetException(new InvalidOperationException($"The local host {what}: {e.Message}", e));

        // Not before the host has started: stopping while it still starts cancels the start itself (StartAsync throws
        // TaskCanceledException in place of this reason). Registered after the start, this runs at once.
        lifetime.ApplicationStarted.Register(lifetime.StopApplication);
    }

    private Dictionary<string, string> WorkerEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = Environment.GetEnvironmentVariable("AZURE_FUNCTIONS_ENVIRONMENT") ?? Environments.Development,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
        };
        foreach (var (key, value) in appSettings.Values)
        {
            environment[key.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }

    private string? HostJsonPath()
    {
        var path = Path.Combine(_options.AppDirectory, "host.json");
        return File.Exists(path) ? path : null;
    }

    private static FunctionMetadata ToMetadata(RpcFunctionMetadata function)
    {
        var bindings = function.RawBindings
            .Select(raw => JsonSerializer.Deserialize(raw, FunctionMetadataJson.Default.BindingMetadata)
                ?? throw new InvalidOperationException($"Function '{function.Name}' has an empty binding in its metadata."))
            .ToList();
        return new FunctionMetadata(function.Name, function.EntryPoint, bindings);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker process {ProcessId} ready in {Milliseconds:0} ms (its HTTP endpoint is {HttpUri})")]
    private partial void LogReady(int processId, double milliseconds, Uri? httpUri);

    [LoggerMessage(Level = LogLevel.Information, Message = "The restarted worker loaded its {Count} functions")]
    private partial void LogReloaded(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason} {Pending} invocations in flight failed; restarting the worker")]
    private partial void LogWorkerLost(string reason, int pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Starting the worker again in {Milliseconds:0} ms")]
    private partial void LogRestarting(double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker did not start: {Reason}")]
    private partial void LogStartFailed(string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The local host {What}; stopping. {Reason}")]
    private partial void LogFatal(Exception exception, string what, string reason);
}
