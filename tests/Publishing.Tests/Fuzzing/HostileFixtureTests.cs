using Publishing.Fuzzing;

namespace Publishing.Tests.Fuzzing;

/// <summary>
/// Every input that ever broke a property (found by the property tests or by afl-fuzz) is kept under
/// <c>Articles/Hostile</c>, named for what it does, and must hold every property from then on. Each file runs in a
/// worker process, so one that still overflows the stack fails its own case and not the test run.
/// </summary>
public sealed class HostileFixtureTests
{
    public static TheoryData<string> HostileFiles { get; } = [.. Directory
        .EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Articles", "Hostile"))
        .Where(path => !path.EndsWith(".result", StringComparison.Ordinal))
        .Select(path => Path.GetFileName(path))
        .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_file_is_published_or_rejected_and_never_breaks_a_property(string file)
    {
        var input = new FuzzInput(file, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Articles", "Hostile", file)));

        var result = FuzzRun.Run(input);

        Assert.True(result.Held, result.ToString());
    }
}
