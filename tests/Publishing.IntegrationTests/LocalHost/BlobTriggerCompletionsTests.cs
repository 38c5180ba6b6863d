using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Commands;
using Publishing.Local.Configuration;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// <c>GET /_local/blob-triggers/completed</c>: the blob-trigger invocations the host has completed since a cursor, over
/// real HTTP with the tests' worker app (a function that fails twice, one that always fails); the ring itself in memory.
/// </summary>
public sealed class BlobTriggerCompletionsTests(TestAppHostFixture fixture) : IClassFixture<TestAppHostFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private TestLocalHost Host => fixture.Host;

    [Fact]
    public async Task An_invocation_is_named_once_it_succeeds_and_not_for_the_tries_that_failed_before()
    {
        var cursor = (await ReadAsync(null)).Cursor;
        var name = $"flaky-{Guid.NewGuid():N}.md";

        var version = await LocalHostStorage.DropAsync(fixture.Storage.Blobs.GetBlobContainerClient(fixture.Storage.Settings["FlakyContainer"]), name, "# Flaky\n");

        var completed = await CompletedForAsync(cursor, name);
        Assert.Equal(3, await fixture.Calls.OfAsync("FailsTwice", name));
        var invocation = Assert.Single(completed);
        Assert.Equal(new CompletedInvocation("FailsTwice", fixture.Storage.Settings["FlakyContainer"]!, name, version.ToString("H")), invocation);
    }

    [Fact]
    public async Task An_invocation_that_fails_its_last_try_is_named_once_and_only_then()
    {
        var cursor = (await ReadAsync(null)).Cursor;
        var name = $"doomed-{Guid.NewGuid():N}.md";

        var version = await LocalHostStorage.DropAsync(fixture.Storage.Blobs.GetBlobContainerClient(fixture.Storage.Settings["FailingContainer"]), name, "# Doomed\n");

        var completed = await CompletedForAsync(cursor, name);
        Assert.Equal(5, await fixture.Calls.OfAsync("AlwaysFails", name));
        var invocation = Assert.Single(completed);
        Assert.Equal(version.ToString("H"), invocation.ETag);
        Assert.Equal(
            $"'Functions.AlwaysFails' failed all 5 tries; its trigger message is in the poison queue '{fixture.Storage.PoisonQueue.Name}' and the host's log has each try's error",
            invocation.Failure);
    }

    [Fact]
    public async Task Drop_wait_of_a_file_whose_every_try_fails_fails_it_with_the_hosts_reason_instead_of_waiting_out_its_timeout()
    {
        var folder = Directory.CreateTempSubdirectory("drop-doomed-");
        try
        {
            var file = Path.Combine(folder.FullName, $"doomed-{Guid.NewGuid():N}.md");
            await File.WriteAllTextAsync(file, "# Doomed\n\nBody.\n", Cancellation);
            // drop uploads to the articles container its settings name: here the one the always-failing function watches.
            var settings = new Dictionary<string, string?>(fixture.Storage.Settings) { ["ArticlesContainer"] = fixture.Storage.Settings["FailingContainer"] };
            var clock = Stopwatch.StartNew();

            var (exit, output) = await DropCommandRun.RunAsync(Host, settings, ["drop", file, "--wait", "--timeout", "60"]);

            Assert.True(exit == 1, output);
            Assert.Contains($"Failed: {Path.GetFileName(file)}: 'Functions.AlwaysFails' failed all 5 tries; its trigger message is in the poison queue", output, StringComparison.Ordinal);
            Assert.Contains("1 files: 0 published, 0 drafts, 0 rejected, 1 failed", output, StringComparison.Ordinal);
            Assert.DoesNotContain("No outcome for", output, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"drop took {clock.Elapsed}:{Environment.NewLine}{output}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("c", "a.md", "\"0x1\"", "\"0x1\"", true)]
    [InlineData("c", "a.md", "0x1", "\"0x1\"", true)]
    [InlineData("c", "a.md", "\"0x1\"", "\"0x2\"", false)]
    [InlineData("c", "a.md", null, "\"0x1\"", false)]
    [InlineData("c", "a.md", "\"0x1\"", null, false)]
    [InlineData("other", "a.md", "\"0x1\"", "\"0x1\"", false)]
    [InlineData("c", "b.md", "\"0x1\"", "\"0x1\"", false)]
    public void A_failed_invocation_settles_only_the_version_it_was_for(string container, string blob, string? failedETag, string? uploadedETag, bool settles)
    {
        var failed = new CompletedInvocation("F", container, blob, failedETag, "failed all 5 tries");

        Assert.Equal(settles, CompletionFeed.FailedForGood(failed, "c", "a.md", uploadedETag));
        Assert.False(CompletionFeed.FailedForGood(failed with { Failure = null }, "c", "a.md", uploadedETag));
    }

    [Fact]
    public async Task Without_a_cursor_the_answer_is_the_current_end_and_names_nothing()
    {
        var first = await ReadAsync(null);
        var again = await ReadAsync(first.Cursor);

        Assert.False(first.Missed);
        Assert.Empty(first.Completed);
        Assert.False(again.Missed);
        Assert.Empty(again.Completed);
        Assert.Equal(first.Cursor, again.Cursor);
    }

    [Fact]
    public async Task A_cursor_from_an_earlier_run_of_the_host_reads_as_missed()
    {
        var current = await ReadAsync(null);

        var page = await ReadAsync($"{Guid.NewGuid():N}.3");

        Assert.True(page.Missed);
        Assert.Equal(current.Cursor.Split('.')[0], page.Cursor.Split('.')[0]);
    }

    [Fact]
    public async Task A_read_that_waits_answers_empty_after_its_wait_when_nothing_completes()
    {
        var cursor = (await ReadAsync(null)).Cursor;
        var clock = Stopwatch.StartNew();

        var page = await ReadAsync(cursor, wait: 1);

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
        Assert.False(page.Missed);
        Assert.Equal(cursor, page.Cursor);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef.")]
    [InlineData("0123456789abcdef0123456789abcdef.-1")]
    [InlineData("0123456789abcdef0123456789abcdef.1e3")]
    [InlineData("0123456789abcdef0123456789abcdeg.1")]
    [InlineData("{0123456789abcdef0123456789abcdef}.1")]
    public async Task A_malformed_cursor_is_a_400_problem_that_says_what_a_cursor_is(string after)
    {
        using var response = await Host.Http.GetAsync(new Uri($"_local/blob-triggers/completed?after={Uri.EscapeDataString(after)}", UriKind.Relative), Cancellation);

        await AssertProblemAsync(response, "Bad cursor", "'after' is a cursor this route answered with");
    }

    [Fact]
    public async Task A_cursor_of_this_run_past_its_end_is_a_400_problem()
    {
        var cursor = (await ReadAsync(null)).Cursor;
        var run = cursor[..cursor.IndexOf('.', StringComparison.Ordinal)];

        using var response = await Host.Http.GetAsync(new Uri($"_local/blob-triggers/completed?after={run}.{long.MaxValue}", UriKind.Relative), Cancellation);

        await AssertProblemAsync(response, "Bad cursor", "'after' is a cursor this route answered with");
    }

    [Theory]
    [InlineData("31")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("soon")]
    [InlineData("")]
    public async Task A_wait_that_is_not_0_to_30_seconds_is_a_400_problem(string wait)
    {
        var cursor = (await ReadAsync(null)).Cursor;

        using var response = await Host.Http.GetAsync(new Uri($"_local/blob-triggers/completed?after={cursor}&wait={Uri.EscapeDataString(wait)}", UriKind.Relative), Cancellation);

        await AssertProblemAsync(response, "Bad wait", "'wait' is a whole number of seconds from 0 to 30");
    }

    [Fact]
    public async Task A_waiting_read_answers_as_soon_as_an_invocation_completes()
    {
        var completions = new BlobTriggerCompletions(Options.Create(new LocalHostOptions()));
        var start = (await completions.ReadAsync(null, TimeSpan.Zero, Cancellation)).Cursor;
        Assert.True(BlobTriggerCompletions.Cursor.TryParse(start, out var cursor));
        var clock = Stopwatch.StartNew();

        var read = completions.ReadAsync(cursor, TimeSpan.FromSeconds(20), Cancellation);
        await Task.Delay(200, Cancellation);
        Assert.False(read.IsCompleted);
        completions.Add(new CompletedInvocation("F", "c", "a.md"));
        var page = await read;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
        Assert.Equal(["a.md"], page.Completed.Select(c => c.Blob));
        Assert.False(page.Missed);
    }

    [Fact]
    public async Task A_reader_that_falls_further_behind_than_the_completions_kept_is_told_it_missed_some_and_gets_the_kept_ones()
    {
        var completions = new BlobTriggerCompletions(Options.Create(new LocalHostOptions { CompletionsKept = 16 }));
        Assert.True(BlobTriggerCompletions.Cursor.TryParse((await completions.ReadAsync(null, TimeSpan.Zero, Cancellation)).Cursor, out var start));
        for (var i = 0; i < 15; i++)
        {
            completions.Add(new CompletedInvocation("F", "c", $"{i}.md"));
        }

        var behind = await completions.ReadAsync(start, TimeSpan.Zero, Cancellation);
        Assert.True(BlobTriggerCompletions.Cursor.TryParse(behind.Cursor, out var afterFifteen));
        for (var i = 15; i < 40; i++)
        {
            completions.Add(new CompletedInvocation("F", "c", $"{i}.md"));
        }

        var tooFar = await completions.ReadAsync(afterFifteen, TimeSpan.Zero, Cancellation);

        Assert.False(behind.Missed);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => $"{i}.md"), behind.Completed.Select(c => c.Blob));
        Assert.True(tooFar.Missed);
        Assert.Equal(Enumerable.Range(24, 16).Select(i => $"{i}.md"), tooFar.Completed.Select(c => c.Blob));
    }

    private async Task<CompletedInvocations> ReadAsync(string? after, int wait = 0)
    {
        var query = after is null ? string.Empty : $"?after={Uri.EscapeDataString(after)}&wait={wait}";
        using var response = await Host.Http.GetAsync(new Uri($"_local/blob-triggers/completed{query}", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(CompletionsJson.Default.CompletedInvocations, Cancellation))!;
    }

    /// <summary>Reads from <paramref name="cursor"/> until <paramref name="name"/> is named, then a second longer for a repeat; every naming of it.</summary>
    private async Task<List<CompletedInvocation>> CompletedForAsync(string cursor, string name)
    {
        var named = new List<CompletedInvocation>();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        var seenAt = (DateTimeOffset?)null;
        while (seenAt is null || DateTimeOffset.UtcNow < seenAt + TimeSpan.FromSeconds(1))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"No completion named {name} within 30 s. The host's recent log:{Environment.NewLine}{Host.Log}");
            var page = await ReadAsync(cursor, wait: 1);
            Assert.False(page.Missed);
            cursor = page.Cursor;
            named.AddRange(page.Completed.Where(c => c.Blob == name));
            seenAt ??= named.Count > 0 ? DateTimeOffset.UtcNow : null;
        }

        return named;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string title, string detail)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>The completions route where the host enforces function keys: behind the host key, as the submission status route.</summary>
public sealed class BlobTriggerCompletionsKeyTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_key_the_route_answers_401_and_with_the_host_key_200()
    {
        using var refused = await fixture.Host.Http.GetAsync(new Uri("_local/blob-triggers/completed", UriKind.Relative), Cancellation);
        using var keyed = new HttpRequestMessage(HttpMethod.Get, new Uri("_local/blob-triggers/completed", UriKind.Relative)) { Headers = { { "x-functions-key", fixture.HostKey } } };
        using var allowed = await fixture.Host.Http.SendAsync(keyed, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
