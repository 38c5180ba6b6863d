namespace Publishing.IntegrationTests.Deployment;

/// <summary>
/// The CI check of infra/: the Bicep compiles and lints with no error and no warning. A finding accepted on
/// purpose is suppressed in the Bicep itself (<c>#disable-next-line rule</c>) with the reason beside it.
/// </summary>
public sealed class BicepTests
{
    /// <summary>The Bicep files deployed on their own (modules are built and linted with the file that uses them).</summary>
    public static TheoryData<string> EntryPoints => [.. BicepCli.EntryPoints.Select(f => Path.GetRelativePath(BicepCli.InfraDirectory, f))];

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task Entry_point_builds_without_errors_or_warnings(string file)
    {
        var run = await BicepCli.RunAsync("build", Path.Combine(BicepCli.InfraDirectory, file), "--stdout");

        Assert.True(run.ExitCode == 0, $"bicep build exited {run.ExitCode}:\n{run.StandardError}");
        Assert.True(run.Diagnostics(includeStdout: false).Count == 0,
            $"bicep build reported:\n{string.Join('\n', run.Diagnostics(includeStdout: false))}");
        Assert.StartsWith("{", run.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task Entry_point_lints_without_errors_or_warnings(string file)
    {
        var run = await BicepCli.RunAsync("lint", Path.Combine(BicepCli.InfraDirectory, file));

        Assert.True(run.ExitCode == 0 && run.Diagnostics(includeStdout: true).Count == 0,
            $"bicep lint exited {run.ExitCode} and reported:\n{string.Join('\n', run.Diagnostics(includeStdout: true))}");
    }
}
