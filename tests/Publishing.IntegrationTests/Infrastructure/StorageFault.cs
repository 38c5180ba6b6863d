namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>How an injected storage fault looks to the app.</summary>
public enum StorageFault
{
    /// <summary>Storage answers <c>503 ServerBusy</c> without carrying the request out: nothing changed there.</summary>
    ServiceUnavailable,

    /// <summary>The connection fails before the request is sent (as the SDK's transport reports it): nothing changed there.</summary>
    ConnectionDropped,

    /// <summary>
    /// The request reaches storage and is carried out, then its response is lost (the connection drops on the way
    /// back): the write happened, but the app sees a failure. The fault that tests idempotent retries.
    /// </summary>
    ResponseLost,

    /// <summary>
    /// Storage accepts the request and never answers (a hung connection, a partition server stuck): nothing changed
    /// there, and the client waits until its own timeout or cancellation gives up. The fault that tests time budgets.
    /// </summary>
    Hung,
}
