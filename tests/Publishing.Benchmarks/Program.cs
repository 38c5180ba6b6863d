// Benchmarks of turning an article file into its page. Run in Release, from the repository root:
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- --filter '*'               (default job)
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- --filter '*' --job short   (quick look)
// and of publishing a generated corpus against storage (docs/performance.md, "Bulk"):
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- bulk --count 1000 --connection "..." --azurite-pid N
using BenchmarkDotNet.Running;
using Publishing.Benchmarks;
using Publishing.Benchmarks.Bulk;

if (args is ["bulk", ..])
{
    return await BulkPublishRun.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ArticleConversionBenchmarks).Assembly).Run(args);
return 0;
