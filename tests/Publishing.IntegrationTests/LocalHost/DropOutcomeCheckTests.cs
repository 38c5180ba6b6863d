using System.Net.Http.Headers;
using System.Text.Json;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Relay;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>A local host without its relay: the test delivers each BlobCreated event itself, when it chooses, as Event Grid would.</summary>
public sealed class HeldEventsHostFixture : LocalHostFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Relay:Enabled"] = "false";
}

/// <summary>
/// How often <c>drop --wait</c> asks the app for outcomes: against the local host, once per file after its invocation
/// completes (the host's completions route); against an app without that route (<c>func start</c>, Azure), by polling
/// as before. The events are held back for a few seconds after the uploads, the time a busy pipeline takes, so the
/// two ways differ in what they ask meanwhile. Requests are counted by a front in between.
/// </summary>
public sealed class DropOutcomeCheckTests(HeldEventsHostFixture fixture) : IClassFixture<HeldEventsHostFixture>, IDisposable
{
    private const int Files = 4;
    private static readonly TimeSpan HeldFor = TimeSpan.FromSeconds(3);

    private readonly string _folder = Directory.CreateTempSubdirectory("drop-checks-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Drop_asks_for_each_outcome_once_its_invocation_has_completed_instead_of_polling_meanwhile()
    {
        await using var front = await FrontProxy.StartAsync(fixture.Host, withoutLocalRoutes: false);

        var (exit, output, names) = await DropWithHeldEventsAsync(front);

        Assert.True(exit == 0, output);
        Assert.Contains($"{Files} files: {Files} published, 0 drafts, 0 rejected, 0 failed", output, StringComparison.Ordinal);
        var checks = front.Count(IsStatusCheck);
        // One per file, and at most one per quiet second (here, while the events are held) for an invocation elsewhere.
        Assert.True(checks <= Files + HeldFor.TotalSeconds + 3, $"{checks} status checks for {Files} files: {string.Join(", ", front.Paths)}");
        Assert.All(names, name => Assert.Contains(front.Paths, p => p.EndsWith(name, StringComparison.Ordinal)));
        Assert.Contains(front.Paths, p => p == BlobTriggerCompletions.Route);
    }

    [Fact]
    public async Task Drop_against_an_app_without_the_completions_route_polls_the_status_route_and_still_gets_every_outcome()
    {
        await using var front = await FrontProxy.StartAsync(fixture.Host, withoutLocalRoutes: true);

        var (exit, output, _) = await DropWithHeldEventsAsync(front);

        Assert.True(exit == 0, output);
        Assert.Contains($"{Files} files: {Files} published, 0 drafts, 0 rejected, 0 failed", output, StringComparison.Ordinal);
        Assert.Equal(1, front.Count(p => p == BlobTriggerCompletions.Route)); // asked once, answered 404, never again
        var checks = front.Count(IsStatusCheck);
        // Polling: --parallel 1 every 200 ms while the events are held.
        Assert.True(checks >= HeldFor.TotalSeconds / 0.2 / 2, $"{checks} status checks for {Files} files: polling asks throughout the wait");
    }

    [Fact]
    public async Task Drop_that_finds_the_host_restarted_asks_about_every_waiting_file_at_once()
    {
        await using var front = await FrontProxy.StartAsync(fixture.Host, withoutLocalRoutes: false);
        await using var restarted = await TestLocalHost.StartAsync(fixture.Storage);

        var (exit, output, names) = await DropWithHeldEventsAsync(front, whileHeld: async () =>
        {
            await Eventually.TrueAsync(() => Task.FromResult(front.Count(p => p == BlobTriggerCompletions.Route) >= 2), "drop to follow the first host");
            front.Retarget(restarted); // the cursors drop holds are the first host's run's
            await Eventually.TrueAsync(() => Task.FromResult(front.Forwarded.Any(f => f.Host == 1 && f.Path == BlobTriggerCompletions.Route)), "drop to read from the restarted host");
        });

        Assert.True(exit == 0, output);
        Assert.Contains($"{Files} files: {Files} published", output, StringComparison.Ordinal);
        // The restarted host's first answer says it missed some: every waiting file is asked about before the next read.
        var afterRestart = front.Forwarded.SkipWhile(f => !(f.Host == 1 && f.Path == BlobTriggerCompletions.Route)).Skip(1)
            .TakeWhile(f => f.Path != BlobTriggerCompletions.Route).Select(f => f.Path).ToList();
        Assert.Equal(names.Select(n => $"/api/submissions/{n}").Order(StringComparer.Ordinal), afterRestart.Order(StringComparer.Ordinal));
    }

    private static bool IsStatusCheck(string path) => path.StartsWith("/api/submissions/", StringComparison.Ordinal);

    /// <summary>Runs <c>drop --wait --parallel 1</c> through <paramref name="front"/>; delivers each file's BlobCreated <see cref="HeldFor"/> after the uploads.</summary>
    private async Task<(int Exit, string Output, string[] Names)> DropWithHeldEventsAsync(FrontProxy front, Func<Task>? whileHeld = null)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateDirectory(Path.Combine(_folder, id)).FullName;
        var names = Enumerable.Range(0, Files).Select(i => $"held-{id}-{i}.md").ToArray();
        foreach (var name in names)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), $"# Held {name}\n\nBody.\n", Cancellation);
        }

        var drop = DropCommandRun.RunAsync(fixture.Host, fixture.Storage, ["drop", folder, "--wait", "--parallel", "1", "--timeout", "30"], front.BaseAddress);
        await Eventually.TrueAsync(
            async () =>
            {
                var uploaded = 0;
                foreach (var name in names)
                {
                    uploaded += await fixture.Storage.Articles.GetBlobClient(name).ExistsAsync(Cancellation) ? 1 : 0;
                }

                return uploaded == Files;
            },
            "the uploads");
        await Task.WhenAll(Task.Delay(HeldFor, Cancellation), whileHeld?.Invoke() ?? Task.CompletedTask);
        foreach (var name in names)
        {
            await DeliverBlobCreatedAsync(name);
        }

        var (exit, text) = await drop;
        return (exit, text, names);
    }

    private async Task DeliverBlobCreatedAsync(string name)
    {
        var blob = fixture.Storage.Articles.GetBlobClient(name);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: Cancellation)).Value;
        var @event = BlobEvents.CreatedFor(fixture.Storage.Blobs.AccountName, fixture.Storage.Articles.Name, name, properties, blob.Uri);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{BlobWebhook.Route.TrimStart('/')}?functionName=Host.Functions.PublishArticle", UriKind.Relative))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes([@event], EventGridJson.Default.EventGridEventBlobCreatedEventDataArray))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        request.Headers.Add(BlobWebhook.EventTypeHeader, "Notification");
        using var response = await fixture.Host.Http.SendAsync(request, Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"The webhook answered {(int)response.StatusCode}");
    }
}
