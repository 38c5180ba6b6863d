namespace Publishing.IntegrationTests.LocalHost;

/// <summary>One local host running the tests' own worker app, for the tests that leave its worker as they found it.</summary>
public sealed class TestAppHostFixture : IAsyncLifetime
{
    public LocalHostStorage Storage { get; } = new();

    private TestLocalHost? _host;

    private RecordedCalls? _calls;

    internal TestLocalHost Host => _host ?? throw new InvalidOperationException("The local host has not started.");

    internal RecordedCalls Calls => _calls ?? throw new InvalidOperationException("The local host has not started.");

    public async ValueTask InitializeAsync()
    {
        _calls = RecordedCalls.In(Storage);
        _host = await TestFunctions.StartHostAsync(Storage);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Storage.DisposeAsync();
    }
}
