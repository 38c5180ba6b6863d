using Azure;

namespace Publishing.Storage;

/// <summary>
/// The one answer to "did this fail because of storage?": the HTTP functions answer such a failure with a 503 the
/// client may retry, and the local host's background services ride it out and try again.
/// </summary>
public static class StorageFaults
{
    /// <summary>
    /// Storage refused or failed a request (<see cref="RequestFailedException"/>), could not be reached
    /// (<see cref="HttpRequestException"/>, where a transport failure was not wrapped by the SDK), or did not answer in
    /// time (<see cref="TimeoutException"/>, as the read path's budget and the SDK's network timeout report it), here
    /// or anywhere inside: the SDK reports retries that all failed as an <see cref="AggregateException"/> of them,
    /// and a timeout as a cancellation wrapping a <see cref="TimeoutException"/>.
    /// </summary>
    public static bool IsStorageFault(Exception exception) => exception switch
    {
        RequestFailedException or HttpRequestException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStorageFault),
        { InnerException: { } inner } => IsStorageFault(inner),
        _ => false,
    };
}
