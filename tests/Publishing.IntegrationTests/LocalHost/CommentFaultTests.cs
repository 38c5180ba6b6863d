using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Publishing.Comments;
using Publishing.IntegrationTests.Infrastructure;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Storage faults at each step of a comment post, injected between the app's worker and Azurite
/// (<see cref="StorageFaultProxy"/>): the client gets a 503 with Retry-After, and then the article's comments
/// are either exactly as before or hold the post once, and a retry with the same key stores it at most once.
/// </summary>
public sealed class CommentFaultTests
{
    /// <summary>The requests of a post with an <c>Idempotency-Key</c> on a host without pre-approval, in order.</summary>
    public enum PostStep
    {
        IdempotencyRead,
        CountRead,
        Transaction,
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>
    /// A host whose storage is reached through a proxy that applies <paramref name="faults"/> (the app runs in the
    /// worker process), with one article that already has one comment.
    /// </summary>
    private static async Task<(LocalHostStorage Storage, StorageFaultProxy Proxy, TestLocalHost Host, string Slug, TableClient Comments)> StartAsync(
        FaultInjectionPolicy faults, int sdkRetries = 0)
    {
        var storage = new LocalHostStorage();
        var proxy = await StorageFaultProxy.StartAsync(faults, Cancellation);
        storage.Settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        storage.Settings["Comments:PostsPerMinute"] = "1000";
        storage.Settings["StorageClient:Retry:MaxRetries"] = sdkRetries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        storage.Settings["StorageClient:Retry:Delay"] = "00:00:00.010";
        var host = await TestLocalHost.StartAsync(storage);
        var slug = await CommentHttp.PublishAsync(storage, host);
        using (var earlier = await CommentHttp.PostAsync(host, slug, "Ann", "Earlier comment.", Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Created, earlier.StatusCode);
        }

        return (storage, proxy, host, slug, storage.Tables.GetTableClient(storage.Settings["Publishing:CommentTable"]));
    }

    /// <summary>Every row of the article's partition with its ETag, read past the app, straight from the table.</summary>
    private static async Task<SortedDictionary<string, string>> RowsAsync(TableClient comments, string slug)
    {
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var row in comments.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {slug}"), cancellationToken: Cancellation))
        {
            rows[row.RowKey] = row.ETag.ToString();
        }

        return rows;
    }

    /// <summary>
    /// The ids of the stored comments (shown, keyed by id, and pending, <c>~pending-{id}</c>) whose body is
    /// <paramref name="body"/>, read straight from the table; other bookkeeping rows are not comments.
    /// </summary>
    private static async Task<List<string>> StoredWithBodyAsync(TableClient comments, string slug, string body)
    {
        var ids = new List<string>();
        await foreach (var row in comments.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {slug} and Body eq {body}"), cancellationToken: Cancellation))
        {
            if (Comment.IsId(row.RowKey) || row.RowKey.StartsWith("~pending-", StringComparison.Ordinal))
            {
                ids.Add(row.GetString("CommentId") ?? row.RowKey);
            }
        }

        return ids;
    }

    private static async Task<int> CountAsync(TestLocalHost host, string slug) =>
        (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}", UriKind.Relative), Cancellation)).GetProperty("commentCount").GetInt32();

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>Retries Jane's post of <paramref name="body"/>: <c>201</c>, that comment stored once, and the article's one earlier comment counted with it.</summary>
    private static async Task AssertRetryStoresItOnceAsync(TestLocalHost host, string slug, TableClient comments, string body, string key)
    {
        using var retried = await CommentHttp.PostAsync(host, slug, "Jane", body, key);
        var id = (await CommentHttp.CreatedAsync(retried)).GetProperty("id").GetString() ?? "";
        Assert.Equal([id], await StoredWithBodyAsync(comments, slug, body));
        Assert.Equal(2, await CountAsync(host, slug));
    }

    private static Func<StorageRequest, bool> Step(string table, PostStep step) => step switch
    {
        PostStep.IdempotencyRead => r => r.Table == table && r.Method == RequestMethod.Get && r.RowKey?.StartsWith("~idem-", StringComparison.Ordinal) == true,
        PostStep.CountRead => r => r.Table == table && r.Method == RequestMethod.Get && r.RowKey == CommentStore.CountKey,
        _ => r => r.Table == table && r.IsTransaction,
    };

    [Theory]
    [InlineData(PostStep.IdempotencyRead, StorageFault.ServiceUnavailable)]
    [InlineData(PostStep.IdempotencyRead, StorageFault.ConnectionDropped)]
    [InlineData(PostStep.CountRead, StorageFault.ServiceUnavailable)]
    [InlineData(PostStep.CountRead, StorageFault.ConnectionDropped)]
    [InlineData(PostStep.Transaction, StorageFault.ServiceUnavailable)]
    [InlineData(PostStep.Transaction, StorageFault.ConnectionDropped)]
    public async Task Post_whose_step_fails_before_storage_changes_gets_503_leaves_the_comments_as_they_were_and_its_retry_stores_it_once(
        PostStep step, StorageFault fault)
    {
        var faults = new FaultInjectionPolicy();
        var (storage, proxy, host, slug, comments) = await StartAsync(faults);
        await using (storage)
        await using (proxy)
        await using (host)
        {
            var before = await RowsAsync(comments, slug);
            var key = Guid.NewGuid().ToString();
            var rule = faults.FailNth(1, Step(comments.Name, step), fault);

            using (var failed = await CommentHttp.PostAsync(host, slug, "Jane", "Posted in a storm.", key))
            {
                Assert.True(rule.Injected, $"the post made no request matching {step}");
                await AssertUnavailableAsync(failed);
            }

            Assert.Equal(before, await RowsAsync(comments, slug));
            Assert.Equal(1, await CountAsync(host, slug));

            await AssertRetryStoresItOnceAsync(host, slug, comments, "Posted in a storm.", key);
            Assert.Equal(1, rule.InjectedCount);
        }
    }

    [Fact]
    public async Task Post_whose_transaction_response_is_lost_gets_503_and_its_retry_answers_the_comment_stored_once()
    {
        var faults = new FaultInjectionPolicy();
        var (storage, proxy, host, slug, comments) = await StartAsync(faults);
        await using (storage)
        await using (proxy)
        await using (host)
        {
            var key = Guid.NewGuid().ToString();
            var rule = faults.FailNth(1, Step(comments.Name, PostStep.Transaction), StorageFault.ResponseLost);

            using (var failed = await CommentHttp.PostAsync(host, slug, "Jane", "Stored, answer lost.", key))
            {
                Assert.True(rule.Injected, "the post made no transaction on the comments table");
                await AssertUnavailableAsync(failed);
            }

            // The transaction was carried out: the comment and the new count, together.
            var stored = Assert.Single(await StoredWithBodyAsync(comments, slug, "Stored, answer lost."));
            Assert.Equal(2, await CountAsync(host, slug));

            using var retried = await CommentHttp.PostAsync(host, slug, "Jane", "Stored, answer lost.", key);
            var answered = await CommentHttp.CreatedAsync(retried);
            Assert.Equal(stored, answered.GetProperty("id").GetString());
            Assert.Equal("Stored, answer lost.", answered.GetProperty("body").GetString());
            Assert.Equal([stored], await StoredWithBodyAsync(comments, slug, "Stored, answer lost."));
            Assert.Equal(2, await CountAsync(host, slug));
        }
    }

    [Fact]
    public async Task Post_without_a_key_whose_transaction_the_storage_client_resends_after_a_lost_response_is_stored_once()
    {
        // The SDK's own retry (on by default in production) resends the transaction after its response is lost.
        var faults = new FaultInjectionPolicy();
        var (storage, proxy, host, slug, comments) = await StartAsync(faults, sdkRetries: 1);
        await using (storage)
        await using (proxy)
        await using (host)
        {
            var rule = faults.FailNth(1, Step(comments.Name, PostStep.Transaction), StorageFault.ResponseLost);

            using var posted = await host.Http.PostAsync(
                new Uri($"api/articles/{slug}/comments", UriKind.Relative), CommentTests.Json("Jane", "Sent twice by the SDK."), Cancellation);

            Assert.True(rule.Injected, "the post made no transaction on the comments table");
            var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";
            Assert.Equal([id], await StoredWithBodyAsync(comments, slug, "Sent twice by the SDK."));
            Assert.Equal(2, await CountAsync(host, slug));
        }
    }

    [Fact]
    public async Task Post_while_the_comments_table_is_down_gets_503_every_time_and_stores_nothing_until_it_is_back()
    {
        var faults = new FaultInjectionPolicy();
        var (storage, proxy, host, slug, comments) = await StartAsync(faults);
        await using (storage)
        await using (proxy)
        await using (host)
        {
            var before = await RowsAsync(comments, slug);
            var key = Guid.NewGuid().ToString();
            var down = faults.FailFrom(1, r => r.Table == comments.Name, StorageFault.ConnectionDropped);

            for (var i = 0; i < 3; i++)
            {
                using var failed = await CommentHttp.PostAsync(host, slug, "Jane", "Patience.", key);
                await AssertUnavailableAsync(failed);
            }

            Assert.True(down.InjectedCount >= 3, $"only {down.InjectedCount} requests failed");
            down.Stop();
            Assert.Equal(before, await RowsAsync(comments, slug));
            await AssertRetryStoresItOnceAsync(host, slug, comments, "Patience.", key);
        }
    }
}
