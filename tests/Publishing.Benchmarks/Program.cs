// Benchmarks of turning an article file into its page. Run in Release, from the repository root:
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- --filter '*'               (default job)
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- --filter '*' --job short   (quick look)
// the same stages in CPU time, steadier than wall time on a loaded box (docs/performance.md, "Converting one article"):
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- cpu [--rounds 15]
// and of publishing a generated corpus against storage (docs/performance.md, "Bulk"):
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- bulk --count 1000 --connection "..." --azurite-pid N
using BenchmarkDotNet.Running;
using Publishing.Benchmarks;
using Publishing.Benchmarks.Bulk;

if (args is ["cpu", ..])
{
    return CpuTimeRun.Run(args[1..]);
}

if (args is ["bulk", ..])
{
    return await BulkPublishRun.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ArticleConversionBenchmarks).Assembly).Run(args);
return 0;
