using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Publishing.Local.Commands;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// <c>drop</c> of files and folders end to end: uploaded to a test's own Azurite container, published by the real
/// worker through the local host, outcomes read from its submission status route, output as plain as in CI.
/// </summary>
public sealed class DropCommandTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("drop-folder-").FullName;

    private TestLocalHost Host => fixture.Host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Drop_of_a_folder_publishes_nested_files_under_their_relative_paths_and_summarises_drafts_and_rejections()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var archive = Path.Combine(_folder, "archive");
        Write(archive, $"2025/05/first-{id}.md", $"---\ntitle: First {id}\n---\n\nBody.\n");
        Write(archive, $"2025/06/deep/second-{id}.md", $"# Second {id}\n\nBody.\n");
        Write(archive, $"drafts/wip-{id}.md", $"---\ntitle: Work in progress {id}\ndraft: true\n---\n\nBody.\n");
        Write(archive, $"broken-{id}.md", "---\ntitle: [unclosed\n---\n\nBody.\n");
        Write(archive, ".hidden/secret.md", "# Not for upload\n");
        Write(archive, ".DS_Store", "junk");

        var (exit, output) = await DropCommandRun.RunAsync(Host, fixture.Storage, ["drop", archive, "--wait", "--timeout", "30", "--parallel", "2"]);

        Assert.True(exit == DropCommand.Rejected, output);
        Assert.Contains($"Published: http://localhost:7071/articles/first-{id}", output, StringComparison.Ordinal);
        Assert.Contains($"Published: http://localhost:7071/articles/second-{id}", output, StringComparison.Ordinal);
        Assert.Contains($"Saved as a draft: drafts/wip-{id}.md is not published", output, StringComparison.Ordinal);
        Assert.Contains($"Rejected: broken-{id}.md: line ", output, StringComparison.Ordinal);
        Assert.Contains("4 files: 2 published, 1 drafts, 1 rejected, 0 failed, in ", output, StringComparison.Ordinal);
        Assert.Matches(@"files/s\.", output);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\r', output);

        var blobs = new List<string>();
        await foreach (var blob in fixture.Storage.Articles.GetBlobsAsync(cancellationToken: Cancellation))
        {
            blobs.Add(blob.Name);
        }

        Assert.Superset(new HashSet<string>([$"2025/05/first-{id}.md", $"2025/06/deep/second-{id}.md", $"drafts/wip-{id}.md", $"broken-{id}.md"]), blobs.ToHashSet());
        Assert.DoesNotContain(blobs, name => name.Contains("secret", StringComparison.Ordinal) || name.Contains("DS_Store", StringComparison.Ordinal));
        using var status = await Host.Http.GetAsync(new Uri($"api/submissions/2025/06/deep/second-{id}.md", UriKind.Relative), Cancellation);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("published", (await status.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Drop_of_files_and_a_folder_that_all_publish_exits_0_with_the_import_rate()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var single = Write(_folder, $"single-{id}.md", $"# Single {id}\n\nBody.\n");
        var folder = Path.Combine(_folder, "more");
        Write(folder, $"a/one-{id}.md", $"# One {id}\n\nBody.\n");
        Write(folder, $"two-{id}.txt", $"Two {id}\nReuters\n\nA paragraph of plain text.\n");

        var (exit, output) = await DropCommandRun.RunAsync(Host, fixture.Storage, ["drop", single, folder, "--wait", "--timeout", "30"]);

        Assert.True(exit == 0, output);
        Assert.Contains($"Uploaded 3 of 3 files", output, StringComparison.Ordinal);
        Assert.Contains("3 files: 3 published, 0 drafts, 0 rejected, 0 failed, in ", output, StringComparison.Ordinal);
        Assert.Contains($"Published: http://localhost:7071/articles/one-{id}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drop_without_wait_uploads_and_exits_0_without_asking_for_outcomes()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var folder = Path.Combine(_folder, "quiet");
        Write(folder, $"x/quiet-{id}.md", $"# Quiet {id}\n\nBody.\n");
        Write(folder, $"y/still-{id}.md", $"# Still {id}\n\nBody.\n");

        var (exit, output) = await DropCommandRun.RunAsync(Host, fixture.Storage, ["drop", folder]);

        Assert.True(exit == 0, output);
        Assert.Contains("Uploaded 2 of 2 files", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Published:", output, StringComparison.Ordinal);
        Assert.True(await fixture.Storage.Articles.GetBlobClient($"y/still-{id}.md").ExistsAsync(Cancellation));
    }

    private static string Write(string folder, string relativePath, string content)
    {
        var path = Path.Combine(folder, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
