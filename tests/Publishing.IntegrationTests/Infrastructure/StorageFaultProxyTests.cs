using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;

namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>
/// The fault proxy on the real Azurite, driven by the ordinary SDK clients as the app's would be: healthy requests
/// of all three services pass unchanged, and each fault reaches the client as the app would see it.
/// </summary>
public sealed partial class StorageFaultProxyTests : IAsyncLifetime
{
    private readonly FaultInjectionPolicy _faults = new();
    private readonly string _name = TestNames.Unique("proxy");
    private StorageFaultProxy? _proxy;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private StorageFaultProxy Proxy => _proxy ?? throw new InvalidOperationException("The proxy is started by InitializeAsync.");

    // Through the proxy, with the SDK's retries off, so that every fault reaches the test.
    private BlobContainerClient Container => new BlobServiceClient(Proxy.ConnectionString, new BlobClientOptions { Retry = { MaxRetries = 0 } }).GetBlobContainerClient(_name);

    private TableClient Table => new TableServiceClient(Proxy.ConnectionString, new TableClientOptions { Retry = { MaxRetries = 0 } }).GetTableClient(_name);

    private QueueClient Queue => new QueueServiceClient(Proxy.ConnectionString, new QueueClientOptions { Retry = { MaxRetries = 0 } }).GetQueueClient(_name);

    // Straight on Azurite, to see what storage holds.
    private BlobContainerClient AzuriteContainer => new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(_name);

    private TableClient AzuriteTable => new TableServiceClient(Azurite.ConnectionString).GetTableClient(_name);

    private QueueClient AzuriteQueue => new QueueServiceClient(Azurite.ConnectionString).GetQueueClient(_name);

    public async ValueTask InitializeAsync() => _proxy = await StorageFaultProxy.StartAsync(_faults, Cancellation);

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await Task.WhenAll(
            AzuriteContainer.DeleteIfExistsAsync(cancellationToken: CancellationToken.None),
            AzuriteTable.DeleteAsync(CancellationToken.None),
            AzuriteQueue.DeleteIfExistsAsync(CancellationToken.None));
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private async Task<List<string>> RowKeysInAzuriteAsync(string partition) =>
        await ListAsync(AzuriteTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: Cancellation)
            .Select(e => e.RowKey));

    private static List<TableTransactionAction> Adds(string partition, params string[] rowKeys) =>
        [.. rowKeys.Select(r => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, r) { ["Text"] = $"{partition}/{r}" }))];

    private static void AssertConnectionFailure(RequestFailedException failure)
    {
        // How the SDK's transport reports a broken connection: no status, the HTTP client's exception inside.
        Assert.Equal(0, failure.Status);
        Assert.IsType<HttpRequestException>(failure.InnerException);
    }

    /// <summary>Creates this test's container, table or queue straight on Azurite.</summary>
    private async Task CreateAsync(StorageService service)
    {
        switch (service)
        {
            case StorageService.Blob:
                await AzuriteContainer.CreateAsync(cancellationToken: Cancellation);
                break;
            case StorageService.Queue:
                await AzuriteQueue.CreateAsync(cancellationToken: Cancellation);
                break;
            default:
                await AzuriteTable.CreateAsync(Cancellation);
                break;
        }
    }

    /// <summary>Writes <paramref name="key"/> through the proxy: a blob of that name, a message of that text, or an entity of that row key.</summary>
    private async Task WriteAsync(StorageService service, string key)
    {
        switch (service)
        {
            case StorageService.Blob:
                await Container.GetBlobClient(key).UploadAsync(BinaryData.FromString(key), Cancellation);
                break;
            case StorageService.Queue:
                await Queue.SendMessageAsync(key, Cancellation);
                break;
            default:
                await Table.AddEntityAsync(new TableEntity("p", key), Cancellation);
                break;
        }
    }

    private async Task<bool> IsInAzuriteAsync(StorageService service, string key) => service switch
    {
        StorageService.Blob => await AzuriteContainer.GetBlobClient(key).ExistsAsync(Cancellation),
        StorageService.Queue => (await AzuriteQueue.PeekMessagesAsync(32, Cancellation)).Value.Any(m => m.MessageText == key),
        _ => (await AzuriteTable.GetEntityIfExistsAsync<TableEntity>("p", key, cancellationToken: Cancellation)).HasValue,
    };

    [Fact]
    public async Task Blob_uploaded_in_blocks_through_the_proxy_is_in_Azurite_and_downloads_in_ranges_unchanged()
    {
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var transfer = new StorageTransferOptions { InitialTransferSize = 1024 * 1024, MaximumTransferSize = 1024 * 1024, MaximumConcurrency = 4 };
        await Container.CreateAsync(cancellationToken: Cancellation);
        var blob = Container.GetBlobClient("folder/round trip ü.bin");

        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions { TransferOptions = transfer }, Cancellation);

        using var downloaded = new MemoryStream();
        await blob.DownloadToAsync(downloaded, new BlobDownloadToOptions { TransferOptions = transfer }, Cancellation);
        Assert.Equal(content, downloaded.ToArray());
        Assert.Equal(content, (await AzuriteContainer.GetBlobClient(blob.Name).DownloadContentAsync(Cancellation)).Value.Content.ToArray());
        var committed = (await AzuriteContainer.GetBlockBlobClient(blob.Name).GetBlockListAsync(cancellationToken: Cancellation)).Value.CommittedBlocks;
        Assert.Equal(4, committed.Count());
    }

    [Fact]
    public async Task Table_transactions_through_the_proxy_are_carried_out_whole_in_Azurite()
    {
        const string quoted = "it's ü½ (x)";
        await Table.CreateAsync(Cancellation);

        await Table.SubmitTransactionAsync(Adds("p", "a", "b", quoted), Cancellation);
        await Table.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "a") { ["Text"] = "replaced" }),
                new(TableTransactionActionType.Delete, new TableEntity("p", "b"), ETag.All),
            ],
            Cancellation);

        Assert.Equal(["a", quoted], await RowKeysInAzuriteAsync("p"));
        Assert.Equal("replaced", (await AzuriteTable.GetEntityAsync<TableEntity>("p", "a", cancellationToken: Cancellation)).Value.GetString("Text"));
        // A key that must be escaped in the address reads back through the proxy: the raw path is forwarded as signed.
        Assert.Equal($"p/{quoted}", (await Table.GetEntityAsync<TableEntity>("p", quoted, cancellationToken: Cancellation)).Value.GetString("Text"));
    }

    [Fact]
    public async Task Queue_message_sent_through_the_proxy_is_in_Azurite_and_received_and_deleted_through_it()
    {
        await Queue.CreateAsync(cancellationToken: Cancellation);

        await Queue.SendMessageAsync("Through the proxy.", Cancellation);

        Assert.Equal("Through the proxy.", Assert.Single((await AzuriteQueue.PeekMessagesAsync(32, Cancellation)).Value).MessageText);
        var received = Assert.Single((await Queue.ReceiveMessagesAsync(maxMessages: 32, cancellationToken: Cancellation)).Value);
        Assert.Equal("Through the proxy.", received.MessageText);
        await Queue.DeleteMessageAsync(received.MessageId, received.PopReceipt, Cancellation);
        Assert.Equal(0, (await AzuriteQueue.GetPropertiesAsync(Cancellation)).Value.ApproximateMessagesCount);
    }

    [Theory]
    [InlineData(StorageService.Blob)]
    [InlineData(StorageService.Queue)]
    [InlineData(StorageService.Table)]
    public async Task Azurite_refuses_a_request_signed_with_another_key_through_the_proxy_so_the_round_trips_prove_signatures_hold(StorageService service)
    {
        var otherKey = Convert.ToBase64String(new byte[64]);
        var connectionString = Proxy.ConnectionString.Replace(Azurite.AccountKey, otherKey, StringComparison.Ordinal);
        Task WriteAsync() => service switch
        {
            StorageService.Blob => new BlobServiceClient(connectionString).GetBlobContainerClient(_name).CreateAsync(cancellationToken: Cancellation),
            StorageService.Queue => new QueueServiceClient(connectionString).GetQueueClient(_name).CreateAsync(cancellationToken: Cancellation),
            _ => new TableServiceClient(connectionString).GetTableClient(_name).SubmitTransactionAsync(Adds("p", "a"), Cancellation),
        };

        var failure = await Assert.ThrowsAnyAsync<RequestFailedException>(WriteAsync);

        Assert.Equal(403, failure.Status);
    }

    [Theory]
    [InlineData(StorageService.Blob)]
    [InlineData(StorageService.Queue)]
    [InlineData(StorageService.Table)]
    public async Task Busy_fault_fails_the_write_with_503_ServerBusy_and_Azurite_never_sees_it(StorageService service)
    {
        await CreateAsync(service);
        var rule = _faults.FailNth(1, r => r.Service == service && r.IsWrite, StorageFault.ServiceUnavailable);

        var failure = await Assert.ThrowsAnyAsync<RequestFailedException>(() => WriteAsync(service, "busy"));

        Assert.Equal(503, failure.Status);
        Assert.Equal("ServerBusy", failure.ErrorCode);
        Assert.Equal(1, rule.InjectedCount);
        Assert.False(await IsInAzuriteAsync(service, "busy"));
        await WriteAsync(service, "after");
        Assert.True(await IsInAzuriteAsync(service, "after"));
    }

    [Theory]
    [InlineData(StorageService.Blob)]
    [InlineData(StorageService.Queue)]
    [InlineData(StorageService.Table)]
    public async Task Busy_answer_carries_the_error_code_in_a_header_and_in_the_services_own_error_format(StorageService service)
    {
        _faults.FailNth(1, r => r.Service == service);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri($"{Proxy.Endpoint(service)}/anything"), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(["ServerBusy"], response.Headers.GetValues("x-ms-error-code"));
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        var code = service == StorageService.Table
            ? JsonNode.Parse(body)?["odata.error"]?["code"]?.GetValue<string>()
            : XDocument.Parse(body).Root?.Element("Code")?.Value;
        Assert.Equal("ServerBusy", code);
    }

    [Fact]
    public async Task Dropped_connection_fails_a_write_with_a_connection_error_and_Azurite_never_sees_it()
    {
        await CreateAsync(StorageService.Table);
        var rule = _faults.FailNth(1, r => r.Table == _name && r.IsWrite, StorageFault.ConnectionDropped);

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => WriteAsync(StorageService.Table, "dropped"));

        AssertConnectionFailure(failure);
        Assert.Equal(1, rule.Matched);
        Assert.False(await IsInAzuriteAsync(StorageService.Table, "dropped"));
    }

    [Fact]
    public async Task Dropped_connection_fails_a_read_once_and_the_http_client_does_not_silently_resend_it()
    {
        // A request without content is the one the .NET client resends by itself when a connection closes before
        // the answer: the proxy resets instead, so the client fails and the rule sees one request.
        await CreateAsync(StorageService.Blob);
        await AzuriteContainer.GetBlobClient("read.txt").UploadAsync(BinaryData.FromString("Read me."), Cancellation);
        var blob = Container.GetBlobClient("read.txt");
        var rule = _faults.FailNth(1, r => r.Blob == "read.txt" && r.IsRead, StorageFault.ConnectionDropped);

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadContentAsync(Cancellation));

        AssertConnectionFailure(failure);
        Assert.Equal(1, rule.Matched);
        Assert.Equal("Read me.", (await blob.DownloadContentAsync(Cancellation)).Value.Content.ToString());
        Assert.Equal(1, rule.InjectedCount);
    }

    [Fact]
    public async Task Lost_response_to_a_table_transaction_fails_it_for_the_client_though_Azurite_committed_it()
    {
        await CreateAsync(StorageService.Table);
        var rule = _faults.FailNth(1, r => r.Table == _name && r.IsTransaction, StorageFault.ResponseLost);

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => Table.SubmitTransactionAsync(Adds("p", "a", "b"), Cancellation));

        AssertConnectionFailure(failure);
        Assert.Equal(1, rule.Matched);
        Assert.Equal(["a", "b"], await RowKeysInAzuriteAsync("p"));
    }

    [Fact]
    public async Task Lost_response_to_a_delete_fails_it_for_the_client_though_Azurite_deleted_the_blob()
    {
        // A delete has no content: were the connection closed rather than reset, the client would resend it and see 404.
        await CreateAsync(StorageService.Blob);
        await AzuriteContainer.GetBlobClient("gone.txt").UploadAsync(BinaryData.FromString("Gone."), Cancellation);
        var rule = _faults.FailNth(1, r => r.Blob == "gone.txt" && r.Method == RequestMethod.Delete, StorageFault.ResponseLost);

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => Container.GetBlobClient("gone.txt").DeleteAsync(cancellationToken: Cancellation));

        AssertConnectionFailure(failure);
        Assert.Equal(1, rule.Matched);
        Assert.False(await AzuriteContainer.GetBlobClient("gone.txt").ExistsAsync(Cancellation));
    }

    [Fact]
    public async Task Rule_on_a_transactions_partition_and_row_keys_fails_only_that_transaction()
    {
        await CreateAsync(StorageService.Table);
        var rule = _faults.FailNth(
            1, r => r.Table == _name && r.IsTransaction && r.PartitionKey == "second" && r.RowKeys.Contains("b"), StorageFault.ServiceUnavailable);

        await Table.SubmitTransactionAsync(Adds("first", "a", "b"), Cancellation);
        var failure = await Assert.ThrowsAnyAsync<RequestFailedException>(() => Table.SubmitTransactionAsync(Adds("second", "a", "b"), Cancellation));

        Assert.Equal(503, failure.Status);
        Assert.Equal("ServerBusy", failure.ErrorCode);
        Assert.Equal(1, rule.Matched);
        var failed = Assert.IsType<StorageRequest>(rule.FailedRequest);
        Assert.True(failed.IsTransaction);
        Assert.Equal((_name, "second"), (failed.Table, failed.PartitionKey));
        Assert.Equal(["a", "b"], failed.RowKeys);
        Assert.Equal(["a", "b"], await RowKeysInAzuriteAsync("first"));
        Assert.Empty(await RowKeysInAzuriteAsync("second"));
    }

    [Fact]
    public async Task Requests_through_the_proxy_read_as_the_in_process_policy_reads_the_same_requests()
    {
        var inProcess = new FaultInjectionPolicy();
        var seenInProcess = new List<string>();
        var seenByProxy = new List<string>();
        var otherName = TestNames.Unique("proxy");
        // Rules that count every request and never fail one.
        inProcess.FailFrom(int.MaxValue, r => Record(seenInProcess, r, otherName));
        _faults.FailFrom(int.MaxValue, r => Record(seenByProxy, r, _name));
        try
        {
            await ExerciseAsync(Azurite.ConnectionString, otherName, inProcess);
            await ExerciseAsync(Proxy.ConnectionString, _name, policy: null);
        }
        finally
        {
            await Task.WhenAll(
                new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient(otherName).DeleteIfExistsAsync(cancellationToken: CancellationToken.None),
                new TableServiceClient(Azurite.ConnectionString).GetTableClient(otherName).DeleteAsync(CancellationToken.None),
                new QueueServiceClient(Azurite.ConnectionString).GetQueueClient(otherName).DeleteIfExistsAsync(CancellationToken.None));
        }

        Assert.Equal(15, seenInProcess.Count);
        Assert.Equal(seenInProcess, seenByProxy);

        static bool Record(List<string> seen, StorageRequest request, string name)
        {
            lock (seen)
            {
                // A message's id and pop receipt are Azurite's, new on each run.
                var uri = QueueMessageAddress().Replace(request.Uri.ToString(), "messages/{id}?popreceipt={receipt}");
                seen.Add($"{request} {uri}".Replace(name, "{name}", StringComparison.Ordinal));
            }

            return true;
        }
    }

    [GeneratedRegex(@"messages/[^/?]+\?popreceipt=[^&]+")]
    private static partial Regex QueueMessageAddress();

    /// <summary>One round of every kind of request the app makes, on storage named <paramref name="name"/>.</summary>
    private static async Task ExerciseAsync(string connectionString, string name, HttpPipelinePolicy? policy)
    {
        var blobOptions = new BlobClientOptions();
        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions();
        if (policy is not null)
        {
            blobOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
            tableOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
            queueOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        var container = new BlobServiceClient(connectionString, blobOptions).GetBlobContainerClient(name);
        await container.CreateAsync(cancellationToken: Cancellation);
        var blob = container.GetBlobClient("a/b.md");
        await blob.UploadAsync(BinaryData.FromString("Text."), Cancellation);
        await blob.DownloadContentAsync(Cancellation);
        await blob.DeleteAsync(cancellationToken: Cancellation);

        var table = new TableServiceClient(connectionString, tableOptions).GetTableClient(name);
        await table.CreateAsync(Cancellation);
        await table.AddEntityAsync(new TableEntity("p", "it's"), Cancellation);
        await table.SubmitTransactionAsync(Adds("p", "x", "y"), Cancellation);
        await table.GetEntityAsync<TableEntity>("p", "it's", cancellationToken: Cancellation);
        await ListAsync(table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"p"}"), cancellationToken: Cancellation));

        var queue = new QueueServiceClient(connectionString, queueOptions).GetQueueClient(name);
        await queue.CreateAsync(cancellationToken: Cancellation);
        await queue.SendMessageAsync("Hello.", Cancellation);
        var message = (await queue.ReceiveMessageAsync(cancellationToken: Cancellation)).Value;
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Cancellation);
        await queue.DeleteAsync(Cancellation);
        await table.DeleteAsync(Cancellation);
    }
}
