using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Listings;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Benchmarks.Bulk;

/// <summary>
/// Publishes a generated corpus through the domain's <see cref="ArticlePublisher"/>, wired as the app wires it, N at a
/// time, against the storage named by <c>--connection</c> (an Azurite of the run's own, to read its CPU time with
/// <c>--azurite-pid</c>). Prints the storage calls per publish by kind, the Azurite CPU per publish, and the wall time.
/// The files are uploaded first, outside the measurement; every outcome and the listings' counts are checked after it.
/// </summary>
/// <example>
/// <code>
/// dotnet run -c Release --project tests/Publishing.Benchmarks -- bulk --count 1000 --concurrency 16 \
///   --connection "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=...;BlobEndpoint=http://127.0.0.1:21000/devstoreaccount1;..." \
///   --azurite-pid 12345
/// </code>
/// </example>
public static class BulkPublishRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = IntOption(args, "--count", 1000);
        var concurrency = IntOption(args, "--concurrency", 16);
        var seed = IntOption(args, "--seed", NewsCorpus.DefaultSeed);
        var azuritePid = IntOption(args, "--azurite-pid", 0);
        var corpus = NewsCorpus.Generate(count, seed);
        if (Option(args, "--write-corpus") is { } folder)
        {
            NewsCorpus.WriteTo(folder, corpus);
            Console.WriteLine($"{corpus.Count} files, {corpus.Sum(f => f.Content.Length) / corpus.Count} bytes on average, written to {folder}");
            return 0;
        }

        var connection = Option(args, "--connection") ?? "UseDevelopmentStorage=true";
        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["Publishing:SiteContainer"] = $"site-{run}",
            ["Publishing:LockContainer"] = $"locks-{run}",
            ["Publishing:ArticleTable"] = $"articles{run}",
            ["Publishing:TagIndexTable"] = $"tagindex{run}",
            ["Publishing:TagTable"] = $"tags{run}",
            ["Publishing:SubmissionTable"] = $"submissions{run}",
            ["Publishing:CommentTable"] = $"comments{run}",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var counter = new StorageCallCounter();
        var services = new ServiceCollection()
            .AddLogging()
            .AddPublishingStorage(configuration)
            .AddArticles(configuration);
        services.AddAzureClients(clients => clients.ConfigureDefaults(options => options.AddPolicy(counter, HttpPipelinePosition.PerRetry)));
        await using var provider = services.BuildServiceProvider();

        var articles = provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient($"articles-{run}");
        await articles.CreateIfNotExistsAsync();
        await provider.GetRequiredService<StorageLayout>().EnsureCreatedAsync(CancellationToken.None);
        Console.WriteLine($"Uploading {corpus.Count} files ({corpus.Sum(f => f.Content.Length) / Math.Max(1, corpus.Count)} bytes on average) to {articles.Name}...");
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (file, ct) =>
            await articles.GetBlobClient(file.Name).UploadAsync(BinaryData.FromBytes(file.Content), overwrite: true, ct));

        var publisher = provider.GetRequiredService<ArticlePublisher>();
        var outcomes = new PublishOutcome[corpus.Count];
        var cpuBefore = AzuriteCpu(azuritePid);
        counter.Enabled = true;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, corpus.Count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (i, ct) => outcomes[i] = await publisher.PublishAsync(articles.GetBlobClient(corpus[i].Name), ct));
        var elapsed = Stopwatch.GetElapsedTime(started);
        counter.Enabled = false;
        var cpuAfter = AzuriteCpu(azuritePid);

        var published = outcomes.Count(o => o is PublishOutcome.Published);
        Console.WriteLine($"{published} of {corpus.Count} published in {elapsed.TotalSeconds:0.00} s ({corpus.Count / elapsed.TotalSeconds:0.0} files/s), concurrency {concurrency}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        if (cpuBefore is { } before && cpuAfter is { } after)
        {
            Console.WriteLine($"Azurite CPU: {after - before:0} ms in all, {(after - before) / corpus.Count:0.0} ms per publish");
        }

        Console.WriteLine($"Storage calls: {counter.Total} in all, {(double)counter.Total / corpus.Count:0.00} per publish");
        foreach (var (kind, n) in counter.Counts.OrderByDescending(c => c.Value))
        {
            Console.WriteLine($"  {(double)n / corpus.Count,6:0.00}  {kind}");
        }

        return await CheckAsync(provider, corpus, outcomes) ? 0 : 1;
    }

    /// <summary>Every file published, listed once in <c>_all</c>, and the hot tag counted exactly.</summary>
    private static async Task<bool> CheckAsync(IServiceProvider provider, IReadOnlyList<CorpusFile> corpus, PublishOutcome[] outcomes)
    {
        var ok = true;
        foreach (var (outcome, file) in outcomes.Zip(corpus).Where(p => p.First is not PublishOutcome.Published).Take(5))
        {
            Console.WriteLine($"NOT PUBLISHED: {file.Name}: {outcome}");
            ok = false;
        }

        var index = provider.GetRequiredService<TagIndex>();
        var listed = 0;
        string? after = null;
        do
        {
            var page = await index.PageAsync(TagIndex.AllArticles, 100, after, CancellationToken.None);
            listed += page.Items.Count;
            after = page.NextKey;
        }
        while (after is not null);

        var hot = global::Publishing.Articles.Slug.From(NewsCorpus.HotTag);
        var expectedHot = corpus.Count(f => f.Tags.Contains(NewsCorpus.HotTag));
        var counted = (await index.GetTagAsync(hot, CancellationToken.None))?.Count ?? 0;
        var directory = (await provider.GetRequiredService<TagDirectory>().ListAsync(CancellationToken.None)).FirstOrDefault(t => t.Slug == hot)?.Count ?? 0;
        Console.WriteLine($"Check: {listed} listed in _all (expected {corpus.Count}); '{hot}' counted {counted}, directory {directory} (expected {expectedHot})");
        return ok && listed == corpus.Count && counted == expectedHot && directory == expectedHot;
    }

    /// <summary>User plus system CPU time of a process, in milliseconds, from /proc (clock ticks of 10 ms).</summary>
    private static double? AzuriteCpu(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
