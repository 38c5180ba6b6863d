using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Local.Relay;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The relay's ledger on Azurite: what it saves loads back, and saves made at once share a write.</summary>
public sealed class RelayLedgerTests : IAsyncLifetime
{
    private const string Function = "PublishArticle";
    private readonly FaultInjectionPolicy _storage = new();
    private readonly TableServiceClient _tables;
    private readonly string _table = "ledger" + Guid.NewGuid().ToString("N")[..12];
    private readonly RelayLedger _ledger;

    public RelayLedgerTests()
    {
        var options = new TableClientOptions();
        options.AddPolicy(_storage, HttpPipelinePosition.PerRetry);
        _tables = new TableServiceClient(Azurite.ConnectionString, options);
        _ledger = new RelayLedger(_tables, Options.Create(new RelayOptions { StateTable = _table }));
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _ledger.LoadAsync(Function, Cancellation); // creates the table

    public async ValueTask DisposeAsync() => await _tables.DeleteTableAsync(_table);

    private static RelayRecord Delivered(string name, string etag) => new(name, etag, RelayOutcome.Delivered, 1, null, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Records_saved_at_once_are_written_together_and_every_one_loads_back()
    {
        var writes = _storage.FailFrom(int.MaxValue, r => r.Table == _table && r.IsWrite); // counts, never fails
        var records = Enumerable.Range(0, 250).Select(i => Delivered($"2025/{i:D3}.md", $"\"0x{i}\"")).ToList();

        await Task.WhenAll(records.Select(r => _ledger.SaveAsync(Function, r, Cancellation)));

        var loaded = await _ledger.LoadAsync(Function, Cancellation);
        Assert.Equal(records.Select(r => (r.BlobName, r.ETag)), loaded.Values.Select(r => (r.BlobName, r.ETag)).Order());
        Assert.InRange(writes.Matched, 3, 20); // at least 250 / 100 transactions; one per record would be 250
    }

    [Fact]
    public async Task Two_saves_of_one_blob_at_once_keep_the_later()
    {
        var first = _ledger.SaveAsync(Function, Delivered("a.md", "\"0x1\""), Cancellation);
        var second = _ledger.SaveAsync(Function, Delivered("a.md", "\"0x2\""), Cancellation);
        await Task.WhenAll(first, second);

        Assert.Equal("\"0x2\"", (await _ledger.LoadAsync(Function, Cancellation))["a.md"].ETag);
    }
}
