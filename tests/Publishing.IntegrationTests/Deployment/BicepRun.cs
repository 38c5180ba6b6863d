namespace Publishing.IntegrationTests.Deployment;

internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Every diagnostic line (errors, warnings, infos) the CLI printed; the template itself goes to stdout for build.</summary>
    public IReadOnlyList<string> Diagnostics(bool includeStdout) =>
        (includeStdout ? StandardOutput + "\n" + StandardError : StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
