using Microsoft.Extensions.Hosting;

namespace Publishing.IntegrationTests.LocalHost;

internal sealed class RunningRelay(IHost host) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}
