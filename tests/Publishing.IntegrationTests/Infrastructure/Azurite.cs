using System.Net.Sockets;

[assembly: AssemblyFixture(typeof(Publishing.IntegrationTests.Infrastructure.Azurite))]

namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>The Azurite every integration test runs against (started by <c>./test.sh</c>); fails fast with how to start it.</summary>
public sealed class Azurite : IAsyncLifetime
{
    public const string ConnectionString = "UseDevelopmentStorage=true";

    public async ValueTask InitializeAsync()
    {
        foreach (var (service, port) in new[] { ("Blob", 10000), ("Queue", 10001), ("Table", 10002) })
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException(
                    $"Azurite's {service} service is not listening on 127.0.0.1:{port}. Run the tests with ./test.sh, which starts Azurite, or start it with 'npm run azurite'.", e);
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
