using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Publishing.Local.Commands;

namespace Publishing.IntegrationTests.LocalHost;

public sealed class LocalHostEndToEndTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private LocalHostStorage Storage => fixture.Storage;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Markdown_dropped_into_azurite_is_published_and_served_over_http()
    {
        var etag = await Storage.DropAsync("2025/05/lavrov-talks.md", """
            ---
            title: Lavrov talks in Geneva end without agreement
            tags: [diplomacy, geneva]
            ---

            The talks ended on Friday.
            """);

        using var page = await Host.GetWhenOkAsync("articles/lavrov-talks");
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("Lavrov talks in Geneva end without agreement", await page.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);

        // The outcome is recorded last, a moment after the page is live.
        using var status = await Host.GetWhenOkAsync("api/submissions/2025/05/lavrov-talks.md");
        var json = await status.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("published", json.GetProperty("status").GetString());
        Assert.Equal("lavrov-talks", json.GetProperty("slug").GetString());
        Assert.Equal(etag.ToString().Trim('"'), json.GetProperty("sourceETag").GetString()?.Trim('"'));
    }

    [Fact]
    public async Task File_whose_name_has_spaces_accents_and_a_hash_travels_through_relay_webhook_and_queue_intact()
    {
        const string name = "2025/05/Crème brûlée #1 & co.md";
        await Storage.DropAsync(name, "# Crème brûlée, the recipe\n\nSugar.\n");

        using var page = await Host.GetWhenOkAsync("articles/creme-brulee-1-co");
        Assert.Contains("Crème brûlée, the recipe", await page.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        using var status = await Host.GetWhenOkAsync("api/submissions/" + ArticleDrops.UrlPath(name));
        Assert.Equal("published", (await status.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unknown_slug_answers_404_problem_json()
    {
        using var response = await Host.Http.GetAsync(new Uri("articles/no-such-article", UriKind.Relative), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_route_answers_404_with_no_body_as_the_functions_host_does()
    {
        using var response = await Host.Http.GetAsync(new Uri("no/such/route", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Wrong_method_on_a_function_route_finds_no_route_and_answers_404_as_the_functions_host_does()
    {
        using var response = await Host.Http.DeleteAsync(new Uri("articles/anything", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Empty(response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Drop_command_with_wait_prints_the_published_url()
    {
        var (exit, output) = await DropCommandRun.RunAsync(Host, Storage, "cli/dropped-from-cli.md", "# Dropped from the command line\n\nBody.\n");

        Assert.True(exit == 0, output);
        Assert.Contains("Published: http://localhost:7071/articles/dropped-from-cli", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_command_with_wait_exits_non_zero_with_the_reason_when_the_file_is_rejected()
    {
        var (exit, output) = await DropCommandRun.RunAsync(Host, Storage, "cli/broken.md", "---\ntitle: [unclosed\n---\n\nBody.\n");

        Assert.True(exit == DropCommand.Rejected, output);
        Assert.Contains("Rejected: ", output, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
