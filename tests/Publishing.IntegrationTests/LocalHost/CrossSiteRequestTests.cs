using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Another site cannot make its visitors' browsers post comments here or work the editors' routes: what a browser
/// says about where a request came from (<c>Sec-Fetch-Site</c>, else <c>Origin</c>) decides, through the real worker.
/// </summary>
public sealed class CrossSiteRequestTests(CommentHostFixture fixture) : IClassFixture<CommentHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string OwnOrigin => Host.BaseAddress.GetLeftPart(UriPartial.Authority);

    private static FormUrlEncodedContent Form(string body) =>
        new([KeyValuePair.Create("author", "Jane"), KeyValuePair.Create("body", body)]);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, params (string Name, string Value)[] headers)
    {
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await noRedirects.SendAsync(request, Cancellation);
    }

    private static async Task<string> RefusedAsync(HttpResponseMessage response)
    {
        var (problem, _) = await CommentHttp.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("Cross-site request refused", problem.GetProperty("title").GetString());
        return problem.GetProperty("detail").GetString() ?? "";
    }

    private async Task<string[]> CommentIdsAsync(string slug)
    {
        var list = await Host.Http.GetFromJsonAsync<JsonElement>(new Uri($"api/articles/{slug}/comments", UriKind.Relative), Cancellation);
        return [.. list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString() ?? "")];
    }

    [Theory]
    [InlineData("cross-site", "https://evil.example")]
    [InlineData("same-site", "http://blog.localhost:7071")]
    public async Task Form_post_a_browser_sends_for_another_site_is_refused_with_403_and_nothing_is_stored(string fetchSite, string origin)
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);

        using var response = await SendAsync(HttpMethod.Post, $"api/articles/{slug}/comments", Form("Forged."), ("Sec-Fetch-Site", fetchSite), ("Origin", origin));

        Assert.Contains($"Sec-Fetch-Site: {fetchSite}", await RefusedAsync(response), StringComparison.Ordinal);
        Assert.Empty(await CommentIdsAsync(slug));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://localhost:7072")]
    [InlineData("null")]
    public async Task Form_post_from_an_older_browser_is_refused_when_its_origin_is_not_this_site(string origin)
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);

        using var response = await SendAsync(HttpMethod.Post, $"api/articles/{slug}/comments", Form("Forged."), ("Origin", origin));

        Assert.Contains($"'{origin}'", await RefusedAsync(response), StringComparison.Ordinal);
        Assert.Empty(await CommentIdsAsync(slug));
    }

    [Fact]
    public async Task Form_post_from_the_sites_own_page_is_accepted_by_fetch_metadata_by_its_own_origin_or_by_the_public_base_url()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);

        using var byFetchMetadata = await SendAsync(HttpMethod.Post, $"api/articles/{slug}/comments", Form("One."), ("Sec-Fetch-Site", "same-origin"), ("Origin", OwnOrigin));
        using var byOwnOrigin = await SendAsync(HttpMethod.Post, $"api/articles/{slug}/comments", Form("Two."), ("Origin", OwnOrigin));
        using var byPublicBaseUrl = await SendAsync(HttpMethod.Post, $"api/articles/{slug}/comments", Form("Three."), ("Origin", "http://localhost:7071"));

        Assert.Equal(HttpStatusCode.SeeOther, byFetchMetadata.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, byOwnOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, byPublicBaseUrl.StatusCode);
        Assert.Equal(3, (await CommentIdsAsync(slug)).Length);
    }

    [Fact]
    public async Task Form_post_that_says_nothing_of_where_it_came_from_is_refused_but_json_from_a_client_is_accepted()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);

        using var form = await SendAsync(HttpMethod.Post, $"api/articles/{slug}/comments", Form("Forged."));
        using var json = await SendAsync(HttpMethod.Post, $"api/articles/{slug}/comments", CommentTests.Json("Jane", "From a script."));

        Assert.Contains("Origin", await RefusedAsync(form), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        Assert.Single(await CommentIdsAsync(slug));
    }

    [Fact]
    public async Task Editor_actions_a_browser_sends_for_another_site_are_refused_and_the_comment_stays_as_it_was()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);
        using var posted = await CommentHttp.PostAsync(Host, slug, "Jane", "Kept.", Guid.NewGuid().ToString("N"));
        var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";
        (string, string) crossSite = ("Sec-Fetch-Site", "cross-site");

        using var approve = await SendAsync(HttpMethod.Post, $"api/articles/{slug}/comments/{id}/approve", content: null, crossSite);
        using var delete = await SendAsync(HttpMethod.Delete, $"api/articles/{slug}/comments/{id}", content: null, crossSite);
        using var pending = await SendAsync(HttpMethod.Get, $"api/articles/{slug}/comments/pending", content: null, crossSite);
        using var submission = await SendAsync(HttpMethod.Get, $"api/submissions/{slug}.md", content: null, crossSite);

        await RefusedAsync(approve);
        await RefusedAsync(delete);
        await RefusedAsync(pending);
        await RefusedAsync(submission);
        Assert.Equal([id], await CommentIdsAsync(slug));
    }

    [Fact]
    public async Task Editor_actions_from_a_client_that_is_not_a_browser_work_as_before()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);
        using var posted = await CommentHttp.PostAsync(Host, slug, "Jane", "Removed.", Guid.NewGuid().ToString("N"));
        var id = (await CommentHttp.CreatedAsync(posted)).GetProperty("id").GetString() ?? "";

        using var pending = await SendAsync(HttpMethod.Get, $"api/articles/{slug}/comments/pending", content: null);
        using var delete = await SendAsync(HttpMethod.Delete, $"api/articles/{slug}/comments/{id}", content: null);
        // The outcome is recorded a moment after the page is live.
        using var typed = await Eventually.GetAsync(
            async () => await SendAsync(HttpMethod.Get, $"api/submissions/{slug}.md", content: null, ("Sec-Fetch-Site", "none")) is { StatusCode: not HttpStatusCode.NotFound } found ? found : null,
            "the submission's outcome");

        Assert.Equal(HttpStatusCode.OK, pending.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, typed.StatusCode);
        Assert.Empty(await CommentIdsAsync(slug));
    }

    [Fact]
    public async Task Readers_arriving_from_other_sites_still_read_pages_listings_and_comments()
    {
        var slug = await CommentHttp.PublishAsync(fixture.Storage, Host);
        (string, string)[] fromElsewhere = [("Sec-Fetch-Site", "cross-site"), ("Referer", "https://news.example/")];

        using var page = await SendAsync(HttpMethod.Get, $"articles/{slug}", content: null, fromElsewhere);
        using var article = await SendAsync(HttpMethod.Get, $"api/articles/{slug}", content: null, fromElsewhere);
        using var comments = await SendAsync(HttpMethod.Get, $"api/articles/{slug}/comments", content: null, fromElsewhere);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, article.StatusCode);
        Assert.Equal(HttpStatusCode.OK, comments.StatusCode);
    }
}
