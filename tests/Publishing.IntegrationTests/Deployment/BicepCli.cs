using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Publishing.IntegrationTests.Deployment;

/// <summary>
/// The Bicep CLI restored from NuGet (<c>Azure.Bicep.CommandLine.linux-x64</c>, a PackageReference of this project
/// whose path the build writes into an assembly attribute), run on the repository's Bicep entry points:
/// <c>infra/main.bicep</c> (azd provisions it) and <c>infra/app/event-subscription.bicep</c> (the postdeploy hook deploys it).
/// </summary>
internal static class BicepCli
{
    private static readonly Dictionary<string, Lazy<Task<JsonObject>>> Compiled = new(StringComparer.Ordinal);

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string InfraDirectory => Path.Combine(RepositoryRoot, "infra");

    public static string MainBicep => Path.Combine(InfraDirectory, "main.bicep");

    public static string EventSubscriptionBicep => Path.Combine(InfraDirectory, "app", "event-subscription.bicep");

    /// <summary>The templates deployed on their own, each built and linted by the CI check.</summary>
    public static IReadOnlyList<string> EntryPoints => [MainBicep, EventSubscriptionBicep];

    /// <summary>infra/main.bicep compiled to an ARM template once per test run (to stdout: nothing is written to the tree).</summary>
    public static Task<JsonObject> MainTemplateAsync() => TemplateAsync(MainBicep);

    /// <summary>infra/app/event-subscription.bicep compiled once per test run.</summary>
    public static Task<JsonObject> EventSubscriptionTemplateAsync() => TemplateAsync(EventSubscriptionBicep);

    private static Task<JsonObject> TemplateAsync(string bicepFile)
    {
        lock (Compiled)
        {
            if (!Compiled.TryGetValue(bicepFile, out var compiled))
            {
                compiled = new Lazy<Task<JsonObject>>(() => CompileAsync(bicepFile));
                Compiled.Add(bicepFile, compiled);
            }

            return compiled.Value;
        }
    }

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

    private static async Task<JsonObject> CompileAsync(string bicepFile)
    {
        var run = await RunAsync("build", bicepFile, "--stdout");
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build of {bicepFile} failed ({run.ExitCode}):\n{run.StandardError}");
        }

        return JsonNode.Parse(run.StandardOutput)?.AsObject() ?? throw new InvalidOperationException("bicep build printed no template.");
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; see Publishing.IntegrationTests.csproj.");
}
