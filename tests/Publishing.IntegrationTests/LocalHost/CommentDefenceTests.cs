using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>Comment defences that need a host of their own: the per-client rate limit and pre-approval (storage faults: <see cref="CommentFaultTests"/>).</summary>
public sealed class CommentDefenceTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> PostFromAsync(HttpClient client, string slug, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"api/articles/{slug}/comments", UriKind.Relative))
        {
            Content = CommentTests.Json("Jane", "Again and again."),
        };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request, Cancellation);
    }

    [Fact]
    public async Task Client_over_the_rate_limit_gets_429_with_Retry_After_and_forged_forwarded_addresses_do_not_help()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Comments:PostsPerMinute"] = "2";
        await using var host = await TestLocalHost.StartAsync(storage);
        var slug = await CommentHttp.PublishAsync(storage, host);

        // X-Forwarded-For is the client's own claim: the host sets it to the address it saw, as the Functions host does.
        using var first = await PostFromAsync(host.Http, slug, "203.0.113.1");
        using var second = await PostFromAsync(host.Http, slug, "198.51.100.1");
        using var third = await PostFromAsync(host.Http, slug, "192.0.2.1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        Assert.InRange(third.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var count = (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}", UriKind.Relative), Cancellation)).GetProperty("commentCount").GetInt32();
        Assert.Equal(2, count);
    }

    [Fact]
    public async Task Limit_counts_per_client_network_as_the_host_forwards_the_clients_address_to_the_worker()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Comments:PostsPerMinute"] = "1";
        await using var host = await TestLocalHost.StartAsync(storage, urls: TestLocalHost.TwoNetworks);
        var slug = await CommentHttp.PublishAsync(storage, host);

        using var sameNetworkClient = host.ClientFrom(IPAddress.Parse("127.0.0.9"));
        using var first = await PostFromAsync(host.Http, slug, "203.0.113.7");
        using var sameClient = await PostFromAsync(host.Http, slug, "198.51.100.1");
        using var sameNetwork = await PostFromAsync(sameNetworkClient, slug, "198.51.100.1");
        using var otherNetwork = await PostFromAsync(host.OtherNetwork, slug, "203.0.113.7");
        using var otherNetworkAgain = await PostFromAsync(host.OtherNetwork, slug, "192.0.2.1");

        // 127.0.0.1 and 127.0.0.9 share a /24, ::1 is another network: the host replaced what they claimed in X-Forwarded-For.
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, sameClient.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, sameNetwork.StatusCode);
        Assert.Equal(HttpStatusCode.Created, otherNetwork.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, otherNetworkAgain.StatusCode);
    }

    [Fact]
    public async Task With_pre_approval_a_comment_waits_unseen_and_uncounted_until_an_editor_approves_it()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Comments:RequireApproval"] = "true";
        await using var host = await TestLocalHost.StartAsync(storage);
        var slug = await CommentHttp.PublishAsync(storage, host);

        using var posted = await host.Http.PostAsync(new Uri($"api/articles/{slug}/comments", UriKind.Relative), CommentTests.Json("Jane", "Waiting."), Cancellation);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var comment = await posted.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("pending", comment.GetProperty("state").GetString());
        var id = comment.GetProperty("id").GetString();

        async Task<(int Count, int Listed, string Page, int Pending)> StateAsync()
        {
            var count = (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}", UriKind.Relative), Cancellation)).GetProperty("commentCount").GetInt32();
            var listed = (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}/comments", UriKind.Relative), Cancellation)).GetProperty("items").GetArrayLength();
            var page = await host.Http.GetStringAsync(new Uri($"articles/{slug}", UriKind.Relative), Cancellation);
            var pending = (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}/comments/pending", UriKind.Relative), Cancellation)).GetProperty("items").GetArrayLength();
            return (count, listed, page, pending);
        }

        var waiting = await StateAsync();
        Assert.Equal((0, 0, 1), (waiting.Count, waiting.Listed, waiting.Pending));
        Assert.DoesNotContain("Waiting.", waiting.Page, StringComparison.Ordinal);

        using var approved = await host.Http.PostAsync(new Uri($"api/articles/{slug}/comments/{id}/approve", UriKind.Relative), null, Cancellation);
        using var again = await host.Http.PostAsync(new Uri($"api/articles/{slug}/comments/{id}/approve", UriKind.Relative), null, Cancellation);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var shown = await StateAsync();
        Assert.Equal((1, 1, 0), (shown.Count, shown.Listed, shown.Pending));
        Assert.Contains("Waiting.", shown.Page, StringComparison.Ordinal);

        using var deleted = await host.Http.DeleteAsync(new Uri($"api/articles/{slug}/comments/{id}", UriKind.Relative), Cancellation);
        using var deletedAgain = await host.Http.DeleteAsync(new Uri($"api/articles/{slug}/comments/{id}", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
        var gone = await StateAsync();
        Assert.Equal((0, 0, 0), (gone.Count, gone.Listed, gone.Pending));
        Assert.DoesNotContain("Waiting.", gone.Page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_pending_comment_leaves_the_count_of_shown_ones_alone()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Comments:RequireApproval"] = "true";
        await using var host = await TestLocalHost.StartAsync(storage);
        var slug = await CommentHttp.PublishAsync(storage, host);
        async Task<string?> PostAsync(string body)
        {
            using var response = await host.Http.PostAsync(new Uri($"api/articles/{slug}/comments", UriKind.Relative), CommentTests.Json("Jane", body), Cancellation);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetString();
        }

        var kept = await PostAsync("Kept.");
        var spam = await PostAsync("Spam.");
        using (await host.Http.PostAsync(new Uri($"api/articles/{slug}/comments/{kept}/approve", UriKind.Relative), null, Cancellation))
        using (var deleted = await host.Http.DeleteAsync(new Uri($"api/articles/{slug}/comments/{spam}", UriKind.Relative), Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var count = (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}", UriKind.Relative), Cancellation)).GetProperty("commentCount").GetInt32();
        var pending = (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}/comments/pending", UriKind.Relative), Cancellation)).GetProperty("items").GetArrayLength();
        Assert.Equal((1, 0), (count, pending));
    }
}
