using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Publishing.Local.Commands;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Submission outcomes are for editors: <c>GET /api/submissions/{name}</c> needs a function key where keys are checked,
/// and the <c>drop</c> command sends one.
/// </summary>
public sealed class SubmissionAccessTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Submission_status_without_a_function_key_is_refused_with_401_where_keys_are_checked()
    {
        await DropAndWaitAsync("secret/embargoed.md", "---\ntitle: Embargoed\ndraft: true\n---\nNot yet.\n");

        using var anonymous = await Host.Http.GetAsync(new Uri("api/submissions/secret/embargoed.md", UriKind.Relative), Cancellation);
        using var wrongKey = await Host.Http.GetAsync(new Uri("api/submissions/secret/embargoed.md?code=not-the-key", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(await anonymous.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
    }

    [Fact]
    public async Task Submission_status_with_a_function_key_in_the_header_or_the_query_answers_the_outcome()
    {
        var status = await DropAndWaitAsync("desk/keyed.md", "# Keyed\n\nText.\n");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/submissions/desk/keyed.md", UriKind.Relative));
        request.Headers.Add("x-functions-key", fixture.HostKey);
        using var byHeader = await Host.Http.SendAsync(request, Cancellation);
        using var byQuery = await Host.Http.GetAsync(new Uri($"api/submissions/desk/keyed.md?code={Uri.EscapeDataString(fixture.HostKey)}", UriKind.Relative), Cancellation);

        Assert.Equal("published", status.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Equal("keyed", (await byHeader.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("slug").GetString());
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
    }

    [Fact]
    public async Task Drop_command_with_a_key_prints_the_verdict_from_a_host_that_checks_keys()
    {
        var (exit, output) = await DropCommandRun.RunAsync(Host, fixture.Storage, "cli/keyed-drop.md", "# Dropped with a key\n\nBody.\n", fixture.HostKey);

        Assert.True(exit == 0, output);
        Assert.Contains("Published: http://localhost:7071/articles/keyed-drop", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_command_without_a_key_says_the_app_checks_keys_and_how_to_pass_one()
    {
        var (exit, output) = await DropCommandRun.RunAsync(Host, fixture.Storage, "cli/unkeyed-drop.md", "# Dropped without a key\n\nBody.\n", key: null);

        Assert.True(exit == 1, output);
        Assert.Contains("answered 401", output, StringComparison.Ordinal);
        Assert.Contains("--key", output, StringComparison.Ordinal);
        Assert.Contains(DropCommand.KeyVariable, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_command_with_a_wrong_key_says_the_key_was_refused()
    {
        var (exit, output) = await DropCommandRun.RunAsync(Host, fixture.Storage, "cli/wrong-key-drop.md", "# Dropped with a wrong key\n\nBody.\n", "not-the-key");

        Assert.True(exit == 1, output);
        Assert.Contains("refused the function key", output, StringComparison.Ordinal);
    }

    private async Task<JsonElement> DropAndWaitAsync(string name, string content)
    {
        await fixture.Storage.DropAsync(name, content);
        var path = $"api/submissions/{name}?code={Uri.EscapeDataString(fixture.HostKey)}";
        using var response = await Host.GetWhenOkAsync(path);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }
}
