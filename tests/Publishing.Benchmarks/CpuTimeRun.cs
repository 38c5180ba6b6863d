using System.Globalization;
using Publishing.Tests;

namespace Publishing.Benchmarks;

/// <summary>
/// The conversion stages of <see cref="ArticleConversionBenchmarks"/> measured in the measuring thread's CPU time
/// (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>) rather than wall time, which holds up better on a loaded box: other
/// processes' time and the JIT's background compiles are not counted, the collections the thread's allocations cause
/// are; cache and core sharing still show. Every stage of every input is warmed up first (about a second each, so that
/// tiered compilation has settled); then each round runs every stage for about 0.2 s of CPU in turn, and the median
/// and the fastest round per stage are reported.
/// </summary>
/// <example><c>dotnet run -c Release --project tests/Publishing.Benchmarks -- cpu --rounds 15</c></example>
public static class CpuTimeRun
{
    private static readonly string[] Stages = ["MarkdigOnly", "ArticlePipelineMarkdown", "ParseOnly", "PublishPipeline", "FullPipeline"];

    public static int Run(string[] args)
    {
        var rounds = args is [.., "--rounds", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 15;
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| input | stage | CPU µs/op, median round | fastest round | median / Markdig's | fastest / Markdig's |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        var inputs = ArticleConversionBenchmarks.Inputs().Select(input =>
        {
            var benchmarks = new ArticleConversionBenchmarks { Input = input };
            benchmarks.Setup();
            Func<object>[] stages =
            [
                benchmarks.MarkdigOnly, benchmarks.ArticlePipelineMarkdown, benchmarks.ParseOnly, benchmarks.PublishPipeline, benchmarks.FullPipeline,
            ];
            return (Input: input, Stages: stages);
        }).ToList();

        // Warm-up, and operations per round: about 0.2 s of CPU per stage.
        var perRound = inputs.Select(i => i.Stages.Select(stage =>
        {
            var once = Measure(stage, 20);
            Measure(stage, Math.Max(20, (int)(1_000_000 / Math.Max(once, 1))));
            return Math.Max(20, (int)(200_000 / Math.Max(Measure(stage, 50), 1)));
        }).ToArray()).ToArray();

        var samples = inputs.Select(i => i.Stages.Select(_ => new List<double>()).ToArray()).ToArray();
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                for (var s = 0; s < Stages.Length; s++)
                {
                    samples[i][s].Add(Measure(inputs[i].Stages[s], perRound[i][s]));
                }
            }
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var (markdig, fastestMarkdig) = (Median(samples[i][0]), samples[i][0].Min());
            for (var s = 0; s < Stages.Length; s++)
            {
                var (median, fastest) = (Median(samples[i][s]), samples[i][s].Min());
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {inputs[i].Input} | {Stages[s]} | {median:0.0} | {fastest:0.0} | {median / markdig:0.00}× | {fastest / fastestMarkdig:0.00}× |"));
            }
        }

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>This thread's CPU microseconds per call of <paramref name="stage"/> over <paramref name="count"/> calls.</summary>
    private static double Measure(Func<object> stage, int count)
    {
        var before = ThreadCpuTime.Now();
        for (var i = 0; i < count; i++)
        {
            GC.KeepAlive(stage());
        }

        return (ThreadCpuTime.Now() - before).TotalMicroseconds / count;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
