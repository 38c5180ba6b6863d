using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Publishing.IntegrationTests.Deployment;

/// <summary>
/// The Bicep CLI restored from NuGet (<c>Azure.Bicep.CommandLine.linux-x64</c>, a PackageReference of this project
/// whose path the build writes into an assembly attribute), run on the repository's <c>infra/main.bicep</c>.
/// </summary>
internal static class BicepCli
{
    private static readonly Lazy<Task<JsonObject>> CompiledMain = new(CompileMainAsync);

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string InfraDirectory => Path.Combine(RepositoryRoot, "infra");

    public static string MainBicep => Path.Combine(InfraDirectory, "main.bicep");

    /// <summary>infra/main.bicep compiled to an ARM template once per test run (to stdout: nothing is written to the tree).</summary>
    public static Task<JsonObject> MainTemplateAsync() => CompiledMain.Value;

    public static async Task<BicepRun> RunAsync(params string[] arguments)
    {
        var executable = Metadata("BicepPath");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"The Bicep CLI is not at {executable}: run 'dotnet restore' (it comes from the Azure.Bicep.CommandLine.linux-x64 package, for Linux x64 only).");
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new BicepRun(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<JsonObject> CompileMainAsync()
    {
        var run = await RunAsync("build", MainBicep, "--stdout");
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({run.ExitCode}):\n{run.StandardError}");
        }

        return JsonNode.Parse(run.StandardOutput)?.AsObject() ?? throw new InvalidOperationException("bicep build printed no template.");
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; see Publishing.IntegrationTests.csproj.");
}

internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Every diagnostic line (errors, warnings, infos) the CLI printed; the template itself goes to stdout for build.</summary>
    public IReadOnlyList<string> Diagnostics(bool includeStdout) =>
        (includeStdout ? StandardOutput + "\n" + StandardError : StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
