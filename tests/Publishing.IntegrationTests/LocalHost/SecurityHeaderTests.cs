using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// The security headers every answer of the app carries, over real HTTP through the worker: the page policy as a
/// header, <c>nosniff</c>, the referrer policy; and a file whose images would break under that policy is rejected.
/// </summary>
public sealed class SecurityHeaderTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<string> PublishAsync(string tag)
    {
        var slug = "h" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Storage.DropAsync($"{slug}.md", $"---\ntitle: Headers {slug}\ntags: [{tag}]\n---\nText.\n");
        using (await Host.GetWhenOkAsync($"articles/{slug}"))
        {
        }

        return slug;
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        var policy = response.Headers.TryGetValues("Content-Security-Policy", out var values) ? string.Join(", ", values) : null;
        Assert.True(policy is not null, $"{what} has no Content-Security-Policy header");
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("img-src https:;", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'sha256-", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Equal(["nosniff"], response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) ? sniff : []);
        Assert.Equal(["strict-origin-when-cross-origin"], response.Headers.TryGetValues("Referrer-Policy", out var referrer) ? referrer : []);
    }

    [Fact]
    public async Task Article_and_tag_pages_are_served_with_the_page_policy_nosniff_and_the_referrer_policy()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        var slug = await PublishAsync(tag);

        using var article = await Host.Http.GetAsync(new Uri($"articles/{slug}", UriKind.Relative), Cancellation);
        using var tagPage = await Host.Http.GetAsync(new Uri($"tags/{tag}", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.OK, article.StatusCode);
        Assert.Equal("text/html", article.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(article, "the article page");
        Assert.DoesNotContain("http-equiv", await article.Content.ReadAsStringAsync(Cancellation), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, tagPage.StatusCode);
        AssertSecurityHeaders(tagPage, "the tag page");
    }

    [Fact]
    public async Task Json_feeds_problems_redirects_and_304s_carry_the_same_headers()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        var slug = await PublishAsync(tag);
        using var page = await Host.Http.GetAsync(new Uri($"articles/{slug}", UriKind.Relative), Cancellation);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri($"articles/{slug}", UriKind.Relative));
        revalidate.Headers.IfNoneMatch.Add(page.Headers.ETag ?? throw new InvalidOperationException("no ETag"));
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };
        using var form = new HttpRequestMessage(HttpMethod.Post, new Uri($"api/articles/{slug}/comments", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("author", "Jane"), KeyValuePair.Create("body", "Hello.")]),
        };
        form.Headers.Add("Origin", Host.BaseAddress.GetLeftPart(UriPartial.Authority));

        using var notModified = await Host.Http.SendAsync(revalidate, Cancellation);
        using var json = await Host.Http.GetAsync(new Uri("api/articles", UriKind.Relative), Cancellation);
        using var feed = await Host.Http.GetAsync(new Uri($"tags/{tag}/feed", UriKind.Relative), Cancellation);
        using var problem = await Host.Http.GetAsync(new Uri("articles/no-such-article", UriKind.Relative), Cancellation);
        using var redirect = await noRedirects.SendAsync(form, Cancellation);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        AssertSecurityHeaders(notModified, "a 304 revalidating a page");
        Assert.Equal(page.Headers.GetValues("Content-Security-Policy"), notModified.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        AssertSecurityHeaders(json, "a JSON listing");
        Assert.Equal("application/atom+xml", feed.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(feed, "an Atom feed");
        Assert.Equal(HttpStatusCode.NotFound, problem.StatusCode);
        AssertSecurityHeaders(problem, "a problem+json 404");
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        AssertSecurityHeaders(redirect, "the form post's 303");
    }

    [Fact]
    public async Task File_with_an_http_image_is_rejected_with_the_line_and_nothing_is_published()
    {
        var slug = "h" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Storage.DropAsync($"{slug}.md", $"---\ntitle: Lake\n---\n\nIntro.\n\n![The lake](http://images.example/lake.jpg)\n");

        using var status = await Host.GetWhenOkAsync($"api/submissions/{slug}.md");
        var outcome = await status.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        using var page = await Host.Http.GetAsync(new Uri($"articles/{slug}", UriKind.Relative), Cancellation);

        Assert.Equal("rejected", outcome.GetProperty("status").GetString());
        Assert.Equal("insecureImage", outcome.GetProperty("code").GetString());
        Assert.Equal(7, outcome.GetProperty("line").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }
}
