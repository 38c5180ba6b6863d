namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// One local host, with its relay and dispatcher, over real HTTP and a real Azurite, shared by a test class. Fixtures
/// for hosts with other settings derive from it and override <see cref="Configure"/>.
/// </summary>
public class LocalHostFixture : IAsyncLifetime
{
    private TestLocalHost? _host;

    public LocalHostStorage Storage { get; } = new();

    internal TestLocalHost Host => _host ?? throw new InvalidOperationException("The local host has not started.");

    /// <summary>What the host listens on.</summary>
    protected virtual string Urls => "http://127.0.0.1:0";

    public async ValueTask InitializeAsync()
    {
        Configure(Storage.Settings);
        _host = await TestLocalHost.StartAsync(Storage, urls: Urls);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Storage.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Settings for the host, before it starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }
}
