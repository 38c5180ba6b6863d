using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>A deletion made while nothing ran is processed when the app starts, as Event Grid's retries would deliver it.</summary>
public sealed class DeletionWhileStoppedTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task File_deleted_while_the_app_was_stopped_is_unpublished_when_it_starts_again()
    {
        await using var storage = new LocalHostStorage();
        await using (var before = await TestLocalHost.StartAsync(storage))
        {
            await storage.DropAsync("deleted-while-stopped.md", "# Deleted while stopped\n\nText.\n");
            (await before.GetWhenOkAsync("articles/deleted-while-stopped", TimeSpan.FromSeconds(60))).Dispose();
        }

        await storage.Articles.DeleteBlobAsync("deleted-while-stopped.md", cancellationToken: Cancellation);

        await using var after = await TestLocalHost.StartAsync(storage);
        await Eventually.TrueAsync(
            async () =>
            {
                using var status = await after.GetWhenOkAsync("api/submissions/deleted-while-stopped.md");
                return (await status.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status").GetString() == "deleted";
            },
            $"the status to say deleted. Log:{Environment.NewLine}{after.Log}", TimeSpan.FromSeconds(60));
        using var page = await after.Http.GetAsync(new Uri("articles/deleted-while-stopped", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }
}
