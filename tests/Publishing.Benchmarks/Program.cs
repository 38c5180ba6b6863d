// Benchmarks of turning an article file into its page. Run in Release, from the repository root:
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- --filter '*'               (default job)
//   dotnet run -c Release --project tests/Publishing.Benchmarks -- --filter '*' --job short   (quick look)
using BenchmarkDotNet.Running;
using Publishing.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(ArticleConversionBenchmarks).Assembly).Run(args);
