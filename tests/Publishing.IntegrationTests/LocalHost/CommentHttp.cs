using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>Steps the comment tests share over real HTTP: publish an article, post with a key from a network, read what readers and editors see.</summary>
internal static class CommentHttp
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Publishes an article of the test's own and waits for its API answer and its page.</summary>
    public static async Task<string> PublishAsync(LocalHostStorage storage, TestLocalHost host)
    {
        var slug = "c" + Guid.NewGuid().ToString("N")[..12];
        await storage.DropAsync($"{slug}.md", $"---\ntitle: Article {slug}\n---\nText.\n");
        using (await host.GetWhenOkAsync($"api/articles/{slug}"))
        using (await host.GetWhenOkAsync($"articles/{slug}"))
        {
        }

        return slug;
    }

    public static async Task<HttpResponseMessage> PostAsync(
        TestLocalHost host, string slug, string author, string body, string idempotencyKey, HttpClient? from = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"api/articles/{slug}/comments", UriKind.Relative))
        {
            Content = CommentTests.Json(author, body),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return await (from ?? host.Http).SendAsync(request, Cancellation);
    }

    public static async Task<JsonElement> CreatedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    public static async Task<(JsonElement Problem, string Text)> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return (problem, text);
    }

    /// <summary>What a reader and an editor see of the article's comments: the count, the listed ids and the pending ids.</summary>
    public static async Task<(int Count, string[] Listed, string[] Pending)> StateAsync(TestLocalHost host, string slug)
    {
        static string[] Ids(JsonElement list) => [.. list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString() ?? "")];
        var count = (await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}", UriKind.Relative), Cancellation)).GetProperty("commentCount").GetInt32();
        var listed = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}/comments", UriKind.Relative), Cancellation);
        var pending = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}/comments/pending", UriKind.Relative), Cancellation);
        return (count, Ids(listed), Ids(pending));
    }

    /// <summary>Every comment of the article a reader sees, following <c>next</c> from the first page to the last.</summary>
    public static async Task<List<JsonElement>> AllCommentsAsync(TestLocalHost host, string slug, int limit)
    {
        var comments = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var response = await host.Http.GetAsync(
                new Uri($"api/articles/{slug}/comments?limit={limit}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), UriKind.Relative), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            comments.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("next") is { ValueKind: JsonValueKind.String } next ? next.GetString() : null;
        }
        while (cursor is not null);
        return comments;
    }

    public static async Task AssertStateAsync(TestLocalHost host, string slug, int count, string[] listed, string[] pending)
    {
        var state = await StateAsync(host, slug);
        Assert.Equal(count, state.Count);
        Assert.Equal(listed, state.Listed);
        Assert.Equal(pending, state.Pending);
    }
}
