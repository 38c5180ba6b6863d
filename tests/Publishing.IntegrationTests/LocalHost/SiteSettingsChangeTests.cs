using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Publishing.Pages;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// A change of the page's settings reaches pages published before it, after a restart and without dropping the file
/// again: pages are rendered from the stored content when read. The real worker, over real HTTP.
/// </summary>
public sealed class SiteSettingsChangeTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restarting_with_another_site_name_language_and_base_url_changes_every_published_page_without_a_new_drop()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Publishing:SiteName"] = "Morning Post";
        storage.Settings["Publishing:Language"] = "en";
        storage.Settings["Publishing:PublicBaseUrl"] = "http://localhost:7071/";
        string slug;
        string before;
        await using (var host = await TestLocalHost.StartAsync(storage))
        {
            slug = await CommentHttp.PublishAsync(storage, host);
            using (var posted = await CommentHttp.PostAsync(host, slug, "Ann", "Kept across the restart.", Guid.NewGuid().ToString()))
            {
                await CommentHttp.CreatedAsync(posted);
            }

            before = await PageAsync(host, slug);
        }

        var content = storage.Blobs.GetBlobContainerClient(storage.Settings["Publishing:SiteContainer"]).GetBlobClient(SitePages.ContentPath(slug));
        var stored = (await content.GetPropertiesAsync(cancellationToken: Cancellation)).Value.ETag;
        Assert.Contains("Morning Post", before, StringComparison.Ordinal);

        storage.Settings["Publishing:SiteName"] = "Evening Courier";
        storage.Settings["Publishing:Language"] = "de";
        storage.Settings["Publishing:PublicBaseUrl"] = "https://courier.example/";
        await using (var host = await TestLocalHost.StartAsync(storage))
        {
            var page = new HtmlParser().ParseDocument(await PageAsync(host, slug));

            Assert.Equal("de", page.DocumentElement.GetAttribute("lang"));
            Assert.Equal($"Article {slug} – Evening Courier", page.Title);
            Assert.Equal("Evening Courier", page.QuerySelector("body > header a[rel=home]")?.TextContent);
            Assert.Equal($"https://courier.example/articles/{slug}", page.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
            Assert.Equal($"https://courier.example/articles/{slug}", page.QuerySelector("meta[property='og:url']")?.GetAttribute("content"));
            Assert.Equal("Evening Courier", page.QuerySelector("meta[property='og:site_name']")?.GetAttribute("content"));
            using var json = JsonDocument.Parse(page.QuerySelector("script[type='application/ld+json']")?.TextContent ?? "{}");
            Assert.Equal($"https://courier.example/articles/{slug}", json.RootElement.GetProperty("url").GetString());
            Assert.Equal("Evening Courier", json.RootElement.GetProperty("publisher").GetProperty("name").GetString());
            Assert.Equal("https://courier.example/", json.RootElement.GetProperty("publisher").GetProperty("url").GetString());
            Assert.Equal("de", json.RootElement.GetProperty("inLanguage").GetString());
            Assert.DoesNotContain("Morning Post", page.DocumentElement.OuterHtml, StringComparison.Ordinal);

            // The article and its comments are as they were; nothing was published again.
            Assert.Equal($"Article {slug}", page.QuerySelector("h1")?.TextContent);
            Assert.Equal("Comments (1)", page.QuerySelector("#comments-title")?.TextContent);
            Assert.Contains("Kept across the restart.", page.QuerySelector("#comments")?.TextContent, StringComparison.Ordinal);
            Assert.Equal(stored, (await content.GetPropertiesAsync(cancellationToken: Cancellation)).Value.ETag);
            var api = await host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}", UriKind.Relative), Cancellation);
            Assert.Equal($"https://courier.example/articles/{slug}", api.GetProperty("url").GetString());
        }
    }

    [Fact]
    public async Task Page_stored_finished_by_an_earlier_build_is_served_in_the_current_template_and_its_content_stored()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Publishing:SiteName"] = "Evening Courier";
        await using var host = await TestLocalHost.StartAsync(storage);
        var slug = "legacy-" + Guid.NewGuid().ToString("N")[..8];
        await storage.DropAsync($"{slug}.md", $"---\ntitle: Legacy {slug}\n---\nThe published text.\n");
        using (await host.GetWhenOkAsync($"api/articles/{slug}"))
        {
        }

        // What an earlier build left: the finished page, with its old site name, and no content.
        var site = storage.Blobs.GetBlobContainerClient(storage.Settings["Publishing:SiteContainer"]);
        await site.GetBlobClient(SitePages.ContentPath(slug)).DeleteAsync(cancellationToken: Cancellation);
        await site.GetBlobClient(SitePages.LegacyPagePath(slug)).UploadAsync(BinaryData.FromString($"""
            <!DOCTYPE html>
            <html lang="en"><head><title>Legacy – Morning Post</title></head>
            <body><header><a href="/" rel="home">Morning Post</a></header><main><article><h1>Legacy</h1></article>
            <!-- comments -->
            <section id="comments"></section>
            <!-- /comments -->
            </main></body></html>
            """), overwrite: true, Cancellation);

        var page = await PageAsync(host, slug);

        Assert.DoesNotContain("Morning Post", page, StringComparison.Ordinal);
        Assert.Contains($"<title>Legacy {slug} – Evening Courier</title>", page, StringComparison.Ordinal);
        Assert.Contains("The published text.", page, StringComparison.Ordinal);
        Assert.True(await site.GetBlobClient(SitePages.ContentPath(slug)).ExistsAsync(Cancellation), "the upgraded content is stored for the next reader");
    }

    private static async Task<string> PageAsync(TestLocalHost host, string slug)
    {
        using var response = await host.GetWhenOkAsync($"articles/{slug}");
        return await response.Content.ReadAsStringAsync(Cancellation);
    }
}
