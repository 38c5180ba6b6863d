using System.Net;
using Publishing.Local;
using Publishing.Local.Commands;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary><c>drop</c> where nothing answers, and its mistakes: no host needed, some without storage.</summary>
public sealed class DropCommandFailureTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("drop-failures-").FullName;
    private readonly LocalHostStorage _storage = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task Drop_gives_up_when_no_outcome_arrives_within_the_timeout_and_exits_1()
    {
        var file = Path.Combine(_folder, "unanswered.md");
        await File.WriteAllTextAsync(file, "# Unanswered\n\nBody.\n", Cancellation);

        var (exit, output) = await RunAsync(["drop", file, "--wait", "--timeout", "1", "--target", ClosedPort()]);

        Assert.True(exit == 1, output);
        Assert.Contains("Waiting for the app at", output, StringComparison.Ordinal);
        Assert.Contains("Failed: unanswered.md: no outcome", output, StringComparison.Ordinal);
        Assert.Contains("No outcome for 1 files from http://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains("1 files: 0 published, 0 drafts, 0 rejected, 1 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_while_waiting_stops_the_drop_with_exit_130_and_says_how_far_it_got()
    {
        var file = Path.Combine(_folder, "stopped.md");
        await File.WriteAllTextAsync(file, "# Stopped\n\nBody.\n", Cancellation);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        ctrlC.CancelAfter(TimeSpan.FromSeconds(2));

        var (exit, output) = await RunAsync(["drop", file, "--wait", "--timeout", "600", "--target", ClosedPort()], ctrlC.Token);

        Assert.True(exit == LocalCommandLine.Interrupted, output);
        Assert.Contains("1 of 1 files uploaded, 0 outcomes known", output, StringComparison.Ordinal);
        Assert.Contains("Stopped.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_of_a_path_that_does_not_exist_exits_1_and_names_it()
    {
        var missing = Path.Combine(_folder, "no-such-file.md");

        var (exit, output) = await RunAsync(["drop", missing]);

        Assert.Equal(1, exit);
        Assert.Contains($"No such file or folder: {missing}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_of_an_empty_folder_exits_1_with_nothing_to_drop()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;

        var (exit, output) = await RunAsync(["drop", empty]);

        Assert.Equal(1, exit);
        Assert.Contains("Nothing to drop", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_of_a_folder_with_as_is_a_usage_error()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "named")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "a.md"), "# A\n", Cancellation);

        var (exit, output) = await RunAsync(["drop", folder, "--as", "b.md"]);

        Assert.Equal(LocalCommandLine.UsageError, exit);
        Assert.Contains("is a folder", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_of_two_files_that_would_share_a_blob_name_uploads_nothing()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "one"));
        Directory.CreateDirectory(Path.Combine(_folder, "two"));
        var first = Path.Combine(_folder, "one", "same.md");
        var second = Path.Combine(_folder, "two", "same.md");
        await File.WriteAllTextAsync(first, "# One\n", Cancellation);
        await File.WriteAllTextAsync(second, "# Two\n", Cancellation);

        var (exit, output) = await RunAsync(["drop", first, second]);

        Assert.Equal(LocalCommandLine.UsageError, exit);
        Assert.Contains("Two files would both become the blob 'same.md'", output, StringComparison.Ordinal);
        Assert.False(await _storage.Articles.ExistsAsync(Cancellation));
    }

    private async Task<(int Exit, string Output)> RunAsync(IReadOnlyList<string> args, CancellationToken? cancellationToken = null)
    {
        using var output = new StringWriter();
        var context = new CommandContext { Console = CommandConsole.Plain(output), Settings = _storage.Settings };
        var exit = await LocalCommandLine.RunAsync(context, args, output, output, cancellationToken ?? Cancellation);
        return (exit, output.ToString());
    }

    /// <summary>A loopback URL where nothing listens: a port taken and released at once.</summary>
    private static string ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }
}
