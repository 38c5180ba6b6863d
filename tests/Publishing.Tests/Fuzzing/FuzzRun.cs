// Runs generated files through the oracle in worker processes (tests/Publishing.Fuzzing), so that a stack overflow,
// an endless loop or a memory bomb fails one property instead of killing or stalling the test run.
//
// Short run (the normal suite): each property a few hundred files. Long run: set CsCheck's own variables, which then
// decide every property's budget, e.g.
//   CsCheck_Time=300 dotnet test tests/Publishing.Tests --no-build --filter-class "Publishing.Tests.Fuzzing.*"
//   CsCheck_Iter=100000 ...        (iterations instead of seconds)
//   CsCheck_Seed=<seed> ...        (replays the failure a run printed)
// A long run also lets bombs grow to the 1 MiB size limit. The smallest input seen for each distinct failure (property,
// exception type and where it was thrown) is saved under fuzz-failures/ in the test output folder (or
// PUBLISHING_FUZZ_FAILURES), to become a fixture in Articles/Hostile. CsCheck stops asserting once it has a failure and
// only looks for smaller ones; PUBLISHING_FUZZ_HARVEST=1 instead asserts every file and fails at the end with the list
// of distinct failures, which is how to find every bug a generator can reach rather than the first.
using System.Collections.Concurrent;
using CsCheck;
using Publishing.Fuzzing;

namespace Publishing.Tests.Fuzzing;

public static class FuzzRun
{
    private static readonly ConcurrentBag<WorkerProcess> Idle = [];
    private static readonly ConcurrentBag<WorkerProcess> All = [];
    private static readonly ConcurrentDictionary<string, FuzzInput> Smallest = new(StringComparer.Ordinal);

    static FuzzRun()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var worker in All)
            {
                worker.Dispose();
            }
        };
    }

    /// <summary>True when CsCheck_Iter or CsCheck_Time asks for a long run.</summary>
    public static bool IsLong { get; } =
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CsCheck_Iter"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CsCheck_Time"));

    public static string FailuresFolder { get; } =
        Environment.GetEnvironmentVariable("PUBLISHING_FUZZ_FAILURES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(AppContext.BaseDirectory, "fuzz-failures");

    /// <summary>Checks every property on <paramref name="iterations"/> generated files (in a short run).</summary>
    public static void Sample(Gen<FuzzInput> gen, long iterations, string test)
    {
        ArgumentNullException.ThrowIfNull(gen);
        var harvest = Environment.GetEnvironmentVariable("PUBLISHING_FUZZ_HARVEST") == "1";
        var found = new ConcurrentDictionary<string, (FuzzInput Input, WorkerResult Result)>(StringComparer.Ordinal);
        gen.Sample(
            input =>
            {
                var result = Run(input);
                if (!result.Held)
                {
                    found.AddOrUpdate(result.Signature, (input, result), (_, old) => input.Content.Length < old.Input.Content.Length ? (input, result) : old);
                    Keep(test, input, result);
                    if (!harvest)
                    {
                        throw new PropertyException(result.ToString());
                    }
                }
            },
            iter: IsLong ? -1 : iterations,
            print: input => input.ToString());
        if (!found.IsEmpty)
        {
            throw new PropertyException($"{found.Count} distinct failures (smallest inputs in {FailuresFolder}):\n" + string.Join(
                "\n", found.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"- {f.Value.Result}\n  {f.Value.Input}")));
        }
    }

    /// <summary>
    /// One file through a worker, with a deadline well past the time bounds of parsing, rendering and the oracle's own
    /// checks: a hang is a step that never ends, not a slow one (the app's parse and render times are properties of their own).
    /// </summary>
    public static WorkerResult Run(FuzzInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Idle.TryTake(out var worker))
        {
            worker = new WorkerProcess(typeof(Worker).Assembly.Location);
            All.Add(worker);
        }

        try
        {
            var size = input.Content.Length;
            var deadline = TimeSpan.FromSeconds(10) + (2 * (OracleOptions.ParseBound(size) + OracleOptions.RenderBound(size) + OracleOptions.CheckBound(size)));
            return worker.Run(input.Name, input.Content, deadline);
        }
        finally
        {
            Idle.Add(worker);
        }
    }

    /// <summary>Saves the smallest input so far that broke a property, one file per property and broken rule.</summary>
    private static void Keep(string test, FuzzInput input, WorkerResult result)
    {
        var key = $"{test}-{result.Property}-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(result.Signature)))[..8]}";
        var kept = Smallest.AddOrUpdate(key, input, (_, old) => input.Content.Length < old.Content.Length ? input : old);
        if (!ReferenceEquals(kept, input))
        {
            return;
        }

        Directory.CreateDirectory(FailuresFolder);
        var extension = Path.GetExtension(input.Name);
        File.WriteAllBytes(Path.Combine(FailuresFolder, key + extension), input.Content);
        File.WriteAllText(Path.Combine(FailuresFolder, key + extension + ".result"), $"{input.Name}\n{result}\n");
    }
}
