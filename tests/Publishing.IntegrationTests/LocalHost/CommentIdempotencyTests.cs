using System.Net;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// <c>Idempotency-Key</c> replays over real HTTP against Azurite: answered from the comment as it is now, never
/// bringing back one an editor deleted, and never showing one client's pending comment to another.
/// </summary>
public sealed class CommentIdempotencyTests(ModeratedCommentHostFixture fixture) : IClassFixture<ModeratedCommentHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task ModerateAsync(string slug, string id, bool approve)
    {
        using var response = approve
            ? await Host.Http.PostAsync(new Uri($"api/articles/{slug}/comments/{id}/approve", UriKind.Relative), null, Cancellation)
            : await Host.Http.DeleteAsync(new Uri($"api/articles/{slug}/comments/{id}", UriKind.Relative), Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"moderation answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Replay_of_a_pending_comment_answers_it_as_it_is_now_pending_and_then_approved()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);
        var key = Guid.NewGuid().ToString();
        using var posted = await CommentHttp.PostAsync(Host, slug, "Jane", "Waiting for an editor.", key);
        var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";

        // From another address of the same /24, as a phone or a NAT may retry.
        using var sameNetwork = Host.ClientFrom(IPAddress.Parse("127.0.0.2"));
        using var whilePending = await CommentHttp.PostAsync(Host, slug, "Jane", "Waiting for an editor.", key, sameNetwork);
        var pending = await CommentHttp.CreatedAsync(whilePending);
        await ModerateAsync(slug, id, approve: true);
        using var onceApproved = await CommentHttp.PostAsync(Host, slug, "Jane", "Waiting for an editor.", key);
        var approved = await CommentHttp.CreatedAsync(onceApproved);

        Assert.Equal((id, "pending"), (pending.GetProperty("id").GetString(), pending.GetProperty("state").GetString()));
        Assert.Equal((id, "approved"), (approved.GetProperty("id").GetString(), approved.GetProperty("state").GetString()));
        Assert.Equal("true", string.Join(",", whilePending.Headers.GetValues("Idempotent-Replayed")));
        Assert.False(posted.Headers.Contains("Idempotent-Replayed"));
        await CommentHttp.AssertStateAsync(Host, slug, count: 1, listed: [id], pending: []);
    }

    [Fact]
    public async Task Replay_after_an_editor_rejected_the_pending_comment_is_refused_with_409_and_it_stays_unseen()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);
        var key = Guid.NewGuid().ToString();
        using var posted = await CommentHttp.PostAsync(Host, slug, "Spammer", "Buy now.", key);
        var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";
        await ModerateAsync(slug, id, approve: false);

        using var replay = await CommentHttp.PostAsync(Host, slug, "Spammer", "Buy now.", key);
        using var again = await CommentHttp.PostAsync(Host, slug, "Spammer", "Buy now.", key);

        var (problem, text) = await CommentHttp.ProblemAsync(replay, HttpStatusCode.Conflict);
        await CommentHttp.ProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Equal("Comment removed", problem.GetProperty("title").GetString());
        Assert.DoesNotContain("Buy now.", text, StringComparison.Ordinal);
        await CommentHttp.AssertStateAsync(Host, slug, count: 0, listed: [], pending: []);
    }

    [Fact]
    public async Task Replay_after_an_editor_deleted_the_approved_comment_is_refused_with_409_and_never_stores_it_again()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);
        var key = Guid.NewGuid().ToString();
        using var posted = await CommentHttp.PostAsync(Host, slug, "Jane", "Approved, then deleted.", key);
        var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";
        await ModerateAsync(slug, id, approve: true);
        await ModerateAsync(slug, id, approve: false);

        using var replay = await CommentHttp.PostAsync(Host, slug, "Jane", "Approved, then deleted.", key);

        var (_, text) = await CommentHttp.ProblemAsync(replay, HttpStatusCode.Conflict);
        Assert.DoesNotContain("Approved, then deleted.", text, StringComparison.Ordinal);
        await CommentHttp.AssertStateAsync(Host, slug, count: 0, listed: [], pending: []);
    }

    [Fact]
    public async Task Same_key_from_another_network_finds_nothing_of_the_first_clients_pending_comment()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);
        var key = Guid.NewGuid().ToString();
        using var posted = await CommentHttp.PostAsync(Host, slug, "Jane", "Private until approved.", key);
        var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";

        // Even knowing the key, the author and the text, another network gets a post of its own, not Jane's comment.
        using var guessed = await CommentHttp.PostAsync(Host, slug, "Jane", "Private until approved.", key, Host.OtherNetwork);
        using var thirdNetwork = Host.ClientFrom(IPAddress.Parse("127.0.1.1"));
        using var guessedOther = await CommentHttp.PostAsync(Host, slug, "Mallory", "Show me.", key, thirdNetwork);
        var theirs = await CommentHttp.CreatedAsync(guessed);
        var other = await CommentHttp.CreatedAsync(guessedOther);

        Assert.NotEqual(id, theirs.GetProperty("id").GetString());
        Assert.NotEqual(id, other.GetProperty("id").GetString());
        Assert.Equal("Show me.", other.GetProperty("body").GetString());
        Assert.False(guessed.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(3, (await CommentHttp.StateAsync(Host, slug)).Pending.Length);
        Assert.NotEqual(theirs.GetProperty("id").GetString(), other.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Same_key_with_another_author_or_body_is_refused_with_422_and_shows_and_stores_nothing()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);
        var key = Guid.NewGuid().ToString();
        using var posted = await CommentHttp.PostAsync(Host, slug, "Jane", "The original words.", key);
        var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";

        using var otherBody = await CommentHttp.PostAsync(Host, slug, "Jane", "Other words.", key);
        using var otherAuthor = await CommentHttp.PostAsync(Host, slug, "Joan", "The original words.", key);
        // Trimmed and with its line breaks normalised it is the same post: a retry, not a reuse.
        using var sameAfterValidation = await CommentHttp.PostAsync(Host, slug, " Jane ", "The original words.\r\n", key);

        foreach (var refused in new[] { otherBody, otherAuthor })
        {
            var (problem, text) = await CommentHttp.ProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
            Assert.Equal("Idempotency-Key reused for a different comment", problem.GetProperty("title").GetString());
            Assert.DoesNotContain("The original words.", text, StringComparison.Ordinal);
            Assert.DoesNotContain(id, text, StringComparison.Ordinal);
        }

        Assert.Equal(id, (await CommentHttp.CreatedAsync(sameAfterValidation)).GetProperty("id").GetString());
        await CommentHttp.AssertStateAsync(Host, slug, count: 0, listed: [], pending: [id]);
    }
}
