using Publishing.IntegrationTests.Infrastructure;
using Publishing.TestFunctionApp;

namespace Publishing.IntegrationTests.LocalHost;

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

/// <summary>Starts a local host running the tests' own worker app (tests/Publishing.TestFunctionApp).</summary>
internal static class TestFunctions
{
    /// <summary>
    /// A local host running the test app, with its containers named in <paramref name="storage"/> (and its calls
    /// table, unless <see cref="RecordedCalls.In"/> named one already).
    /// </summary>
    public static Task<TestLocalHost> StartHostAsync(LocalHostStorage storage, string urls = "http://127.0.0.1:0")
    {
        ArgumentNullException.ThrowIfNull(storage);
        var id = Guid.NewGuid().ToString("N")[..16];
        storage.Settings["FailingContainer"] = $"failing-{id}";
        storage.Settings["FlakyContainer"] = $"flaky-{id}";
        storage.Settings["WaitingContainer"] = $"waiting-{id}";
        storage.Settings["FailingQueue"] = $"failing-{id}";
        storage.Settings["FlakyQueue"] = $"flaky-{id}";
        if (!storage.Settings.ContainsKey(CallLog.TableSetting))
        {
            RecordedCalls.In(storage);
        }

        return TestLocalHost.StartAsync(storage, TestApp.TestFunctions, urls);
    }
}
