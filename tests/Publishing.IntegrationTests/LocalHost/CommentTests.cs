using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>Posting, listing and showing comments over real HTTP, against Azurite.</summary>
public sealed class CommentTests(CommentHostFixture fixture) : IClassFixture<CommentHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Publishes an article of this test's own and waits for its page.</summary>
    private async Task<string> PublishAsync()
    {
        var slug = "c" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Storage.DropAsync($"{slug}.md", $"---\ntitle: Article {slug}\n---\nText.\n");
        using (await Host.GetWhenOkAsync($"api/articles/{slug}"))
        using (await Host.GetWhenOkAsync($"articles/{slug}"))
        {
        }

        return slug;
    }

    internal static HttpContent Json(string author, string body) =>
        JsonContent.Create(new Dictionary<string, string> { ["author"] = author, ["body"] = body });

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private Task<HttpResponseMessage> PostAsync(string slug, HttpContent content, string? idempotencyKey = null) =>
        PostAsync(Host.Http, slug, content, idempotencyKey);

    /// <summary>Posts as the article page's own form or script would: from this site's origin, as a browser says with <c>Origin</c>.</summary>
    internal static async Task<HttpResponseMessage> PostAsync(HttpClient http, string slug, HttpContent content, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"api/articles/{slug}/comments", UriKind.Relative)) { Content = content };
        request.Headers.Add("Origin", http.BaseAddress?.GetLeftPart(UriPartial.Authority));
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request, Cancellation);
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    private async Task<(string Html, EntityTagHeaderValue? ETag)> GetPageAsync(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(Cancellation), response.Headers.ETag);
    }

    /// <summary>Every comment id of the article, following <c>next</c> from the first page to the last.</summary>
    private async Task<List<string>> AllCommentIdsAsync(string slug, int limit) =>
        [.. (await CommentHttp.AllCommentsAsync(Host, slug, limit)).Select(c => c.GetProperty("id").GetString() ?? "")];

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    [Fact]
    public async Task Json_post_is_stored_listed_and_shown_on_the_page_with_the_new_count_and_a_changed_ETag()
    {
        var slug = await PublishAsync();
        var (before, etagBefore) = await GetPageAsync($"articles/{slug}");
        Assert.Contains("Comments (0)", before, StringComparison.Ordinal);
        Assert.Contains("Leave the first comment", before, StringComparison.Ordinal);

        using var posted = await PostAsync(slug, Json("Jane Roe", "First line\nsecond line\n\nNew paragraph."));

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var comment = await posted.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        var id = comment.GetProperty("id").GetString() ?? "";
        Assert.Equal("Jane Roe", comment.GetProperty("author").GetString());
        Assert.Equal("First line\nsecond line\n\nNew paragraph.", comment.GetProperty("body").GetString());
        Assert.EndsWith("Z", comment.GetProperty("posted").GetString(), StringComparison.Ordinal);
        Assert.Equal(new Uri($"http://localhost:7071/articles/{slug}#comment-{id}"), posted.Headers.Location);

        var listed = await GetJsonAsync($"api/articles/{slug}/comments");
        Assert.Equal([id], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("next").ValueKind);
        Assert.Equal(1, (await GetJsonAsync($"api/articles/{slug}")).GetProperty("commentCount").GetInt32());

        // The page was in this instance's memory; storing the comment dropped it.
        var (after, etagAfter) = await GetPageAsync($"articles/{slug}");
        Assert.NotEqual(etagBefore, etagAfter);
        var page = new HtmlParser().ParseDocument(after);
        Assert.Equal("Comments (1)", page.QuerySelector("#comments-title")?.TextContent);
        Assert.DoesNotContain("Leave the first comment", after, StringComparison.Ordinal);
        var shown = page.GetElementById($"comment-{id}") ?? throw new Xunit.Sdk.XunitException("comment not on the page");
        Assert.Equal("Jane Roe", shown.QuerySelector(".comment-author")?.TextContent);
        Assert.NotNull(shown.QuerySelector("time[datetime$='Z']"));
        Assert.Equal(2, shown.QuerySelectorAll("p").Length);
        Assert.Single(shown.QuerySelectorAll("br"));
    }

    [Fact]
    public async Task Form_post_redirects_with_303_to_the_page_that_shows_the_comment()
    {
        var slug = await PublishAsync();
        await GetPageAsync($"articles/{slug}"); // now in the instance's memory

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };
        using var posted = await PostAsync(noRedirects, slug, Form(("author", "Form Writer"), ("body", "Posted without JavaScript."), ("website", "")));

        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        var location = posted.Headers.Location?.OriginalString ?? "";
        Assert.StartsWith($"/articles/{slug}#comment-", location, StringComparison.Ordinal);
        var id = location[(location.IndexOf('#', StringComparison.Ordinal) + "#comment-".Length)..];
        var (html, _) = await GetPageAsync(location.Split('#')[0]);
        var page = new HtmlParser().ParseDocument(html);
        Assert.Equal("Comments (1)", page.QuerySelector("#comments-title")?.TextContent);
        Assert.Contains("Posted without JavaScript.", page.GetElementById($"comment-{id}")?.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_has_a_form_that_works_without_JavaScript_and_hides_the_honeypot()
    {
        var slug = await PublishAsync();
        var (html, _) = await GetPageAsync($"articles/{slug}");
        var page = new HtmlParser().ParseDocument(html);

        var form = page.QuerySelector("section#comments form") ?? throw new Xunit.Sdk.XunitException("no form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal($"/api/articles/{slug}/comments", form.GetAttribute("action"));
        Assert.Empty(page.QuerySelectorAll("script[src]"));
        foreach (var (name, max) in new[] { ("author", "80"), ("body", "5000") })
        {
            var field = form.QuerySelector($"[name={name}]") ?? throw new Xunit.Sdk.XunitException($"no {name} field");
            Assert.True(field.HasAttribute("required"));
            Assert.Equal(max, field.GetAttribute("maxlength"));
            Assert.NotNull(form.QuerySelector($"label[for={field.Id}]"));
        }

        var honeypot = form.QuerySelector("[name=website]")?.ParentElement ?? throw new Xunit.Sdk.XunitException("no honeypot");
        Assert.True(honeypot.HasAttribute("hidden"));
        Assert.Equal("true", honeypot.GetAttribute("aria-hidden"));
    }

    public static TheoryData<string, string, string> InvalidPosts() => new()
    {
        { """{"body":"Text"}""", "author", "no author" },
        { """{"author":"   ","body":"Text"}""", "author", "blank author" },
        { $$"""{"author":"{{new string('a', 81)}}","body":"Text"}""", "author", "author of 81 characters" },
        { """{"author":"Two\nlines","body":"Text"}""", "author", "author on two lines" },
        { """{"author":"Jane"}""", "body", "no body" },
        { """{"author":"Jane","body":" \n "}""", "body", "blank body" },
        { $$"""{"author":"Jane","body":"{{new string('b', 5001)}}"}""", "body", "body of 5,001 characters" },
        { """{"author":"Jane","body":"bell \u0007"}""", "body", "body with a control character" },
    };

    [Theory]
    [MemberData(nameof(InvalidPosts))]
    public async Task Invalid_post_is_refused_with_400_naming_the_field(string json, string field, string what)
    {
        var slug = await PublishAsync();

        using var response = await PostAsync(slug, new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(field == problem.GetProperty("field").GetString(), what);
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await GetJsonAsync($"api/articles/{slug}")).GetProperty("commentCount").GetInt32());
    }

    [Fact]
    public async Task Malformed_json_and_an_overlong_idempotency_key_are_refused_with_400()
    {
        var slug = await PublishAsync();

        using var malformed = await PostAsync(slug, new StringContent("{\"author\":", Encoding.UTF8, "application/json"));
        using var longKey = await PostAsync(slug, Json("Jane", "Text"), new string('k', 101));

        await ProblemAsync(malformed, HttpStatusCode.BadRequest);
        Assert.Equal("Idempotency-Key", (await ProblemAsync(longKey, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
        Assert.Empty(await AllCommentIdsAsync(slug, 100));
    }

    [Fact]
    public async Task Honeypot_post_is_answered_like_a_stored_one_but_never_stored_or_shown()
    {
        var slug = await PublishAsync();
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };

        using var form = await PostAsync(noRedirects, slug, Form(("author", "Bot"), ("body", "Cheap pills"), ("website", "http://spam.example")));
        using var json = await PostAsync(slug, JsonContent.Create(new Dictionary<string, string> { ["author"] = "Bot", ["body"] = "Cheap pills", ["website"] = "x" }));

        Assert.Equal(HttpStatusCode.SeeOther, form.StatusCode);
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        Assert.Empty(await AllCommentIdsAsync(slug, 100));
        Assert.Equal(0, (await GetJsonAsync($"api/articles/{slug}")).GetProperty("commentCount").GetInt32());
        var (html, _) = await GetPageAsync($"articles/{slug}");
        Assert.DoesNotContain("Cheap pills", html, StringComparison.Ordinal);
        Assert.Contains("Comments (0)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_of_another_content_type_is_refused_with_415()
    {
        var slug = await PublishAsync();

        using var text = await PostAsync(slug, new StringContent("author=Jane&body=Text", Encoding.UTF8, "text/plain"));
        using var multipart = await PostAsync(slug, new MultipartFormDataContent { { new StringContent("Jane"), "author" }, { new StringContent("Text"), "body" } });

        await ProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        await ProblemAsync(multipart, HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(await AllCommentIdsAsync(slug, 100));
    }

    [Fact]
    public async Task Post_over_the_size_cap_is_refused_with_413_whether_or_not_it_says_its_length()
    {
        var slug = await PublishAsync();

        using var declared = await PostAsync(slug, Json("Jane", new string('x', 20_000)));
        using var chunked = await PostAsync(slug, new ChunkedJson(8 * 1024 * 1024));

        await ProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        await ProblemAsync(chunked, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await AllCommentIdsAsync(slug, 100));
    }

    [Fact]
    public async Task Post_to_an_unknown_article_is_refused_with_404()
    {
        using var unknown = await PostAsync("no-such-article-" + Guid.NewGuid().ToString("N")[..8], Json("Jane", "Text"));
        using var notASlug = await PostAsync("Not%20A%20Slug", Json("Jane", "Text"));
        using var list = await Host.Http.GetAsync(new Uri("api/articles/no-such-article/comments", UriKind.Relative), Cancellation);

        await ProblemAsync(unknown, HttpStatusCode.NotFound);
        await ProblemAsync(notASlug, HttpStatusCode.NotFound);
        await ProblemAsync(list, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_retried_with_the_same_Idempotency_Key_is_stored_once()
    {
        var slug = await PublishAsync();
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var response = await PostAsync(slug, Json("Jane", "Said once."), key);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetString();
        }));
        using var other = await PostAsync(slug, Json("Jane", "Said once."), Guid.NewGuid().ToString());

        Assert.Single(answers.Distinct());
        Assert.Equal(2, (await AllCommentIdsAsync(slug, 100)).Count);
        Assert.Equal(2, (await GetJsonAsync($"api/articles/{slug}")).GetProperty("commentCount").GetInt32());
    }

    [Fact]
    public async Task Hostile_comment_renders_inert_and_links_get_nofollow_ugc_noopener()
    {
        var slug = await PublishAsync();
        const string Body = "<script>alert(1)</script> <img src=x onerror=alert(2)>\n"
            + "javascript:alert(3) and [x](javascript:alert(4))\nsee https://example.com/a?b=1&c=<2> and http://example.org/x.";

        using var posted = await PostAsync(slug, Json("\"><svg onload=alert(5)>", Body));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetString();

        var (html, _) = await GetPageAsync($"articles/{slug}");
        var page = new HtmlParser().ParseDocument(html);
        var comment = page.GetElementById($"comment-{id}") ?? throw new Xunit.Sdk.XunitException("comment not on the page");
        Assert.Empty(page.QuerySelectorAll("section#comments :is(script, svg, img, [onload], [onerror])"));
        Assert.Empty(page.QuerySelectorAll("script:not([type='application/ld+json']), svg, img[onerror], [onload], [onerror]"));
        Assert.Equal("\"><svg onload=alert(5)>", comment.QuerySelector(".comment-author")?.TextContent);
        Assert.Contains("<script>alert(1)</script> <img src=x onerror=alert(2)>", comment.TextContent, StringComparison.Ordinal);
        var links = comment.QuerySelectorAll("a").ToList();
        Assert.Equal(["https://example.com/a?b=1&c=", "http://example.org/x"], links.Select(a => a.GetAttribute("href")));
        Assert.All(links, a => Assert.Equal("nofollow ugc noopener", a.GetAttribute("rel")));
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Two_hundred_comments_posted_twenty_at_a_time_are_all_stored_once_listed_and_counted()
    {
        var slug = await PublishAsync();
        var bodies = Enumerable.Range(0, 200).Select(i => $"Comment number {i}").ToList();

        var ids = new List<string>();
        foreach (var batch in bodies.Chunk(20))
        {
            ids.AddRange(await Task.WhenAll(batch.Select(async body =>
            {
                using var response = await PostAsync(slug, Json("Crowd", body));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetString() ?? "";
            })));
        }

        var listed = await AllCommentIdsAsync(slug, 37);
        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed);
        Assert.Equal(200, (await GetJsonAsync($"api/articles/{slug}")).GetProperty("commentCount").GetInt32());

        // The page shows the count and the first page only, with a link onward that leads to the next comments.
        var (html, _) = await GetPageAsync($"articles/{slug}");
        var page = new HtmlParser().ParseDocument(html);
        Assert.Equal("Comments (200)", page.QuerySelector("#comments-title")?.TextContent);
        Assert.Equal(listed.Take(20).Select(i => "comment-" + i), page.QuerySelectorAll("article.comment").Select(a => a.Id));
        var more = page.QuerySelector("a[rel=next]")?.GetAttribute("href") ?? throw new Xunit.Sdk.XunitException("no link onward");
        var (second, _) = await GetPageAsync(more.Split('#')[0].TrimStart('/'));
        Assert.Equal(listed.Skip(20).Take(20).Select(i => "comment-" + i), new HtmlParser().ParseDocument(second).QuerySelectorAll("article.comment").Select(a => a.Id));
    }

    [Fact]
    public async Task Comment_page_cursor_that_was_not_issued_is_refused_with_400()
    {
        var slug = await PublishAsync();

        using var page = await Host.Http.GetAsync(new Uri($"articles/{slug}?comments=bogus", UriKind.Relative), Cancellation);
        using var list = await Host.Http.GetAsync(new Uri($"api/articles/{slug}/comments?cursor=bogus", UriKind.Relative), Cancellation);
        using var limit = await Host.Http.GetAsync(new Uri($"api/articles/{slug}/comments?limit=0", UriKind.Relative), Cancellation);

        Assert.Equal("comments", (await ProblemAsync(page, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
        Assert.Equal("cursor", (await ProblemAsync(list, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
        Assert.Equal("limit", (await ProblemAsync(limit, HttpStatusCode.BadRequest)).GetProperty("parameter").GetString());
    }
}
