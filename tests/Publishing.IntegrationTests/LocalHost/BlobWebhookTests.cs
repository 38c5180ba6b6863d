using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Publishing.Local.BlobTriggers;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The blob extension's webhook, as Event Grid calls it (the relay is off here, so only these calls deliver anything).</summary>
public sealed class BlobWebhookTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Subscription_validation_handshake_answers_the_validation_code()
    {
        await using var storage = WithoutRelay();
        await using var host = await TestLocalHost.StartAsync(storage);
        var code = Guid.NewGuid().ToString().ToUpperInvariant();

        using var response = await PostAsync(host, "Host.Functions.PublishArticle", "SubscriptionValidation", $$"""
            [{
              "id": "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
              "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local",
              "subject": "",
              "data": { "validationCode": "{{code}}", "validationUrl": "https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/x/validate?id=y" },
              "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
              "eventTime": "2025-05-01T12:00:00Z",
              "metadataVersion": "1",
              "dataVersion": "1"
            }]
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(code, body.GetProperty("validationResponse").GetString());
    }

    [Fact]
    public async Task Notification_for_an_unknown_function_gets_202_and_runs_nothing()
    {
        await using var storage = WithoutRelay();
        await using var host = await TestLocalHost.StartAsync(storage);
        await storage.DropAsync("ignored.md", "# Ignored\n");

        using var response = await PostAsync(host, "Host.Functions.NoSuchFunction", "Notification", BlobCreated(storage, "ignored.md"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, await storage.QueuedTriggersAsync());
        await Task.Delay(500, Cancellation);
        using var status = await host.Http.GetAsync(new Uri("api/submissions/ignored.md", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task Notification_for_the_blob_function_answers_202_and_the_blob_is_published_from_the_queue()
    {
        await using var storage = WithoutRelay();
        await using var host = await TestLocalHost.StartAsync(storage);
        await storage.DropAsync("2025/by-hand.md", "# Posted by hand\n\nAs the Azure samples make you do.\n");

        using var response = await PostAsync(host, "Host.Functions.PublishArticle", "Notification", BlobCreated(storage, "2025/by-hand.md"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var page = await host.GetWhenOkAsync("articles/by-hand");
        Assert.Contains("Posted by hand", await page.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_without_an_event_grid_event_type_is_a_400_problem()
    {
        await using var storage = WithoutRelay();
        await using var host = await TestLocalHost.StartAsync(storage);

        using var response = await PostAsync(host, "Host.Functions.PublishArticle", eventType: null, "[]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"data\":{\"url\":42}}]")]
    [InlineData("[17]")]
    public async Task Malformed_notification_is_a_400_problem_and_queues_nothing(string body)
    {
        await using var storage = WithoutRelay();
        await using var host = await TestLocalHost.StartAsync(storage);

        using var response = await PostAsync(host, "Host.Functions.PublishArticle", "Notification", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await storage.QueuedTriggersAsync());
    }

    [Theory]
    [InlineData("[{\"data\":{\"validationCode\":42}}]")]
    [InlineData("[{\"data\":\"[1,2]\"}]")]
    [InlineData("[{\"data\":\"not json\"}]")]
    [InlineData("\"just a string\"")]
    public async Task Malformed_validation_is_a_400_problem(string body)
    {
        await using var storage = WithoutRelay();
        await using var host = await TestLocalHost.StartAsync(storage);

        using var response = await PostAsync(host, "Host.Functions.PublishArticle", "SubscriptionValidation", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static LocalHostStorage WithoutRelay()
    {
        var storage = new LocalHostStorage();
        storage.Settings["Relay:Enabled"] = "false";
        return storage;
    }

    private static async Task<HttpResponseMessage> PostAsync(TestLocalHost host, string functionName, string? eventType, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{BlobWebhook.Route.TrimStart('/')}?functionName={functionName}", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (eventType is not null)
        {
            request.Headers.Add(BlobWebhook.EventTypeHeader, eventType);
        }

        return await host.Http.SendAsync(request, Cancellation);
    }

    private static string BlobCreated(LocalHostStorage storage, string blobName)
    {
        var blob = storage.Articles.GetBlobClient(blobName);
        return $$"""
            [{
              "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
              "subject": "/blobServices/default/containers/{{storage.Articles.Name}}/blobs/{{blobName}}",
              "eventType": "Microsoft.Storage.BlobCreated",
              "id": "{{Guid.NewGuid()}}",
              "data": {
                "api": "PutBlob",
                "eTag": "0x8D4BCC2E4835CD0",
                "contentType": "text/markdown",
                "contentLength": 42,
                "blobType": "BlockBlob",
                "url": "{{blob.Uri.AbsoluteUri}}",
                "sequencer": "00000000000004420000000000028963"
              },
              "dataVersion": "",
              "metadataVersion": "1",
              "eventTime": "2025-05-01T12:00:00Z"
            }]
            """;
    }
}
