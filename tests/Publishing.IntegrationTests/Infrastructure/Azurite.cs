using System.Net.Sockets;

[assembly: AssemblyFixture(typeof(Publishing.IntegrationTests.Infrastructure.Azurite))]

namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>The Azurite every integration test runs against (started by <c>./test.sh</c>); fails fast with how to start it.</summary>
public sealed class Azurite : IAsyncLifetime
{
    public const string ConnectionString = "UseDevelopmentStorage=true";

    /// <summary>The development account <see cref="ConnectionString"/> means, whose key is published (and the same in every Azurite).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The port each service listens on, on 127.0.0.1 (the development defaults <see cref="ConnectionString"/> means).</summary>
    public static IReadOnlyDictionary<StorageService, int> Ports { get; } = new Dictionary<StorageService, int>
    {
        [StorageService.Blob] = 10000,
        [StorageService.Queue] = 10001,
        [StorageService.Table] = 10002,
    };

    public async ValueTask InitializeAsync()
    {
        foreach (var (service, port) in Ports)
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
