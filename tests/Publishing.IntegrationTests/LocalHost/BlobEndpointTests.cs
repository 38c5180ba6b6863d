using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Local;
using Publishing.Local.Relay;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// The host's blob endpoint: Azurite's Blob service at another port, through which a write or a deletion reaches the
/// app as the request completes instead of at the relay's next sweep.
/// </summary>
public sealed class BlobEndpointTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task File_written_through_the_blob_endpoint_is_published_at_once_and_one_written_past_it_waits_for_the_sweep()
    {
        await using var storage = new LocalHostStorage();
        var endpoint = BlobEndpoint(storage);
        storage.Settings["Relay:PollInterval"] = "00:10:00"; // one sweep at start, then none for the length of the test
        await using var host = await TestLocalHost.StartAsync(storage);
        var through = ThroughEndpoint(storage, endpoint);
        await Task.Delay(500, Cancellation); // the start's sweep is over

        await LocalHostStorage.DropAsync(storage.Articles, "past-the-endpoint.md", "# Past the endpoint\n\nText.\n");
        await LocalHostStorage.DropAsync(through, "through-the-endpoint.md", "# Through the endpoint\n\nText.\n");

        using (var page = await host.GetWhenOkAsync("articles/through-the-endpoint", TimeSpan.FromSeconds(15)))
        {
            Assert.Contains("Through the endpoint", await page.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        }

        await Task.Delay(1000, Cancellation);
        using var unseen = await host.Http.GetAsync(new Uri("articles/past-the-endpoint", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, unseen.StatusCode);
    }

    [Fact]
    public async Task File_deleted_through_the_blob_endpoint_is_unpublished_without_a_sweep()
    {
        await using var storage = new LocalHostStorage();
        var endpoint = BlobEndpoint(storage);
        storage.Settings["Relay:PollInterval"] = "00:10:00";
        await using var host = await TestLocalHost.StartAsync(storage);
        var through = ThroughEndpoint(storage, endpoint);
        await LocalHostStorage.DropAsync(through, "short-lived.md", "# Short lived\n\nText.\n");
        (await host.GetWhenOkAsync("articles/short-lived", TimeSpan.FromSeconds(15))).Dispose();

        await through.DeleteBlobAsync("short-lived.md", cancellationToken: Cancellation);

        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await host.Http.GetAsync(new Uri("articles/short-lived", UriKind.Relative), Cancellation);
                return response.StatusCode == HttpStatusCode.NotFound;
            },
            "/articles/short-lived to answer 404",
            TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Request_storage_refuses_passes_through_the_blob_endpoint_unchanged_and_relays_nothing()
    {
        await using var storage = new LocalHostStorage();
        var endpoint = BlobEndpoint(storage);
        storage.Settings["Relay:PollInterval"] = "00:10:00";
        await using var host = await TestLocalHost.StartAsync(storage);
        await storage.Articles.CreateIfNotExistsAsync(cancellationToken: Cancellation);

        // A wrong account key: Azurite's own 403, with its error code, comes back through the endpoint.
        var forged = new BlobContainerClient(
            new Uri(endpoint, $"{endpoint.AbsolutePath.TrimEnd('/')}/{storage.Articles.Name}"),
            new Azure.Storage.StorageSharedKeyCredential(Azurite.AccountName, Convert.ToBase64String(new byte[64])));
        var refused = await Assert.ThrowsAsync<RequestFailedException>(() =>
            forged.GetBlobClient("forged.md").UploadAsync(BinaryData.FromString("# Forged\n"), Cancellation));
        Assert.Equal(403, refused.Status);
        Assert.Equal("AuthorizationFailure", refused.ErrorCode);

        // A path with no blob in it (the container): forwarded, and not taken for a blob.
        var listed = ThroughEndpoint(storage, endpoint).GetBlobsAsync(cancellationToken: Cancellation);
        Assert.Empty(await listed.ToListAsync(Cancellation));
        Assert.False(await storage.Articles.GetBlobClient("forged.md").ExistsAsync(Cancellation));
    }

    [Fact]
    public async Task File_larger_than_the_hosts_request_limit_lands_through_the_blob_endpoint_and_is_rejected_by_the_app()
    {
        await using var storage = new LocalHostStorage();
        var endpoint = BlobEndpoint(storage);
        await using var host = await TestLocalHost.StartAsync(storage);
        var through = ThroughEndpoint(storage, endpoint);
        await through.CreateIfNotExistsAsync(cancellationToken: Cancellation);

        // One Put Blob of 31 MB: past Kestrel's 30 MB default for a request body, within Azurite's limits.
        var content = BinaryData.FromBytes(new byte[31 * 1024 * 1024]);
        await through.GetBlobClient("huge.md").UploadAsync(
            content,
            new Azure.Storage.Blobs.Models.BlobUploadOptions { TransferOptions = new Azure.Storage.StorageTransferOptions { InitialTransferSize = 64 * 1024 * 1024, MaximumTransferSize = 64 * 1024 * 1024 } },
            Cancellation);

        Assert.Equal(31 * 1024 * 1024, (await storage.Articles.GetBlobClient("huge.md").GetPropertiesAsync(cancellationToken: Cancellation)).Value.ContentLength);
        var status = await Eventually.GetAsync(
            async () =>
            {
                using var response = await host.Http.GetAsync(new Uri("api/submissions/huge.md", UriKind.Relative), Cancellation);
                return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(Cancellation) : null;
            },
            "the app's verdict on huge.md");
        Assert.Contains("\"rejected\"", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_uploads_through_the_running_hosts_blob_endpoint_and_with_direct_past_it()
    {
        await using var storage = new LocalHostStorage();
        var endpoint = BlobEndpoint(storage);
        storage.Settings["Relay:PollInterval"] = "00:10:00";
        await using var host = await TestLocalHost.StartAsync(storage);
        await Task.Delay(500, Cancellation); // the start's sweep is over

        var (exit, output) = await DropCommandRun.RunAsync(host, storage, "through-drop.md", "# Through drop\n\nText.\n");

        Assert.True(exit == 0, output);
        Assert.Contains($"Uploading through the app's blob endpoint ({endpoint})", output, StringComparison.Ordinal);
        Assert.Contains("1 files: 1 published", output, StringComparison.Ordinal);

        var file = Path.Combine(Path.GetTempPath(), $"direct-{Guid.NewGuid():N}.md");
        await File.WriteAllTextAsync(file, "# Direct drop\n\nText.\n", Cancellation);
        try
        {
            (exit, output) = await DropCommandRun.RunAsync(host, storage, ["drop", file, "--as", "direct-drop.md", "--direct"]);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("blob endpoint", output, StringComparison.Ordinal);
        Assert.True(await storage.Articles.GetBlobClient("direct-drop.md").ExistsAsync(Cancellation));
    }

    [Fact]
    public async Task Drop_to_another_storage_than_the_one_the_endpoint_forwards_to_goes_past_the_endpoint()
    {
        await using var storage = new LocalHostStorage();
        var endpoint = BlobEndpoint(storage);
        await using var host = await TestLocalHost.StartAsync(storage);

        // The same account name and key at another address (every Azurite has them): the endpoint's Azurite is not this one.
        await using var elsewhere = await StorageFaultProxy.StartAsync(new FaultInjectionPolicy(), Cancellation);
        storage.Settings["AzureWebJobsStorage"] = elsewhere.ConnectionString; // the tool's storage; the host started with its own
        var file = WriteTemp("# Elsewhere\n");
        try
        {
            var (exit, output) = await DropCommandRun.RunAsync(host, storage, ["drop", file, "--as", "elsewhere.md"]);

            Assert.True(exit == 0, output);
            Assert.DoesNotContain("blob endpoint", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Put_Blob_through_the_endpoint_is_relayed_without_reading_the_blob_and_its_event_is_the_one_its_properties_make()
    {
        await using var relayed = await RelayedThroughEndpointAsync();

        var uploaded = await relayed.Through.GetBlobClient("2025/put-blob.md").UploadAsync(
            BinaryData.FromString("# Put Blob\n\nText.\n"),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/markdown" } },
            Cancellation);

        var delivered = await relayed.DeliveryOfAsync("2025/put-blob.md");
        Assert.Empty(relayed.PropertyReads);
        Assert.Equal(uploaded.Value.ETag.ToString().Trim('"'), delivered.GetProperty("data").GetProperty("eTag").GetString());
        await AssertSameEventAsFromPropertiesAsync(relayed, "2025/put-blob.md", delivered);
    }

    [Fact]
    public async Task Put_Block_List_through_the_endpoint_is_relayed_from_the_blobs_properties_with_the_same_event()
    {
        await using var relayed = await RelayedThroughEndpointAsync();

        // Staged in blocks of 1 KiB: Put Block three times, then Put Block List, whose answer says nothing of the blob's length.
        await relayed.Through.GetBlobClient("blocks.md").UploadAsync(
            BinaryData.FromString("# Blocks\n\n" + new string('x', 3000) + "\n"),
            new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "text/markdown" },
                TransferOptions = new Azure.Storage.StorageTransferOptions { InitialTransferSize = 1024, MaximumTransferSize = 1024, MaximumConcurrency = 1 },
            },
            Cancellation);

        var delivered = await relayed.DeliveryOfAsync("blocks.md");
        Assert.Contains("blocks.md", relayed.PropertyReads);
        await AssertSameEventAsFromPropertiesAsync(relayed, "blocks.md", delivered);
    }

    [Fact]
    public async Task Put_Blob_without_a_content_type_is_relayed_from_the_blobs_properties()
    {
        await using var relayed = await RelayedThroughEndpointAsync();

        await relayed.Through.GetBlobClient("untyped.md").UploadAsync(BinaryData.FromString("# Untyped\n"), Cancellation);

        var delivered = await relayed.DeliveryOfAsync("untyped.md");
        Assert.Contains("untyped.md", relayed.PropertyReads);
        await AssertSameEventAsFromPropertiesAsync(relayed, "untyped.md", delivered);
    }

    [Fact]
    public async Task Quick_writes_of_one_blob_through_the_endpoint_end_with_its_latest_version_delivered()
    {
        await using var relayed = await RelayedThroughEndpointAsync();
        var blob = relayed.Through.GetBlobClient("busy.md");

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(i => blob.UploadAsync(
                BinaryData.FromString($"# Busy {round}.{i}\n"),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/markdown" } },
                Cancellation)));
        }

        var latest = (await relayed.Storage.Articles.GetBlobClient("busy.md").GetPropertiesAsync(cancellationToken: Cancellation)).Value.ETag.ToString().Trim('"');
        await Eventually.TrueAsync(
            () => Task.FromResult(relayed.Recorder.Deliveries.LastOrDefault(d => Subject(d).EndsWith("/busy.md", StringComparison.Ordinal)) is { } last
                && last.Event.GetProperty("data").GetProperty("eTag").GetString() == latest),
            "the latest version of busy.md to be the last delivered");
        await Task.Delay(1000, Cancellation); // nothing older after it
        Assert.Equal(latest, relayed.Recorder.Deliveries.Last(d => Subject(d).EndsWith("/busy.md", StringComparison.Ordinal)).Event.GetProperty("data").GetProperty("eTag").GetString());
    }

    [Theory]
    [InlineData("http://0.0.0.0:10010/devstoreaccount1")]
    [InlineData("http://example.org:10010/devstoreaccount1")]
    [InlineData("https://127.0.0.1:10010/devstoreaccount1")]
    [InlineData("http://127.0.0.1/devstoreaccount1")]
    [InlineData("not a url")]
    [InlineData("http://127.0.0.1:7071/devstoreaccount1")] // the app's own port: every request would go to Azurite
    public void Blob_endpoint_that_is_not_a_loopback_http_address_with_a_port_stops_the_host_with_the_reason(string value)
    {
        var storage = TestNames.IsolatedSettings();
        storage["Relay:BlobEndpoint"] = value;
        storage["urls"] = "http://localhost:7071";

        var refused = Assert.Throws<OptionsValidationException>(() => { _ = LocalServer.Build(new LocalServerSetup { Settings = storage }); });

        Assert.Contains("Relay:BlobEndpoint must be an http:// loopback address with a port of its own", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT", "/devstoreaccount1/articles/2025/a.md", null, false, "Written")]
    [InlineData("PUT", "/devstoreaccount1/articles/a.md", "blocklist", false, "Written")]
    [InlineData("DELETE", "/devstoreaccount1/articles/a.md", null, false, "Deleted")]
    [InlineData("PUT", "/devstoreaccount1/articles/a.md", "block", false, null)]
    [InlineData("PUT", "/devstoreaccount1/articles/a.md", "metadata", false, null)]
    [InlineData("PUT", "/devstoreaccount1/articles/a.md", "lease", false, null)]
    [InlineData("DELETE", "/devstoreaccount1/articles/a.md", null, true, null)]
    [InlineData("PUT", "/devstoreaccount1/articles", null, false, null)]
    [InlineData("DELETE", "/devstoreaccount1/articles", null, false, null)]
    [InlineData("GET", "/devstoreaccount1/articles/a.md", null, false, null)]
    [InlineData("PUT", "/", null, false, null)]
    public void Only_writes_that_raise_BlobCreated_and_deletions_of_a_blob_are_changes(string method, string path, string? comp, bool snapshot, string? expected)
    {
        var change = BlobChange.FromRequest(method, path, comp, snapshot);

        Assert.Equal(expected, change?.Kind.ToString());
        if (change is not null)
        {
            Assert.Equal("articles", change.Container);
            Assert.EndsWith("a.md", change.BlobName, StringComparison.Ordinal);
        }
    }

    private static string Subject(RecordedDelivery delivery) => delivery.Event.GetProperty("subject").GetString() ?? string.Empty;

    /// <summary>
    /// The event delivered for <paramref name="blobName"/> equals the one the relay makes from the blob's properties, but
    /// for the identifiers made up for each event.
    /// </summary>
    private static async Task AssertSameEventAsFromPropertiesAsync(RelayedEndpoint relayed, string blobName, JsonElement delivered)
    {
        var blob = relayed.Storage.Articles.GetBlobClient(blobName);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: Cancellation)).Value;
        var asTheRelaySeesIt = new BlobServiceClient(relayed.Proxy.ConnectionString).GetBlobContainerClient(relayed.Storage.Articles.Name).GetBlobClient(blobName).Uri;
        var fromProperties = BlobEvents.CreatedFor(relayed.Storage.Blobs.AccountName, relayed.Storage.Articles.Name, blobName, properties, asTheRelaySeesIt);
        Assert.Equal(
            WithoutIdentifiers(JsonSerializer.SerializeToNode(fromProperties, EventGridJson.Default.EventGridEventBlobCreatedEventData)!).ToJsonString(),
            WithoutIdentifiers(JsonNode.Parse(delivered.GetRawText())!).ToJsonString());
    }

    private static JsonNode WithoutIdentifiers(JsonNode @event)
    {
        @event.AsObject().Remove("id");
        var data = @event["data"]!.AsObject();
        data.Remove("clientRequestId");
        data.Remove("requestId");
        data.Remove("storageDiagnostics");
        return @event;
    }

    /// <summary>
    /// A host with a blob endpoint whose relay delivers to a recorder and sweeps only at start, on storage behind a
    /// proxy that notes every read of a blob's properties (HEAD) in the articles container.
    /// </summary>
    private static async Task<RelayedEndpoint> RelayedThroughEndpointAsync()
    {
        var storage = new LocalHostStorage();
        var reads = new ConcurrentQueue<string>();
        var faults = new FaultInjectionPolicy();
        faults.FailNth(1, request =>
        {
            if (request.Method == Azure.Core.RequestMethod.Head && request.Container == storage.Articles.Name && request.Blob is { } name)
            {
                reads.Enqueue(name);
            }

            return false;
        });
        var proxy = await StorageFaultProxy.StartAsync(faults, Cancellation);
        storage.Settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        var endpoint = BlobEndpoint(storage);
        storage.Settings["Relay:PollInterval"] = "00:10:00";
        var recorder = await WebhookRecorder.StartAsync();
        storage.Settings["Relay:Target"] = recorder.BaseAddress.AbsoluteUri;
        var host = await TestLocalHost.StartAsync(storage);
        var through = ThroughEndpoint(storage, endpoint);
        await through.CreateIfNotExistsAsync(cancellationToken: Cancellation);
        return new RelayedEndpoint(storage, proxy, recorder, host, through, reads);
    }

    private sealed record RelayedEndpoint(
        LocalHostStorage Storage, StorageFaultProxy Proxy, WebhookRecorder Recorder, TestLocalHost Host, BlobContainerClient Through, ConcurrentQueue<string> PropertyReads)
        : IAsyncDisposable
    {
        public async Task<JsonElement> DeliveryOfAsync(string blobName) =>
            (await Eventually.GetAsync(
                () => Task.FromResult(Recorder.Deliveries.FirstOrDefault(d => Subject(d).EndsWith($"/blobs/{blobName}", StringComparison.Ordinal))),
                $"the BlobCreated event of {blobName}")).Event;

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Recorder.DisposeAsync();
            await Proxy.DisposeAsync();
            await Storage.DisposeAsync();
        }
    }

    private static string WriteTemp(string content)
    {
        var file = Path.Combine(Path.GetTempPath(), $"endpoint-{Guid.NewGuid():N}.md");
        File.WriteAllText(file, content);
        return file;
    }

    private static Uri BlobEndpoint(LocalHostStorage storage)
    {
        var endpoint = new Uri($"http://127.0.0.1:{WebhookRecorder.FreePort()}/{Azurite.AccountName}");
        storage.Settings["Relay:BlobEndpoint"] = endpoint.AbsoluteUri;
        return endpoint;
    }

    /// <summary>The articles container as a storage tool pointed at the endpoint sees it (BlobEndpoint= in its connection string).</summary>
    private static BlobContainerClient ThroughEndpoint(LocalHostStorage storage, Uri endpoint) =>
        new BlobServiceClient($"DefaultEndpointsProtocol=http;AccountName={Azurite.AccountName};AccountKey={Azurite.AccountKey};BlobEndpoint={endpoint.AbsoluteUri};")
            .GetBlobContainerClient(storage.Articles.Name);
}
