namespace Publishing.IntegrationTests.Deployment;

/// <summary>
/// The CI check of infra/: the Bicep compiles and lints with no error and no warning. A finding accepted on
/// purpose is suppressed in the Bicep itself (<c>#disable-next-line rule</c>) with the reason beside it.
/// </summary>
public sealed class BicepTests
{
    [Fact]
    public async Task Main_bicep_builds_without_errors_or_warnings()
    {
        var run = await BicepCli.RunAsync("build", BicepCli.MainBicep, "--stdout");

        Assert.True(run.ExitCode == 0, $"bicep build exited {run.ExitCode}:\n{run.StandardError}");
        Assert.True(run.Diagnostics(includeStdout: false).Count == 0,
            $"bicep build reported:\n{string.Join('\n', run.Diagnostics(includeStdout: false))}");
        Assert.StartsWith("{", run.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_bicep_lints_without_errors_or_warnings()
    {
        var run = await BicepCli.RunAsync("lint", BicepCli.MainBicep);

        Assert.True(run.ExitCode == 0 && run.Diagnostics(includeStdout: true).Count == 0,
            $"bicep lint exited {run.ExitCode} and reported:\n{string.Join('\n', run.Diagnostics(includeStdout: true))}");
    }
}
