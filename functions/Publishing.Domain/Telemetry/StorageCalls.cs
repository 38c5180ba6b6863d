using Azure.Core;
using Azure.Core.Pipeline;

namespace Publishing.Telemetry;

/// <summary>
/// Counts the storage requests made inside a <see cref="Count"/> scope (one publish), whichever client makes them:
/// <see cref="Policy"/> sits in every storage client's pipeline (added to the Azure clients' defaults, which the
/// blob trigger's own client takes too), once per try, so a retried request counts each time it is sent.
/// Outside a scope it costs one <see cref="AsyncLocal{T}"/> read per request.
/// </summary>
public static class StorageCalls
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>The policy to add to storage clients' options at <see cref="HttpPipelinePosition.PerRetry"/>.</summary>
    public static HttpPipelinePolicy Policy { get; } = new CountingPolicy();

    /// <summary>
    /// Starts counting the requests made by this async flow and the flows it starts, until disposed. Scopes nest:
    /// an inner scope's requests are not counted by the outer one.
    /// </summary>
    public static Scope Count()
    {
        var scope = new Scope(Current.Value);
        Current.Value = scope;
        return scope;
    }

    /// <summary>One publish's count of storage requests.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly Scope? _outer;
        private int _value;

        internal Scope(Scope? outer) => _outer = outer;

        /// <summary>Requests sent so far in this scope.</summary>
        public int Value => Volatile.Read(ref _value);

        internal void Add() => Interlocked.Increment(ref _value);

        public void Dispose()
        {
            if (Current.Value == this)
            {
                Current.Value = _outer;
            }
        }
    }

    private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => Current.Value?.Add();
    }
}
