using Publishing.TestFunctionApp;

namespace Publishing.IntegrationTests.LocalHost;

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
