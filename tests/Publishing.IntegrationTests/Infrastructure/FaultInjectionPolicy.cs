using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;

namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>
/// An Azure SDK pipeline policy that fails chosen storage requests of the app under test, on the very clients
/// (and so the very containers and tables) the healthy path uses. Add it once to a host's services with
/// <see cref="AddTo"/>, or, for an app in another process, hand it to a <see cref="StorageFaultProxy"/> in front of
/// Azurite, which applies the same rules on the wire; then, right before the act, arm rules with
/// <see cref="FailNth"/> or <see cref="FailFrom"/>, which count matching requests from the moment they are added.
/// Runs per retry, so with the SDK's retries on (<c>StorageClient:Retry:MaxRetries</c>) a faulted request is
/// retried by the SDK like a real one; set them to 0 to let every fault reach the app.
/// </summary>
/// <example>
/// <code>
/// var faults = new FaultInjectionPolicy();
/// await using var host = await TestLocalHost.StartAsync(storage, configureServices: faults.AddTo);
/// var rule = faults.FailNth(1, r => r.Table == table &amp;&amp; r.IsTransaction, StorageFault.ResponseLost);
/// ... act ...
/// Assert.True(rule.Injected);
/// </code>
/// </example>
public sealed class FaultInjectionPolicy : HttpPipelinePolicy
{
    private readonly Lock _gate = new();
    private readonly List<InjectedFault> _rules = [];

    /// <summary>Registers the policy on every storage client built by <c>AddAzureClients</c> (the app's <c>AddPublishingStorage</c>).</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddAzureClients(clients => clients.ConfigureDefaults(options => options.AddPolicy(this, HttpPipelinePosition.PerRetry)));

    /// <summary>Fails the <paramref name="nth"/> request matching <paramref name="matches"/> from now on, once.</summary>
    public InjectedFault FailNth(int nth, Func<StorageRequest, bool> matches, StorageFault fault = StorageFault.ServiceUnavailable) =>
        Add(new InjectedFault(nth, andAfter: false, matches, fault));

    /// <summary>Fails the <paramref name="nth"/> request matching <paramref name="matches"/> and every matching one after it, until <see cref="InjectedFault.Stop"/>.</summary>
    public InjectedFault FailFrom(int nth, Func<StorageRequest, bool> matches, StorageFault fault = StorageFault.ServiceUnavailable) =>
        Add(new InjectedFault(nth, andAfter: true, matches, fault));

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Intercept(message) is not { } fault)
        {
            ProcessNext(message, pipeline);
        }
        else if (fault == StorageFault.ResponseLost)
        {
            ProcessNext(message, pipeline);
            throw LostResponse(message);
        }
        else if (fault == StorageFault.Hung)
        {
            message.CancellationToken.WaitHandle.WaitOne();
            message.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Intercept(message) is not { } fault)
        {
            await ProcessNextAsync(message, pipeline);
        }
        else if (fault == StorageFault.ResponseLost)
        {
            await ProcessNextAsync(message, pipeline);
            throw LostResponse(message);
        }
        else if (fault == StorageFault.Hung)
        {
            // In process the hang ends with the caller's cancellation only: the SDK's network timeout sits below this policy.
            await Task.Delay(Timeout.Infinite, message.CancellationToken);
        }
    }

    /// <summary>Reads <paramref name="message"/>'s request as the rules see it.</summary>
    public static StorageRequest Describe(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = message.Request;
        var uri = request.Uri.ToUri();
        var service = StorageRequest.ServiceAt(uri);
        return StorageRequest.Read(request.Method, uri, service, StorageRequest.IsTransactionAddress(service, uri) ? ContentText(request) : null);
    }

    /// <summary>Whether any rule is armed: a request that no rule will see need not be read.</summary>
    internal bool IsArmed
    {
        get
        {
            lock (_gate)
            {
                return _rules.Exists(r => !r.Stopped);
            }
        }
    }

    /// <summary>
    /// The fault the rules choose for <paramref name="request"/>, if any: the first armed rule's that fails it. Every
    /// rule sees every request, so each counts its own matches whatever the others do.
    /// </summary>
    internal StorageFault? FaultFor(StorageRequest request)
    {
        InjectedFault[] rules;
        lock (_gate)
        {
            rules = [.. _rules.Where(r => !r.Stopped)];
        }

        StorageFault? fault = null;
        foreach (var rule in rules)
        {
            if (rule.ShouldFail(request))
            {
                fault ??= rule.Fault;
            }
        }

        return fault;
    }

    private InjectedFault Add(InjectedFault rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>
    /// The fault for <paramref name="message"/>, if a rule fails it. A fault that keeps the request from storage is
    /// applied here (a 503 answer, or the transport's exception); <see cref="StorageFault.ResponseLost"/> is left to
    /// the caller, to apply once the request has been carried out, and <see cref="StorageFault.Hung"/> to wait in.
    /// </summary>
    private StorageFault? Intercept(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var fault = IsArmed ? FaultFor(Describe(message)) : null;
        if (fault == StorageFault.ServiceUnavailable)
        {
            message.Response = new ServerBusyResponse(message.Request.ClientRequestId);
        }
        else if (fault == StorageFault.ConnectionDropped)
        {
            throw ConnectionFailure(message, "before the request was sent");
        }

        return fault;
    }

    private static RequestFailedException LostResponse(HttpMessage message) =>
        ConnectionFailure(message, "after storage carried the request out, before its response arrived");

    private static RequestFailedException ConnectionFailure(HttpMessage message, string when) =>
        // What the SDK's HttpClientTransport throws when a connection fails: status 0, the socket error inside.
        new($"Injected fault: the connection to storage dropped {when} ({message.Request.Method} {message.Request.Uri}).",
            new HttpRequestException("The connection was reset by the fault injection policy.", new IOException("Connection reset by peer")));

    private static string ContentText(Request request)
    {
        if (request.Content is null)
        {
            return "";
        }

        // The transaction's content is in memory and written again by the transport.
        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The answer of a busy storage service, as the SDK would receive it.</summary>
    private sealed class ServerBusyResponse(string clientRequestId) : Response
    {
        private static readonly string[] ErrorCode = ["ServerBusy"];

        public override int Status => (int)HttpStatusCode.ServiceUnavailable;

        public override string ReasonPhrase => "Service Unavailable (injected fault)";

        public override bool IsError => true;

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => IsErrorCode(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [new HttpHeader("x-ms-error-code", ErrorCode[0])];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = IsErrorCode(name) ? ErrorCode[0] : null;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = IsErrorCode(name) ? ErrorCode : null;
            return values is not null;
        }

        private static bool IsErrorCode(string name) => string.Equals(name, "x-ms-error-code", StringComparison.OrdinalIgnoreCase);
    }
}
