using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The slice's two routes over real HTTP: caching of pages, hostile paths, and what editors read about their files.</summary>
public sealed class ArticleRoutesTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Article_page_has_a_strong_etag_and_answers_a_matching_if_none_match_with_304()
    {
        await fixture.Storage.DropAsync("cached.md", "# Cached\n\nText.\n");
        using var first = await Host.GetWhenOkAsync("articles/cached");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.True(first.Headers.CacheControl?.NoCache, "article pages carry live comments: browsers must revalidate");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("articles/cached", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await Host.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Page_left_behind_by_a_publish_that_failed_before_its_record_is_not_shown()
    {
        // What a publish leaves when storage fails after the page write: the page blob, and no published record.
        var site = fixture.Storage.Blobs.GetBlobContainerClient(fixture.Storage.Settings["Publishing:SiteContainer"]);
        await site.CreateIfNotExistsAsync(cancellationToken: Cancellation);
        await site.GetBlobClient("articles/half-published.html").UploadAsync(
            BinaryData.FromString("<!DOCTYPE html><title>Half</title><h1>Half published</h1>"), overwrite: true, Cancellation);

        using var response = await Host.Http.GetAsync(new Uri("articles/half-published", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Republished_article_gets_a_new_etag_and_an_old_one_no_longer_matches()
    {
        await fixture.Storage.DropAsync("changing.md", "# Changing\n\nFirst.\n");
        using var first = await Host.GetWhenOkAsync("articles/changing");
        var before = first.Headers.ETag;
        Assert.NotNull(before);

        await fixture.Storage.DropAsync("changing.md", "# Changing\n\nSecond.\n");
        await Eventually.TrueAsync(
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("articles/changing", UriKind.Relative));
                request.Headers.IfNoneMatch.Add(before);
                using var response = await Host.Http.SendAsync(request, Cancellation);
                return response.StatusCode == HttpStatusCode.OK
                    && (await response.Content.ReadAsStringAsync(Cancellation)).Contains("Second.", StringComparison.Ordinal);
            },
            "the updated page to replace the cached one");
    }

    [Theory]
    [InlineData("articles/..%2F..%2Fsecret")]
    [InlineData("articles/x'%20or%20PartitionKey%20ne%20'")]
    [InlineData("articles/UPPER-Case")]
    [InlineData("articles/%3Cscript%3E")]
    public async Task Path_tricks_and_odd_slugs_are_just_unknown_articles(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("articles/%2E%2E/%2E%2E/secret")]
    [InlineData("articles/%2e%2e/%2e%2e/secret")]
    [InlineData("articles/../../secret")]
    public async Task Encoded_dot_segments_are_resolved_before_routing_so_they_reach_no_function(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        // "/secret": no route, so the host's own 404, with no body, as in Azure.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Very_long_slug_is_an_unknown_article()
    {
        using var response = await Host.Http.GetAsync(new Uri("articles/" + new string('a', 4000), UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Submission_of_a_file_never_seen_is_404_problem_json()
    {
        using var response = await Host.Http.GetAsync(new Uri("api/submissions/never/dropped.md", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("never/dropped.md", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejected_file_status_gives_the_reason_the_code_and_the_line()
    {
        await fixture.Storage.DropAsync("desk/bad-date.md", "---\ntitle: Bad date\ndate: someday\n---\nText.\n");

        var json = await Eventually.GetAsync(
            async () =>
            {
                using var response = await Host.Http.GetAsync(new Uri("api/submissions/desk/bad-date.md", UriKind.Relative), Cancellation);
                return response.StatusCode == HttpStatusCode.OK ? (object)await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation) : null;
            },
            "the rejection to be recorded");

        var status = (JsonElement)json;
        Assert.Equal("rejected", status.GetProperty("status").GetString());
        Assert.Equal("invalidField", status.GetProperty("code").GetString());
        Assert.Equal(3, status.GetProperty("line").GetInt32());
        Assert.StartsWith("line 3: 'date' is not an ISO 8601 date", status.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(status.TryGetProperty("slug", out _));
        using var page = await Host.Http.GetAsync(new Uri("articles/bad-date", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public async Task Submission_status_is_never_cached()
    {
        await fixture.Storage.DropAsync("fresh.md", "# Fresh\n\nText.\n");

        using var status = await Host.GetWhenOkAsync("api/submissions/fresh.md");

        Assert.True(status.Headers.CacheControl?.NoStore);
        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }, status.Content.Headers.ContentType);
    }
}
