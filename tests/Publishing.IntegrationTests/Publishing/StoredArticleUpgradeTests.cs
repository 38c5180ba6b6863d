using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.IntegrationTests.Publishing;

/// <summary>
/// Pages stored before content was (finished pages, <c>articles/{slug}.html</c>) and content of an older format are
/// rendered again from their source when read, and the content stored, so they take the current template too.
/// </summary>
public sealed class StoredArticleUpgradeTests : IAsyncLifetime
{
    private const string LegacyMarker = "rendered by the template of an earlier build";

    private readonly PublishingHarness _app = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private SitePages Pages => _app.Pages;

    private StoredArticleUpgrade Upgrade => _app.GetForReaders<StoredArticleUpgrade>();

    private SiteInfo Site => _app.Get<IOptions<PublishingOptions>>().Value.Site();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Page_stored_finished_is_rendered_again_from_its_source_and_its_content_stored()
    {
        await PublishAsLegacyAsync("legacy-story.md", "---\ntitle: Legacy story\nimage: /img/a.jpg\nlang: fr\n---\nThe *first* paragraph.\n");
        var record = await PublishedRecordAsync("legacy-story");
        var stored = Assert.IsType<StoredArticle.LegacyPage>(await Pages.ReadArticleAsync("legacy-story", Cancellation));

        var upgraded = Assert.IsType<StoredArticle.Content>(await Upgrade.UpgradeAsync(record, stored, Cancellation));

        Assert.Equal("Legacy story", upgraded.Article.Title);
        Assert.Equal("fr", upgraded.Article.Language);
        Assert.Equal("/img/a.jpg", upgraded.Article.Image);
        Assert.Equal(record.Listing!.Published, upgraded.Article.Published);
        Assert.Contains("<em>first</em>", upgraded.Article.BodyHtml, StringComparison.Ordinal);
        var page = ArticlePageRenderer.RenderPage(upgraded, Site, NoComments("legacy-story"));
        Assert.DoesNotContain(LegacyMarker, page, StringComparison.Ordinal);

        // Stored for the next reader, who reads content and renders it.
        var again = Assert.IsType<StoredArticle.Content>(await Pages.ReadArticleAsync("legacy-story", Cancellation));
        Assert.Equal(Json(upgraded.Article), Json(again.Article));
        Assert.Same(again, await Upgrade.UpgradeAsync(record, again, Cancellation));
    }

    [Fact]
    public async Task Page_stored_finished_whose_file_was_edited_since_is_served_as_stored_with_current_comments()
    {
        await PublishAsLegacyAsync("edited.md", "# Edited\n\nFirst version.\n");
        var record = await PublishedRecordAsync("edited");

        // An edit that was never published (a rejected one leaves the record as it was).
        await _app.DropAsync("edited.md", "# Edited\n\nSecond version.\n");
        var stored = Assert.IsType<StoredArticle.LegacyPage>(await Pages.ReadArticleAsync("edited", Cancellation));

        var served = await Upgrade.UpgradeAsync(record, stored, Cancellation);

        Assert.Same(stored, served);
        Assert.False(await _app.Storage.Site.GetBlobClient(SitePages.ContentPath("edited")).ExistsAsync(Cancellation));
        var page = ArticlePageRenderer.RenderPage(served, Site, NoComments("edited"));
        Assert.Contains(LegacyMarker, page, StringComparison.Ordinal);
        Assert.Contains("What is your opinion on this topic?", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_never_overwrites_content_a_publish_stored_since_the_page_was_read()
    {
        await PublishAsLegacyAsync("race.md", "# Race\n\nText.\n");
        var record = await PublishedRecordAsync("race");
        var stored = Assert.IsType<StoredArticle.LegacyPage>(await Pages.ReadArticleAsync("race", Cancellation));

        // A publish stores content after this reader found none.
        var newer = new ArticleContent { Slug = "race", Title = "Race, as published since", Description = "d", Published = record.Listing!.Published, BodyHtml = "<p>newer</p>" };
        await Pages.WriteArticleAsync("race", newer, Cancellation);

        var served = Assert.IsType<StoredArticle.Content>(await Upgrade.UpgradeAsync(record, stored, Cancellation));

        Assert.Equal("Race", served.Article.Title);
        var kept = Assert.IsType<StoredArticle.Content>(await Pages.ReadArticleAsync("race", Cancellation));
        Assert.Equal(Json(newer), Json(kept.Article));
    }

    [Fact]
    public async Task Content_of_an_older_format_is_rendered_again_from_its_source_and_replaced()
    {
        await _app.DropAndPublishAsync("older.md", "# Older\n\nCurrent text.\n");
        var record = await PublishedRecordAsync("older");
        var current = Assert.IsType<StoredArticle.Content>(await Pages.ReadArticleAsync("older", Cancellation));
        await Pages.WriteArticleAsync("older", current.Article with { Format = ArticleContent.CurrentFormat - 1, BodyHtml = "<p>old body rendering</p>" }, Cancellation);
        var stale = Assert.IsType<StoredArticle.Content>(await Pages.ReadArticleAsync("older", Cancellation));

        var served = Assert.IsType<StoredArticle.Content>(await Upgrade.UpgradeAsync(record, stale, Cancellation));

        Assert.Equal(Json(current.Article), Json(served.Article));
        var replaced = Assert.IsType<StoredArticle.Content>(await Pages.ReadArticleAsync("older", Cancellation));
        Assert.Equal(Json(current.Article), Json(replaced.Article));
    }

    [Fact]
    public async Task Unpublishing_removes_the_content_and_any_page_stored_finished()
    {
        await PublishAsLegacyAsync("gone.md", "# Gone\n\nText.\n");
        await _app.Upload(SitePages.ContentPath("gone"), "{}");

        await _app.DropAndPublishAsync("gone.md", "---\ntitle: Gone\ndraft: true\n---\nText.\n");

        Assert.False(await _app.Storage.Site.GetBlobClient(SitePages.ContentPath("gone")).ExistsAsync(Cancellation));
        Assert.False(await _app.Storage.Site.GetBlobClient(SitePages.LegacyPagePath("gone")).ExistsAsync(Cancellation));
        Assert.Null(await Pages.ReadArticleAsync("gone", Cancellation));
    }

    [Fact]
    public async Task Stored_content_that_is_not_an_articles_content_is_an_error_not_a_page()
    {
        await _app.DropAndPublishAsync("corrupt.md", "# Corrupt\n\nText.\n");
        await _app.Upload(SitePages.ContentPath("corrupt"), """{"format":1,"slug":"corrupt"}""");

        await Assert.ThrowsAnyAsync<JsonException>(() => Pages.ReadArticleAsync("corrupt", Cancellation));
    }

    /// <summary>Publishes the file, then leaves what an earlier build stored for it: a finished page and no content.</summary>
    private async Task PublishAsLegacyAsync(string name, string text)
    {
        var outcome = Assert.IsType<PublishOutcome.Published>(await _app.DropAndPublishAsync(name, text));
        await _app.Storage.Site.GetBlobClient(SitePages.ContentPath(outcome.Slug)).DeleteAsync(cancellationToken: Cancellation);
        await _app.Upload(SitePages.LegacyPagePath(outcome.Slug), $"""
            <!DOCTYPE html>
            <html lang="en"><head><title>{outcome.Slug}</title><style>p{"{"}color:red{"}"}</style></head>
            <body><main><article><h1>{outcome.Slug}</h1><p>{LegacyMarker}</p></article>
            <!-- comments -->
            <section id="comments"><h2>Comments (0)</h2></section>
            <!-- /comments -->
            </main></body></html>
            """);
    }

    private async Task<ArticleRecord> PublishedRecordAsync(string slug)
    {
        var record = await _app.Catalog.GetAsync(slug, Cancellation);
        Assert.NotNull(record?.Listing);
        return record;
    }

    /// <summary>Content compared by value, lists included.</summary>
    private static string Json(ArticleContent content) => JsonSerializer.Serialize(content, StorageJson.Content.ArticleContent);

    private static CommentsView NoComments(string slug) => new(slug, 0, [], null, true);
}
