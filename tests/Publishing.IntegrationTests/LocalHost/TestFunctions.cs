using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.TestFunctionApp;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>Counts the calls of the test's own blob-triggered functions, per blob.</summary>
public sealed class TriggerCalls
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public int Record(string blob) => _calls.AddOrUpdate(blob, 1, (_, n) => n + 1);

    public int Of(string blob) => _calls.GetValueOrDefault(blob);
}

/// <summary>
/// The calls that the test function app (tests/Publishing.TestFunctionApp) recorded, read from storage: its worker
/// is another process. Counted per function and blob name (or id) by the app's own <see cref="CallLog"/>.
/// </summary>
public sealed class RecordedCalls
{
    private readonly CallLog _log;

    private RecordedCalls(CallLog log) => _log = log;

    /// <summary>Names a calls table of the test's own in <paramref name="storage"/>'s settings (so it is deleted with them) and reads it.</summary>
    public static RecordedCalls In(LocalHostStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var table = TestNames.Unique("calls");
        storage.Settings[CallLog.TableSetting] = table;
        return new RecordedCalls(new CallLog(storage.Tables.GetTableClient(table)));
    }

    /// <summary>How many times <paramref name="function"/> recorded <paramref name="what"/> (a call, by default) for <paramref name="key"/>.</summary>
    public Task<int> OfAsync(string function, string key, string what = CallLog.Call) =>
        _log.CountAsync(function, key, what, TestContext.Current.CancellationToken);
}

/// <summary>
/// Blob-triggered functions of the tests' own, served by the local host through the same discovery, webhook,
/// queue and dispatcher as the app's: one that always throws, one that throws twice and then succeeds.
/// </summary>
public sealed class FailingBlobFunctions(TriggerCalls calls)
{
    [Function("AlwaysFails")]
    public Task AlwaysFails(
        [BlobTrigger("%FailingContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        calls.Record(name);
        throw new InvalidOperationException($"'{name}' cannot be processed (storage unavailable, say).");
    }

    [Function("FailsTwice")]
    public Task FailsTwice(
        [BlobTrigger("%FlakyContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] Stream content,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return calls.Record(name) <= 2
            ? throw new InvalidOperationException($"'{name}' fails this time.")
            : content.CopyToAsync(Stream.Null, cancellationToken);
    }
}

/// <summary>An HTTP function of the tests' own that fails, to see what the local host answers for it.</summary>
public static class FailingHttpFunctions
{
    [Function("Explodes")]
    public static IActionResult Explodes([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "test/explodes/{kind}")] HttpRequest request, string kind) =>
        kind == "storage"
            ? throw new RequestFailedException(503, "Azurite is away.")
            : throw new InvalidOperationException("Secret internals that must not reach the client.");
}

/// <summary>Starts a local host with the tests' own functions beside the app's.</summary>
internal static class TestFunctions
{
    /// <summary>A local host serving the app's functions and these, with their containers named.</summary>
    public static Task<TestLocalHost> StartHostAsync(LocalHostStorage storage, TriggerCalls calls)
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        storage.Settings["FailingContainer"] = $"failing-{id}";
        storage.Settings["FlakyContainer"] = $"flaky-{id}";
        return TestLocalHost.StartAsync(storage, [typeof(FailingBlobFunctions).Assembly], services => services.AddSingleton(calls));
    }
}
