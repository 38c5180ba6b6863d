using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Articles;
using Publishing.Listings;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The readers' JSON API over real HTTP: fields, paging, cursors, errors and caching.</summary>
public sealed class ReaderApiTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string NewTag() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Puts <paramref name="count"/> articles straight into a tag's listing, one hour apart, the newest first in the returned order.</summary>
    private async Task<IReadOnlyList<string>> SeedAsync(string tag, int count, int firstHour = 0, string prefix = "a")
    {
        var index = fixture.Storage.Domain<TagIndex>();
        var slugs = Enumerable.Range(firstHour, count).Select(i => $"{tag}-{prefix}{i}").ToList();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
        {
            var published = Epoch.AddHours(firstHour + i);
            var article = new ListedArticle
            {
                Slug = slugs[i],
                Title = $"Article {prefix}{firstHour + i}",
                Summary = "Summary.",
                Published = published,
                Tags = [new Tag(tag, "Tag " + tag.ToUpperInvariant())],
            };
            return index.PutAsync(article, TagIndex.KeyFor(published, article.Slug), Cancellation);
        }));
        return [.. Enumerable.Reverse(slugs)];
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    private static string? Next(JsonElement page) =>
        page.GetProperty("next") is { ValueKind: JsonValueKind.String } next ? next.GetString() : null;

    private static List<string> Slugs(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("slug").GetString() ?? "")];

    /// <summary>Follows <c>next</c> from the first page to the last, returning every slug in order.</summary>
    private async Task<List<string>> AllPagesAsync(string path, int limit, Func<Task>? betweenPages = null)
    {
        var slugs = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync($"{path}?limit={limit}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var items = Slugs(page);
            Assert.InRange(items.Count, 1, limit);
            slugs.AddRange(items);
            cursor = Next(page);
            if (betweenPages is not null)
            {
                await betweenPages();
            }
        }
        while (cursor is not null);
        return slugs;
    }

    [Fact]
    public async Task Published_article_is_listed_and_described_with_the_spec_fields()
    {
        var tag = NewTag();
        await fixture.Storage.DropAsync($"{tag}.md", $"""
            ---
            title: "Lavrov: talks can resume"
            tags: [Russia, {tag}]
            author: Jane Roe
            source: Reuters
            date: 2025-05-14T09:30:00+02:00
            updated: 2025-05-15
            summary: Moscow says it is ready.
            ---
            Text.
            """);
        using (await Host.GetWhenOkAsync($"api/articles/{tag}"))
        {
        }

        var article = await GetJsonAsync($"api/articles/{tag}");
        Assert.Equal("Lavrov: talks can resume", article.GetProperty("title").GetString());
        Assert.Equal(tag, article.GetProperty("slug").GetString());
        Assert.Equal($"http://localhost:7071/articles/{tag}", article.GetProperty("url").GetString());
        Assert.Equal("Moscow says it is ready.", article.GetProperty("summary").GetString());
        Assert.Equal("Jane Roe", article.GetProperty("author").GetString());
        Assert.Equal("Reuters", article.GetProperty("source").GetString());
        Assert.Equal("2025-05-14T07:30:00Z", article.GetProperty("published").GetString());
        Assert.Equal("2025-05-15T00:00:00Z", article.GetProperty("updated").GetString());
        Assert.Equal(0, article.GetProperty("commentCount").GetInt32());
        var tags = article.GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal(["russia", tag], tags.Select(t => t.GetProperty("slug").GetString()));
        Assert.Equal(["Russia", tag], tags.Select(t => t.GetProperty("name").GetString()));

        var listing = await GetJsonAsync($"api/tags/{tag}/articles");
        Assert.Equal([tag], Slugs(listing));
        Assert.Null(Next(listing));
        Assert.Equal("2025-05-14T07:30:00Z", listing.GetProperty("items")[0].GetProperty("published").GetString());
        Assert.Contains(tag, Slugs(await GetJsonAsync("api/articles?limit=100")));

        var all = await GetJsonAsync("api/tags");
        var entry = all.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("slug").GetString() == tag);
        Assert.Equal(tag, entry.GetProperty("name").GetString());
        Assert.Equal(1, entry.GetProperty("articleCount").GetInt32());
        Assert.Equal($"http://localhost:7071/tags/{tag}", entry.GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Pages_of_a_tag_follow_each_other_newest_first_without_duplicates_or_gaps()
    {
        var tag = NewTag();
        var expected = await SeedAsync(tag, 23);

        Assert.Equal(expected, await AllPagesAsync($"api/tags/{tag}/articles", limit: 5));
        Assert.Equal(expected, await AllPagesAsync($"api/tags/{tag}/articles", limit: 23));
        Assert.Equal(20, Slugs(await GetJsonAsync($"api/tags/{tag}/articles")).Count);
    }

    [Fact]
    public async Task Paging_while_articles_are_published_misses_and_repeats_none_of_those_already_there()
    {
        var tag = NewTag();
        var before = await SeedAsync(tag, 30, firstHour: 0);
        var round = 0;

        // Between pages, publish one article newer than everything and one older than everything.
        var seen = await AllPagesAsync($"api/tags/{tag}/articles", limit: 4, async () =>
        {
            round++;
            await Task.WhenAll(SeedAsync(tag, 1, firstHour: 1000 + round, prefix: "new"), SeedAsync(tag, 1, firstHour: -1000 - round, prefix: "old"));
        });

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(before, seen.Where(before.Contains));
        Assert.DoesNotContain(seen, s => s.Contains("-new", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Contains("-old", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Latest_articles_page_through_the_whole_site()
    {
        var tag = NewTag();
        var mine = await SeedAsync(tag, 7, firstHour: 5000);

        var seen = await AllPagesAsync("api/articles", limit: 3);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(mine, seen.Where(mine.Contains));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public async Task Bad_limit_is_a_400_problem_naming_limit(string limit)
    {
        var tag = NewTag();
        await SeedAsync(tag, 1);

        foreach (var path in new[] { $"api/tags/{tag}/articles", "api/articles" })
        {
            using var response = await Host.Http.GetAsync(new Uri($"{path}?limit={Uri.EscapeDataString(limit)}", UriKind.Relative), Cancellation);
            await AssertBadParameterAsync(response, "limit");
        }
    }

    [Fact]
    public async Task Tampered_foreign_garbled_or_empty_cursors_are_400_problems_naming_cursor()
    {
        var tag = NewTag();
        var other = NewTag();
        await SeedAsync(tag, 5);
        await SeedAsync(other, 5);
        var cursor = Next(await GetJsonAsync($"api/tags/{tag}/articles?limit=2"));
        var foreign = Next(await GetJsonAsync($"api/tags/{other}/articles?limit=2"));
        var site = Next(await GetJsonAsync("api/articles?limit=1"));
        Assert.NotNull(cursor);
        Assert.NotNull(foreign);
        Assert.NotNull(site);
        var flipped = cursor.ToCharArray();
        flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
        var forged = Convert.ToBase64String("0000000000000000000-x"u8.ToArray().Concat(new byte[32]).ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        string[] bad = [new string(flipped), foreign, site, "garbage!!", "", "AAAA", cursor + "A", cursor[..^2], forged, new string('A', 5000), "' or 1 eq 1"];
        foreach (var value in bad)
        {
            using var response = await Host.Http.GetAsync(new Uri($"api/tags/{tag}/articles?cursor={Uri.EscapeDataString(value)}", UriKind.Relative), Cancellation);
            await AssertBadParameterAsync(response, "cursor");
        }

        // The genuine cursor still works, and a tag's cursor is refused by the site-wide listing.
        Assert.Equal(2, Slugs(await GetJsonAsync($"api/tags/{tag}/articles?limit=2&cursor={Uri.EscapeDataString(cursor)}")).Count);
        using var crossed = await Host.Http.GetAsync(new Uri($"api/articles?cursor={Uri.EscapeDataString(cursor)}", UriKind.Relative), Cancellation);
        await AssertBadParameterAsync(crossed, "cursor");
    }

    [Theory]
    [InlineData("api/tags/no-such-tag-anywhere/articles")]
    [InlineData("api/tags/x'%20or%20PartitionKey%20ne%20'/articles")]
    [InlineData("api/tags/..%2F..%2Fsecret/articles")]
    [InlineData("api/tags/_all/articles")]
    [InlineData("api/tags/%7Ecount/articles")]
    [InlineData("api/articles/no-such-article-anywhere")]
    [InlineData("api/articles/x'%20or%20'1'%20eq%20'1")]
    [InlineData("api/articles/UPPER")]
    public async Task Unknown_or_hostile_tags_and_slugs_are_404_problems(string path)
    {
        using var response = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Very_long_tag_is_a_404_problem()
    {
        using var response = await Host.Http.GetAsync(new Uri($"api/tags/{new string('a', 3000)}/articles", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("api/articles")]
    [InlineData("api/tags")]
    [InlineData("api/tags/news/articles")]
    public async Task Wrong_method_finds_no_function_and_is_a_404_as_from_the_functions_host(string path)
    {
        using var response = await Host.Http.DeleteAsync(new Uri(path, UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Listings_have_strong_etags_short_caching_and_answer_if_none_match_with_304()
    {
        var tag = NewTag();
        await SeedAsync(tag, 3);

        foreach (var path in new[] { $"api/tags/{tag}/articles?limit=2", "api/articles?limit=2", "api/tags" })
        {
            using var first = await Host.Http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var etag = first.Headers.ETag;
            Assert.NotNull(etag);
            Assert.False(etag.IsWeak);
            Assert.Equal(TimeSpan.FromSeconds(30), first.Headers.CacheControl?.MaxAge);
            Assert.True(first.Headers.CacheControl?.Public);

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.IfNoneMatch.Add(etag);
            using var second = await Host.Http.SendAsync(request, Cancellation);
            Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
            Assert.Equal(etag, second.Headers.ETag);
            Assert.Equal(first.Headers.CacheControl, second.Headers.CacheControl);
            Assert.Empty(await second.Content.ReadAsByteArrayAsync(Cancellation));
        }
    }

    [Fact]
    public async Task Listing_etag_changes_when_an_article_is_added_and_only_then()
    {
        var tag = NewTag();
        await SeedAsync(tag, 2);
        var path = new Uri($"api/tags/{tag}/articles", UriKind.Relative);
        using var first = await Host.Http.GetAsync(path, Cancellation);
        using var same = await Host.Http.GetAsync(path, Cancellation);
        Assert.Equal(first.Headers.ETag, same.Headers.ETag);

        await SeedAsync(tag, 1, firstHour: 50, prefix: "later");

        using var changed = await Host.Http.GetAsync(path, Cancellation);
        Assert.NotEqual(first.Headers.ETag, changed.Headers.ETag);
    }

    private static async Task AssertBadParameterAsync(HttpResponseMessage response, string parameter)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Contains($"'{parameter}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
