using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>
/// Faults the app's own storage calls in its Azure SDK pipeline: once armed with a predicate, the matching requests
/// are answered 503 Server Busy (without reaching storage) until it is disarmed, as a storage outage or throttling at
/// that step would. Every other request, and every request once disarmed, goes through untouched.
/// </summary>
public sealed class StorageFaultPolicy : HttpPipelinePolicy
{
    private Func<Request, bool>? _fault;
    private int _faulted;

    /// <summary>How many requests were faulted since the policy was last armed.</summary>
    public int Faulted => Volatile.Read(ref _faulted);

    /// <summary>From now on, requests matching <paramref name="fault"/> fail with 503.</summary>
    public void Arm(Func<Request, bool> fault)
    {
        Interlocked.Exchange(ref _faulted, 0);
        Volatile.Write(ref _fault, fault);
    }

    public void Disarm() => Volatile.Write(ref _fault, null);

    /// <summary>
    /// A change (replace, merge, upsert or delete) of one entity of the table named <paramref name="table"/>: requests
    /// addressed to the entity. Inserts are posted to the table itself and do not match.
    /// </summary>
    public static Func<Request, bool> EntityChange(string table) => request =>
        request.Method != RequestMethod.Get && request.Uri.Path.Contains($"/{table}(", StringComparison.Ordinal);

    /// <summary>An entity group transaction; its URL names no table (the batch body does).</summary>
    public static Func<Request, bool> Transaction => request =>
        request.Method == RequestMethod.Post && request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal);

    /// <summary>A blob upload into the container named <paramref name="container"/>.</summary>
    public static Func<Request, bool> BlobUpload(string container) => request =>
        request.Method == RequestMethod.Put && request.Uri.Path.Contains($"/{container}/", StringComparison.Ordinal)
        && !request.Uri.Query.Contains("comp=", StringComparison.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (ShouldFault(message))
        {
            message.Response = ServerBusy(message);
            return;
        }

        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (ShouldFault(message))
        {
            message.Response = ServerBusy(message);
            return ValueTask.CompletedTask;
        }

        return ProcessNextAsync(message, pipeline);
    }

    private bool ShouldFault(HttpMessage message)
    {
        if (Volatile.Read(ref _fault) is not { } fault || !fault(message.Request))
        {
            return false;
        }

        Interlocked.Increment(ref _faulted);
        return true;
    }

    private static FaultResponse ServerBusy(HttpMessage message) => new(message.Request.ClientRequestId);

    /// <summary>What storage answers when it is too busy: 503 with the service's error code.</summary>
    private sealed class FaultResponse(string clientRequestId) : Response
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase)
        {
            ["x-ms-error-code"] = "ServerBusy",
            ["Content-Type"] = "application/xml",
        };

        public override int Status => 503;

        public override string ReasonPhrase => "Service Unavailable (injected by StorageFaultPolicy)";

        public override Stream? ContentStream { get; set; } = new MemoryStream(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code><Message>Injected fault.</Message></Error>"u8.ToArray());

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, out string value) => _headers.TryGetValue(name, out value!);

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            var found = _headers.TryGetValue(name, out var value);
            values = found ? [value!] : [];
            return found;
        }
    }
}
