using System.Net;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The replay the issue reported, on a host without pre-approval: deleted, replayed, and it must not come back.</summary>
public sealed class CommentDeletedReplayTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Comment_deleted_by_an_editor_does_not_come_back_when_its_Idempotency_Key_is_replayed()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Comments:PostsPerMinute"] = "100";
        await using var host = await TestLocalHost.StartAsync(storage);
        var slug = await CommentHttp.PublishAsync(storage, host);
        var key = Guid.NewGuid().ToString();
        using var posted = await CommentHttp.PostAsync(host, slug, "Jane", "Regrettable words.", key);
        var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";
        using (var deleted = await host.Http.DeleteAsync(new Uri($"api/articles/{slug}/comments/{id}", UriKind.Relative), Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var replay = await CommentHttp.PostAsync(host, slug, "Jane", "Regrettable words.", key);

        var (problem, text) = await CommentHttp.ProblemAsync(replay, HttpStatusCode.Conflict);
        Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Regrettable words.", text, StringComparison.Ordinal);
        Assert.DoesNotContain(id, text, StringComparison.Ordinal);
        var page = await host.Http.GetStringAsync(new Uri($"articles/{slug}", UriKind.Relative), Cancellation);
        Assert.DoesNotContain("Regrettable words.", page, StringComparison.Ordinal);
        await CommentHttp.AssertStateAsync(host, slug, count: 0, listed: [], pending: []);
    }
}
