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
