using Publishing.Local;
using Publishing.Local.Commands;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The <c>drop --wait</c> command run against a test's host, on its storage, from a temporary file, through the command line.</summary>
internal static class DropCommandRun
{
    public static async Task<(int Exit, string Output)> RunAsync(TestLocalHost host, LocalHostStorage storage, string blobName, string content, string? key = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"drop-{Guid.NewGuid():N}.md");
        await File.WriteAllTextAsync(file, content, TestContext.Current.CancellationToken);
        try
        {
            return await RunAsync(host, storage, ["drop", file, "--as", blobName, "--wait", "--timeout", "20", .. key is null ? Array.Empty<string>() : ["--key", key]]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The tool with <paramref name="args"/> (<c>--target</c> added: <paramref name="target"/>, else the test's host), its output plain as in CI.</summary>
    public static Task<(int Exit, string Output)> RunAsync(TestLocalHost host, LocalHostStorage storage, IReadOnlyList<string> args, Uri? target = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return RunAsync(host, storage.Settings, args, target);
    }

    /// <summary>The tool with <paramref name="args"/> on <paramref name="settings"/> (a test's storage names, some changed).</summary>
    public static async Task<(int Exit, string Output)> RunAsync(TestLocalHost host, IReadOnlyDictionary<string, string?> settings, IReadOnlyList<string> args, Uri? target = null)
    {
        using var output = new StringWriter();
        var context = new CommandContext { Console = CommandConsole.Plain(output), Settings = settings };
        var exit = await LocalCommandLine.RunAsync(context, [.. args, "--target", (target ?? host.BaseAddress).ToString()], output, output, TestContext.Current.CancellationToken);
        return (exit, output.ToString());
    }
}
