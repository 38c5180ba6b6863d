using Microsoft.Extensions.Time.Testing;
using Publishing.Comments;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Listings;
using Publishing.Publication;
using Publishing.Submissions;

namespace Publishing.IntegrationTests.Publishing;

/// <summary>Deleting a file unpublishes its article; what happens to its slug and comments; deletions racing re-creations and moves.</summary>
public sealed class DeletionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly PublishingHarness _app;

    public DeletionTests() => _app = new PublishingHarness(time: _time);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private CommentStore Comments => _app.Get<CommentStore>();

    private static string Markdown(string title, string tags, string extra = "") =>
        $"---\ntitle: {title}\ntags: [{tags}]\n{extra}---\nSome text.\n";

    private async Task<PublishOutcome> DeleteAsync(string name)
    {
        await _app.Articles.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: Cancellation);
        return await _app.Publisher.UnpublishDeletedAsync(_app.Articles.GetBlobClient(name), Cancellation);
    }

    private Task<CommentPostOutcome> CommentAsync(string slug, string body) =>
        Comments.AddAsync(slug, new NewComment("Reader", body), CommentState.Approved, null, Cancellation);

    private async Task<IReadOnlyList<string>> CommentBodiesAsync(string slug) =>
        [.. (await Comments.PageAsync(slug, 100, null, Cancellation)).Items.Select(c => c.Body)];

    [Fact]
    public async Task Deleting_a_file_takes_down_its_page_listing_entries_and_counts_and_records_deleted()
    {
        await _app.DropAndPublishAsync("2025/gone.md", Markdown("Gone", "Elections, Budget"));
        await _app.DropAndPublishAsync("2025/stays.md", Markdown("Stays", "Budget"));
        Assert.Equal(2, (await _app.TagIndex.GetTagAsync("budget", Cancellation))?.Count);

        var outcome = await DeleteAsync("2025/gone.md");

        Assert.Equal(new PublishOutcome.Deleted("gone"), outcome);
        Assert.Null(await _app.PageAsync("gone"));
        Assert.Empty(await _app.ListingAsync("elections"));
        Assert.Equal(["stays"], await _app.ListingAsync("budget"));
        Assert.Equal(["stays"], await _app.ListingAsync(TagIndex.AllArticles));
        Assert.Equal(0, (await _app.TagIndex.GetTagAsync("elections", Cancellation))?.Count ?? 0);
        Assert.Equal(1, (await _app.TagIndex.GetTagAsync("budget", Cancellation))?.Count);
        Assert.Null((await _app.Catalog.GetAsync("gone", Cancellation))?.Listing);
        var status = await _app.Submissions.GetAsync("2025/gone.md", Cancellation);
        Assert.Equal(SubmissionState.Deleted, status?.State);
        Assert.Equal("gone", status?.Slug);
    }

    [Fact]
    public async Task The_same_deletion_delivered_twice_changes_nothing_the_second_time()
    {
        await _app.DropAndPublishAsync("twice.md", Markdown("Twice", "news"));
        await DeleteAsync("twice.md");
        var first = await _app.Submissions.GetAsync("twice.md", Cancellation);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.IsType<PublishOutcome.Deleted>(await DeleteAsync("twice.md"));

        Assert.Equal(first, await _app.Submissions.GetAsync("twice.md", Cancellation));
        Assert.Empty(await _app.ListingAsync(TagIndex.AllArticles));
    }

    [Fact]
    public async Task A_deletion_processed_after_the_file_was_created_again_leaves_the_new_version_published()
    {
        await _app.DropAndPublishAsync("again.md", Markdown("First version", "news"));
        await _app.Articles.GetBlobClient("again.md").DeleteAsync(cancellationToken: Cancellation);
        var recreated = await _app.DropAsync("again.md", Markdown("Second version", "news"));

        // The deletion's event arrives late, after the re-creation: the last operation (the create) wins.
        Assert.IsType<PublishOutcome.Recreated>(await _app.Publisher.UnpublishDeletedAsync(recreated, Cancellation));
        Assert.IsType<PublishOutcome.Published>(await _app.PublishAsync(recreated));

        Assert.Contains("Second version", await _app.PageAsync("again"), StringComparison.Ordinal);
        Assert.Equal(["again"], await _app.ListingAsync("news"));
        Assert.Equal(SubmissionState.Published, (await _app.Submissions.GetAsync("again.md", Cancellation))?.State);
    }

    [Fact]
    public async Task A_file_created_again_after_its_deletion_was_processed_is_published_again_with_its_comments()
    {
        await _app.DropAndPublishAsync("undo.md", Markdown("Undo", "news"));
        await CommentAsync("undo", "Still here?");
        await DeleteAsync("undo.md");

        Assert.IsType<PublishOutcome.Published>(await _app.DropAndPublishAsync("undo.md", Markdown("Undo", "news")));

        Assert.Equal(["Still here?"], await CommentBodiesAsync("undo"));
        Assert.Equal(SubmissionState.Published, (await _app.Submissions.GetAsync("undo.md", Cancellation))?.State);
    }

    [Fact]
    public async Task A_new_article_that_takes_a_freed_slug_starts_without_the_old_articles_comments()
    {
        await _app.DropAndPublishAsync("old-story.md", Markdown("Old story", "news", "slug: reused\n"));
        await CommentAsync("reused", "About the old story");
        await DeleteAsync("old-story.md");

        var outcome = await _app.DropAndPublishAsync("new-story.md", Markdown("New story", "news", "slug: reused\n"));

        Assert.IsType<PublishOutcome.Published>(outcome);
        Assert.Empty(await CommentBodiesAsync("reused"));
        Assert.Equal(0, await Comments.CountAsync("reused", Cancellation));
        Assert.Equal("new-story.md", (await _app.Catalog.GetAsync("reused", Cancellation))?.Owner);
    }

    [Fact]
    public async Task The_same_file_name_long_after_the_deletion_is_a_new_article_without_the_old_comments()
    {
        await _app.DropAndPublishAsync("2024/weekly.md", Markdown("Weekly, old", "news"));
        await CommentAsync("weekly", "Old week");
        await DeleteAsync("2024/weekly.md");

        _time.Advance(SlugSuccession.MoveWindow + TimeSpan.FromMinutes(1));
        await _app.DropAndPublishAsync("2025/weekly.md", Markdown("Weekly, new", "news"));

        Assert.Empty(await CommentBodiesAsync("weekly"));
    }

    [Fact]
    public async Task A_different_file_taking_the_slug_of_an_article_turned_into_a_draft_starts_without_its_comments()
    {
        await _app.DropAndPublishAsync("drafted.md", Markdown("Drafted", "news", "slug: shared\n"));
        await CommentAsync("shared", "About the drafted story");
        await _app.DropAndPublishAsync("drafted.md", Markdown("Drafted", "news", "slug: shared\ndraft: true\n"));

        Assert.IsType<PublishOutcome.Published>(await _app.DropAndPublishAsync("other.md", Markdown("Other", "news", "slug: shared\n")));

        Assert.Empty(await CommentBodiesAsync("shared"));
        Assert.Equal("other.md", (await _app.Catalog.GetAsync("shared", Cancellation))?.Owner);
    }

    [Fact]
    public async Task A_draft_published_again_long_after_keeps_its_comments()
    {
        await _app.DropAndPublishAsync("paused.md", Markdown("Paused", "news"));
        await CommentAsync("paused", "Before the pause");
        await _app.DropAndPublishAsync("paused.md", Markdown("Paused", "news", "draft: true\n"));

        _time.Advance(SlugSuccession.MoveWindow + TimeSpan.FromDays(30));
        Assert.IsType<PublishOutcome.Published>(await _app.DropAndPublishAsync("paused.md", Markdown("Paused", "news")));

        Assert.Equal(["Before the pause"], await CommentBodiesAsync("paused"));
    }

    [Fact]
    public async Task A_different_file_taking_the_slug_an_article_moved_away_from_starts_without_its_comments()
    {
        await _app.DropAndPublishAsync("renamed.md", Markdown("Renamed", "news", "slug: before\n"));
        await CommentAsync("before", "Under the first slug");
        await _app.DropAndPublishAsync("renamed.md", Markdown("Renamed", "news", "slug: after\n"));

        Assert.IsType<PublishOutcome.Published>(await _app.DropAndPublishAsync("newcomer.md", Markdown("Newcomer", "news", "slug: before\n")));

        Assert.Empty(await CommentBodiesAsync("before"));
    }

    [Fact]
    public async Task A_file_moved_to_another_folder_deletion_first_is_published_once_under_its_slug_with_its_comments()
    {
        await _app.DropAndPublishAsync("inbox/moved.md", Markdown("Moved", "news"));
        await CommentAsync("moved", "First!");

        await DeleteAsync("inbox/moved.md");
        Assert.IsType<PublishOutcome.Published>(await _app.DropAndPublishAsync("2025/moved.md", Markdown("Moved", "news")));

        Assert.Equal(["moved"], await _app.ListingAsync(TagIndex.AllArticles));
        Assert.Equal(["First!"], await CommentBodiesAsync("moved"));
        Assert.Equal("2025/moved.md", (await _app.Catalog.GetAsync("moved", Cancellation))?.Owner);
        Assert.Equal(SubmissionState.Deleted, (await _app.Submissions.GetAsync("inbox/moved.md", Cancellation))?.State);
    }

    [Fact]
    public async Task A_file_copied_to_another_folder_then_deleted_is_published_from_the_copy_once_the_deletion_is_processed()
    {
        await _app.DropAndPublishAsync("inbox/copied.md", Markdown("Copied", "news"));
        await CommentAsync("copied", "Keep me");

        // The copy is processed while the original still exists: refused, the slug is taken.
        var copy = await _app.PublishAsync(await _app.DropAsync("2025/copied.md", Markdown("Copied, filed", "news")));
        Assert.IsType<PublishOutcome.Rejected>(copy);

        Assert.IsType<PublishOutcome.Deleted>(await DeleteAsync("inbox/copied.md"));

        Assert.Contains("Copied, filed", await _app.PageAsync("copied"), StringComparison.Ordinal);
        Assert.Equal(["copied"], await _app.ListingAsync(TagIndex.AllArticles));
        Assert.Equal(["Keep me"], await CommentBodiesAsync("copied"));
        Assert.Equal(SubmissionState.Published, (await _app.Submissions.GetAsync("2025/copied.md", Cancellation))?.State);
    }

    [Fact]
    public async Task A_move_whose_new_copy_is_processed_after_the_old_file_is_gone_but_before_its_deletion_takes_the_slug_at_once()
    {
        await _app.DropAndPublishAsync("inbox/early.md", Markdown("Early", "news, world"));
        await _app.Articles.GetBlobClient("inbox/early.md").DeleteAsync(cancellationToken: Cancellation);

        Assert.IsType<PublishOutcome.Published>(await _app.DropAndPublishAsync("2025/early.md", Markdown("Early", "news")));
        Assert.IsType<PublishOutcome.Deleted>(await _app.Publisher.UnpublishDeletedAsync(_app.Articles.GetBlobClient("inbox/early.md"), Cancellation));

        Assert.Equal(["early"], await _app.ListingAsync(TagIndex.AllArticles));
        Assert.Empty(await _app.ListingAsync("world"));
        Assert.Contains("Early", await _app.PageAsync("early"), StringComparison.Ordinal);
        Assert.Equal("2025/early.md", (await _app.Catalog.GetAsync("early", Cancellation))?.Owner);
    }
}
