using Azure;

namespace Publishing.Local.Configuration;

/// <summary>Faults of Azurite itself (down, unreachable, refusing), which the local background services ride out and retry.</summary>
internal static class StorageFaults
{
    public static bool IsStorageFault(Exception e) =>
        e is RequestFailedException or HttpRequestException or AggregateException { InnerException: RequestFailedException or HttpRequestException };
}
