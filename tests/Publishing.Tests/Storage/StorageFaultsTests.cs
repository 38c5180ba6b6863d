using Azure;
using Publishing.Storage;

namespace Publishing.Tests.Storage;

public sealed class StorageFaultsTests
{
    public static TheoryData<Exception> Faults() =>
    [
        new RequestFailedException(503, "server busy"),
        new RequestFailedException("connection refused"),
        new HttpRequestException("no route to host"),
        new TimeoutException("the read budget ran out"),
        new TaskCanceledException("the network timeout passed", new TimeoutException()),
        new AggregateException(new RequestFailedException(500, "first"), new RequestFailedException(500, "second")),
        new AggregateException(new InvalidOperationException("not storage"), new RequestFailedException(500, "storage")),
        new AggregateException(new AggregateException(new HttpRequestException("nested"))),
        new InvalidOperationException("wrapped", new RequestFailedException(409, "inside")),
    ];

    public static TheoryData<Exception> NotFaults() =>
    [
        new InvalidOperationException("a bug"),
        new OperationCanceledException("stopping"),
        new ArgumentException("bad input", new FormatException("inside")),
        new AggregateException(new InvalidOperationException("one"), new FormatException("two")),
        new AggregateException(),
    ];

    [Theory]
    [MemberData(nameof(Faults))]
    public void Storage_refusing_failing_or_timing_out_anywhere_inside_is_a_storage_fault(Exception exception) =>
        Assert.True(StorageFaults.IsStorageFault(exception));

    [Theory]
    [MemberData(nameof(NotFaults))]
    public void Anything_without_a_storage_failure_inside_is_not_a_storage_fault(Exception exception) =>
        Assert.False(StorageFaults.IsStorageFault(exception));
}
