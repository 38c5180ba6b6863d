using Azure;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Publishing;

namespace Publishing.IntegrationTests.Publishing;

public sealed class StorageFaultTests
{
    /// <summary>Azurite's blob service, and a table service where nothing listens.</summary>
    private const string TablesDown =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
        "TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    [Fact]
    public async Task Publishing_while_table_storage_is_down_throws_to_be_retried_and_publishes_nothing()
    {
        await using var healthy = new PublishingHarness();
        await using var app = new PublishingHarness(settings =>
        {
            settings["AzureWebJobsStorage"] = TablesDown;
            settings["StorageClient:Retry:MaxRetries"] = "0";
            settings["Publishing:SiteContainer"] = healthy.Storage.Site.Name;
        });
        var file = await healthy.DropAsync("down.md", "# Down\n\nText.\n");

        var failure = await Record.ExceptionAsync(() => app.Publisher.PublishAsync(
            healthy.Articles.GetBlobClient(file.Name), TestContext.Current.CancellationToken));

        Assert.IsType<RequestFailedException>(failure);
        Assert.Null(await healthy.PageAsync("down"));
        Assert.IsType<PublishOutcome.Published>(await healthy.PublishAsync(file)); // the retry, once storage is back
    }
}
