using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Deleting a dropped file over the whole local path, as in Azure: the relay notices the deletion and writes a
/// <c>BlobDeleted</c> event to the deletions queue, the local host runs the app's queue-triggered function in the
/// real worker, and readers see the article gone.
/// </summary>
public sealed class DeletionEndToEndTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private LocalHostStorage Storage => fixture.Storage;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Generous: these tests share the box and Azurite with everything else that runs.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private QueueClient DeletionsQueue => Storage.Queues.GetQueueClient(Storage.Settings["ArticleDeletionsQueue"]);

    private async Task<JsonElement> JsonAsync(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    private async Task<string?> StatusAsync(string name)
    {
        using var response = await Host.Http.GetAsync(new Uri("api/submissions/" + name, UriKind.Relative), Cancellation);
        return response.StatusCode == HttpStatusCode.OK
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status").GetString()
            : null;
    }

    private Task GoneAsync(string slug) => Eventually.TrueAsync(
        async () =>
        {
            using var response = await Host.Http.GetAsync(new Uri("articles/" + slug, UriKind.Relative), Cancellation);
            return response.StatusCode == HttpStatusCode.NotFound;
        },
        $"/articles/{slug} to answer 404. The host's recent log:{Environment.NewLine}{Host.Log}", Patience);

    [Fact]
    public async Task Deleting_a_dropped_file_takes_its_page_listings_and_counts_down_and_its_status_says_deleted()
    {
        await Storage.DropAsync("2025/deleted-story.md", "---\ntitle: Deleted story\ntags: [obituaries, e2e-deletion]\n---\nText.\n");
        (await Host.GetWhenOkAsync("articles/deleted-story", TimeSpan.FromSeconds(60))).Dispose();
        Assert.Equal(1, (await JsonAsync("api/tags/obituaries/articles")).GetProperty("items").GetArrayLength());

        await Storage.Articles.DeleteBlobAsync("2025/deleted-story.md", cancellationToken: Cancellation);

        await GoneAsync("deleted-story");
        await Eventually.TrueAsync(async () => await StatusAsync("2025/deleted-story.md") == "deleted", "the status to say deleted", Patience);
        var status = await JsonAsync("api/submissions/2025/deleted-story.md");
        Assert.Equal("deleted-story", status.GetProperty("slug").GetString());
        Assert.False(status.TryGetProperty("url", out _));
        using (var listing = await Host.Http.GetAsync(new Uri("api/tags/obituaries/articles", UriKind.Relative), Cancellation))
        {
            // A tag with no articles left is an unknown tag.
            Assert.True(
                listing.StatusCode == HttpStatusCode.NotFound
                || (await listing.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("items").GetArrayLength() == 0);
        }
        Assert.DoesNotContain(
            (await JsonAsync("api/tags")).GetProperty("items").EnumerateArray(),
            tag => tag.GetProperty("slug").GetString() == "e2e-deletion" && tag.GetProperty("count").GetInt32() > 0);
        Assert.DoesNotContain(
            (await JsonAsync("api/articles?limit=100")).GetProperty("items").EnumerateArray(),
            article => article.GetProperty("slug").GetString() == "deleted-story");
        using var metadata = await Host.Http.GetAsync(new Uri("api/articles/deleted-story", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, metadata.StatusCode);
    }

    [Fact]
    public async Task A_file_moved_to_another_folder_is_published_once_under_its_slug_with_its_comments()
    {
        await Storage.DropAsync("inbox/moving-story.md", "# Moving story\n\nText.\n");
        (await Host.GetWhenOkAsync("articles/moving-story", TimeSpan.FromSeconds(60))).Dispose();
        using (var posted = await Host.Http.PostAsJsonAsync("api/articles/moving-story/comments", new { author = "Reader", body = "Before the move" }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        }

        // Storage Explorer's move: copy, then delete the original.
        await Storage.DropAsync("2025/moving-story.md", "# Moving story\n\nText.\n");
        await Storage.Articles.DeleteBlobAsync("inbox/moving-story.md", cancellationToken: Cancellation);

        await Eventually.TrueAsync(async () => await StatusAsync("inbox/moving-story.md") == "deleted", $"the old name's status to say deleted. Log:{Environment.NewLine}{Host.Log}", Patience);
        await Eventually.TrueAsync(async () => await StatusAsync("2025/moving-story.md") == "published", $"the new name to be published. Log:{Environment.NewLine}{Host.Log}", Patience);
        using var page = await Host.GetWhenOkAsync("articles/moving-story", Patience);
        Assert.Contains("Before the move", await page.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Single(
            (await JsonAsync("api/articles?limit=100")).GetProperty("items").EnumerateArray(),
            article => article.GetProperty("slug").GetString() == "moving-story");
    }

    [Fact]
    public async Task Messages_on_the_deletions_queue_that_are_not_deletion_events_are_dropped_without_retries_or_poison()
    {
        await Storage.DropAsync("survives-garbage.md", "# Survives garbage\n\nText.\n");
        (await Host.GetWhenOkAsync("articles/survives-garbage", TimeSpan.FromSeconds(60))).Dispose();
        await DeletionsQueue.CreateIfNotExistsAsync(cancellationToken: Cancellation);
        string[] hostile =
        [
            "not json at all",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("<xml/>")),
            new string('[', 5000) + new string(']', 5000),
            "{\"eventType\":\"Microsoft.Storage.BlobDeleted\",\"subject\":\"/blobServices/default/containers/other/blobs/survives-garbage.md\"}",
            "{\"eventType\":\"Microsoft.Storage.BlobDeleted\",\"subject\":\"/blobServices/default/containers/" + Storage.Articles.Name + "/blobs/\"}",
            "{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"subject\":\"/blobServices/default/containers/" + Storage.Articles.Name + "/blobs/survives-garbage.md\"}",
        ];
        foreach (var message in hostile)
        {
            await DeletionsQueue.SendMessageAsync(message, Cancellation);
        }

        // A forged deletion of a file that exists changes nothing either: the file is checked, not the message believed.
        await DeletionsQueue.SendMessageAsync(
            "{\"eventType\":\"Microsoft.Storage.BlobDeleted\",\"subject\":\"/blobServices/default/containers/" + Storage.Articles.Name + "/blobs/survives-garbage.md\"}",
            Cancellation);

        await Eventually.TrueAsync(
            async () => (await DeletionsQueue.GetPropertiesAsync(Cancellation)).Value.ApproximateMessagesCount == 0,
            $"the deletions queue to be drained. Log:{Environment.NewLine}{Host.Log}", Patience);
        var poison = Storage.Queues.GetQueueClient(Storage.Settings["Test:DeletionsPoisonQueue"]);
        Assert.False(await poison.ExistsAsync(Cancellation), "nothing is poisoned");
        Assert.Contains("dropped", Host.Log.ToString(), StringComparison.Ordinal);
        (await Host.GetWhenOkAsync("articles/survives-garbage", TimeSpan.FromSeconds(60))).Dispose();
        Assert.Equal("published", await StatusAsync("survives-garbage.md"));
    }
}
