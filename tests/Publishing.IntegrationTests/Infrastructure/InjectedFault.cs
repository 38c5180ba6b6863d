namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>
/// One rule of a <see cref="FaultInjectionPolicy"/>: fails the <see cref="Nth"/> request that matches (or every one
/// from it on). Assert <see cref="Injected"/> after the act, so that a test whose predicate never matched the
/// requests the app really makes fails instead of passing for nothing.
/// </summary>
public sealed class InjectedFault
{
    private readonly Func<StorageRequest, bool> _matches;
    private int _matched;
    private int _injected;

    internal InjectedFault(int nth, bool andAfter, Func<StorageRequest, bool> matches, StorageFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nth);
        Nth = nth;
        AndAfter = andAfter;
        _matches = matches;
        Fault = fault;
    }

    public int Nth { get; }

    /// <summary>Whether every matching request after the <see cref="Nth"/> fails too (storage down from then on).</summary>
    public bool AndAfter { get; }

    public StorageFault Fault { get; }

    /// <summary>How many requests matched so far.</summary>
    public int Matched => Volatile.Read(ref _matched);

    /// <summary>How many requests this rule failed.</summary>
    public int InjectedCount => Volatile.Read(ref _injected);

    public bool Injected => InjectedCount > 0;

    /// <summary>The last request this rule failed.</summary>
    public StorageRequest? FailedRequest { get; private set; }

    /// <summary>Stops the rule: later requests pass, whatever they are (storage is back).</summary>
    public void Stop() => Stopped = true;

    internal bool Stopped { get; private set; }

    internal bool ShouldFail(StorageRequest request)
    {
        if (Stopped || !_matches(request))
        {
            return false;
        }

        var matched = Interlocked.Increment(ref _matched);
        if (matched != Nth && !(AndAfter && matched > Nth))
        {
            return false;
        }

        Interlocked.Increment(ref _injected);
        FailedRequest = request;
        return true;
    }
}
