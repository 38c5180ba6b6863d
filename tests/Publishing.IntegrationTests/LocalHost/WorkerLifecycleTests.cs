using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Publishing.TestFunctionApp;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// The worker process's life under the local host, as under the Functions host: killed, it is started again while
/// clients get an answer (a wait or a 503 with Retry-After, never a hang or a 500) and nothing is lost; a blob
/// invocation it took down is delivered again; a missing app is named at start; the host takes its worker with it.
/// Each test kills or ends its own host's worker, so each starts its own host.
/// </summary>
public sealed class WorkerLifecycleTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The longest a client may wait for any answer while the worker is killed and restarted.</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How soon a client hears that the worker is gone: typically 0.1 s; a futile retry of the dead worker's endpoint
    /// took 1.9 s, so the bound leaves room for a busy machine and still tells the two apart.
    /// </summary>
    private static readonly TimeSpan PromptAnswer = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Killed_worker_fails_the_request_in_flight_at_once_with_503_and_retry_after_and_is_restarted_to_serve_again()
    {
        await using var storage = new LocalHostStorage();
        var calls = RecordedCalls.In(storage);
        await using var host = await TestFunctions.StartHostAsync(storage);
        var id = Guid.NewGuid().ToString("N");
        var inFlight = host.Http.GetAsync(new Uri($"test/waits/{id}", UriKind.Relative), Cancellation);
        await Eventually.TrueAsync(async () => await calls.OfAsync("Waits", id, CallLog.Started) == 1, "the function to start", NoHang);

        var killed = KillWorker(host);
        var sinceKill = Stopwatch.StartNew();
        var afterKill = host.Http.GetAsync(new Uri("test/echo/after-kill", UriKind.Relative), Cancellation);

        // A worker known to be gone is not waited for: its requests are answered at once.
        using (var lost = await inFlight.WaitAsync(NoHang, Cancellation))
        {
            AssertRetryLater(lost);
            Assert.InRange(sinceKill.Elapsed, TimeSpan.Zero, PromptAnswer);
        }

        // Sent before the host saw the worker go: a 503 at once, or a wait for the next worker and its answer.
        using (var next = await afterKill.WaitAsync(NoHang, Cancellation))
        {
            if (next.StatusCode != HttpStatusCode.OK)
            {
                AssertRetryLater(next);
                Assert.InRange(sinceKill.Elapsed, TimeSpan.Zero, PromptAnswer);
            }
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(host.Worker is { Starts: 2, ProcessId: { } pid } && pid != killed), "a second worker process", NoHang);
        using var served = await host.GetWhenOkAsync("test/echo/again", NoHang);
    }

    [Fact]
    public async Task While_the_worker_is_down_a_request_waits_no_longer_than_ready_wait_and_gets_503_with_retry_after()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Worker:RestartDelay"] = "00:00:20";
        storage.Settings["Worker:ReadyWait"] = "00:00:00.300";
        await using var host = await TestFunctions.StartHostAsync(storage);
        KillWorker(host);
        await Eventually.TrueAsync(() => Task.FromResult(host.Worker.ProcessId is null), "the host to see its worker gone", NoHang);

        var asked = Stopwatch.StartNew();
        using var response = await host.Http.GetAsync(new Uri("test/echo/down", UriKind.Relative), Cancellation);

        Assert.InRange(asked.Elapsed, TimeSpan.Zero, PromptAnswer);
        AssertRetryLater(response);
        Assert.Equal(1, host.Worker.Starts);
    }

    [Fact]
    public async Task Blob_whose_invocation_was_in_flight_when_the_worker_died_is_delivered_again_and_not_poisoned()
    {
        await using var storage = new LocalHostStorage();
        var calls = RecordedCalls.In(storage);
        await using var host = await TestFunctions.StartHostAsync(storage);
        const string name = "2025/lost-with-its-worker.md";
        await LocalHostStorage.DropAsync(storage.Blobs.GetBlobContainerClient(storage.Settings["WaitingContainer"]), name, "# Lost\n");
        await Eventually.TrueAsync(async () => await calls.OfAsync("WaitsFirstTime", name, CallLog.Started) == 1, "the first delivery to start");

        KillWorker(host);

        await Eventually.TrueAsync(async () => await calls.OfAsync("WaitsFirstTime", name, CallLog.Call) == 1, "the second delivery to succeed");
        await Eventually.TrueAsync(
            async () => await storage.QueuedTriggersAsync() == 0, "the message to be deleted", NoHang);
        Assert.Equal(2, await calls.OfAsync("WaitsFirstTime", name, CallLog.Started));
        Assert.False((await storage.PoisonQueue.ExistsAsync(Cancellation)).Value
            && (await storage.PoisonQueue.PeekMessagesAsync(10, Cancellation)).Value.Length > 0);
    }

    [Fact]
    public async Task Host_pointed_at_a_folder_without_a_function_app_fails_to_start_and_says_so()
    {
        var empty = Directory.CreateTempSubdirectory("no-function-app-");
        try
        {
            await using var storage = new LocalHostStorage();
            storage.Settings["Worker:AppDirectory"] = empty.FullName;

            var failure = await Assert.ThrowsAsync<InvalidOperationException>(
                () => TestLocalHost.StartAsync(storage).WaitAsync(TimeSpan.FromSeconds(30), Cancellation));

            Assert.Contains($"There is no function app in {empty.FullName} (no worker.config.json)", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Disposing_the_host_ends_its_worker_process()
    {
        await using var storage = new LocalHostStorage();
        var host = await TestFunctions.StartHostAsync(storage);
        var worker = host.Worker.ProcessId ?? throw new InvalidOperationException("A started host has a worker.");
        Assert.True(IsRunning(worker));

        await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20), Cancellation);

        await Eventually.TrueAsync(() => Task.FromResult(!IsRunning(worker)), $"worker process {worker} to end", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Comments_posted_by_four_clients_while_the_worker_is_killed_are_each_kept_once_and_none_is_answered_500()
    {
        await using var storage = new LocalHostStorage();
        storage.Settings["Comments:PostsPerMinute"] = "100000";
        await using var host = await TestLocalHost.StartAsync(storage);
        var slug = await CommentHttp.PublishAsync(storage, host);
        var answers = new ConcurrentBag<HttpStatusCode>();
        var created = new ConcurrentDictionary<string, string>(); // Idempotency-Key → comment id
        var replayed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        // Each post is retried with its key until it is stored: a 503 may or may not have stored it.
        async Task PostUntilCreatedAsync(string key)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var response = await CommentHttp.PostAsync(host, slug, "Reader", $"Post {key}", key).WaitAsync(NoHang, Cancellation);
                answers.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    created[key] = (await CommentHttp.CreatedAsync(response)).GetProperty("id").GetString() ?? "";
                    if (response.Headers.Contains("Idempotent-Replayed"))
                    {
                        Interlocked.Increment(ref replayed);
                    }

                    return;
                }

                AssertRetryLater(response);
                Assert.True(attempt < 10, $"Post {key} was answered 503 {attempt} times.");
            }
        }

        async Task ClientAsync(int client)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await PostUntilCreatedAsync($"{client}-{n}");
            }
        }

        // Back to back before the kill, through the restart, and on the new worker.
        var clients = Enumerable.Range(1, 4).Select(c => Task.Run(() => ClientAsync(c), Cancellation)).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(created.Count >= 20 || clients.Any(c => c.IsCompleted)), "the clients to be posting", NoHang);
        var killed = KillWorker(host);
        await Eventually.TrueAsync(
            () => Task.FromResult(host.Worker is { Starts: 2, ProcessId: { } pid } && pid != killed || clients.Any(c => c.IsCompleted)), "a second worker process", NoHang);
        var beforeRestart = created.Count;
        await Eventually.TrueAsync(
            () => Task.FromResult(created.Count >= beforeRestart + 20 || clients.Any(c => c.IsCompleted)), "posts to be stored by the second worker", NoHang);
        await stop.CancelAsync();
        await Task.WhenAll(clients).WaitAsync(NoHang, Cancellation);

        Assert.All(answers, status => Assert.True(status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"a post answered {(int)status}"));
        var stored = await CommentHttp.AllCommentsAsync(host, slug, limit: 100);
        var bodies = stored.Select(c => c.GetProperty("body").GetString()).ToList();
        Assert.Equal(bodies.Count, bodies.Distinct().Count());
        Assert.Equal(created.Keys.Select(k => $"Post {k}").Order(StringComparer.Ordinal), bodies.Order(StringComparer.Ordinal));
        Assert.Equal(created.Values.Order(StringComparer.Ordinal), stored.Select(c => c.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{created.Count} posts stored ({beforeRestart} before the second worker served); "
            + $"{answers.Count(s => s == HttpStatusCode.ServiceUnavailable)} answers of 503, {replayed} posts stored by a try answered 503.");
    }

    /// <summary>Kills the host's worker process as <c>kill -9</c> does, and returns its id.</summary>
    private static int KillWorker(TestLocalHost host)
    {
        var id = host.Worker.ProcessId ?? throw new InvalidOperationException("The host has no worker running.");
        using var process = Process.GetProcessById(id);
        process.Kill();
        return id;
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>What the host answers while its worker is gone: 503 problem details with Retry-After.</summary>
    private static void AssertRetryLater(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
