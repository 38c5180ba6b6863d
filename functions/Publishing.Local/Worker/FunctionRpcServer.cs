using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Publishing.Local.Worker.Rpc;

namespace Publishing.Local.Worker;

/// <summary>
/// The host side of the FunctionRpc protocol: a gRPC server on a loopback port of its own (HTTP/2 without TLS,
/// as the worker connects), where each worker the host starts opens its event stream and is handed, as a
/// <see cref="WorkerChannel"/>, to whoever started it. A stream from a worker nobody started is refused.
/// </summary>
internal sealed class FunctionRpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerChannel>> _expected = new(StringComparer.Ordinal);

    private FunctionRpcServer(WebApplication app, ILoggerFactory loggers)
    {
        _app = app;
        Loggers = loggers;
    }

    /// <summary>What the worker is told to connect to (<c>--functions-uri</c>).</summary>
    public Uri Address { get; private set; } = null!;

    internal ILoggerFactory Loggers { get; }

    public static async Task<FunctionRpcServer> StartAsync(ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The host's own loggers, without the second "Now listening on" a server of its own would announce.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        // Started and stopped by the WorkerHost, not by Ctrl+C, and silent about it.
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, OwnedLifetime>());
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<ServerHolder>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = int.MaxValue;
            grpc.MaxSendMessageSize = int.MaxValue;
            grpc.EnableDetailedErrors = true;
        });
        var app = builder.Build();
        var server = new FunctionRpcServer(app, loggers);
        app.Services.GetRequiredService<ServerHolder>().Server = server;
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.Address = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>The channel of the worker started with <paramref name="workerId"/>, once it has opened its stream.</summary>
    public Task<WorkerChannel> ExpectAsync(string workerId) =>
        _expected.GetOrAdd(workerId, _ => new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Stops waiting for a worker that will not connect (it exited, or took too long).</summary>
    public void Forget(string workerId) => _expected.TryRemove(workerId, out _);

    internal bool Accept(WorkerChannel channel) =>
        _expected.TryRemove(channel.WorkerId, out var waiting) && waiting.TrySetResult(channel);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }

    /// <summary>No console lifetime: the server lives exactly as long as its owner keeps it.</summary>
    private sealed class OwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Lets the gRPC service (activated by the gRPC server's own container) reach its server.</summary>
    internal sealed class ServerHolder
    {
        public FunctionRpcServer Server { get; set; } = null!;
    }
}

/// <summary>The <c>FunctionRpc.EventStream</c> call a worker makes once, for its whole life.</summary>
internal sealed partial class FunctionRpcService(FunctionRpcServer.ServerHolder holder, ILogger<FunctionRpcService> logger) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.StartStream is not { } start)
        {
            LogNoStartStream();
            return;
        }

        var channel = new WorkerChannel(start.WorkerId, responseStream, holder.Server.Loggers);
        if (!holder.Server.Accept(channel))
        {
            LogUnknownWorker(start.WorkerId);
            return;
        }

        // The call lasts as long as the worker's stream: returning would end it.
        await channel.ReadAllAsync(requestStream, context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A FunctionRpc stream did not begin with StartStream; closed")]
    private partial void LogNoStartStream();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A worker this host did not start ('{WorkerId}') opened a stream; closed")]
    private partial void LogUnknownWorker(string workerId);
}
