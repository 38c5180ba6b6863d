using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Articles;
using Publishing.Listings;
using Publishing.Local.Configuration;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>seed --tag load-10000 --count 10000</c>: writes synthetic entries straight into one tag's listing (in
/// transactions of 100) and recounts the tag, for measuring listing cost against a tag's size. No pages or
/// records are written: the entries are for the listing routes only.
/// </summary>
internal static class SeedCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var arguments = CommandArguments.Parse(args);
        arguments.RejectUnknown("tag", "count");
        var count = arguments.IntOption("count", 10, 1, 1_000_000);
        var tag = arguments.Option("tag") ?? string.Create(CultureInfo.InvariantCulture, $"load-{count}");
        if (!Slug.IsSlug(tag))
        {
            throw new CommandLineException($"--tag must be a slug (lower-case letters, digits and hyphens), not '{tag}'.");
        }

        var configuration = LocalSettings.Load().BuildConfiguration();
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddPublishingStorage(configuration)
            .AddArticles(configuration)
            .BuildServiceProvider();
        var index = services.GetRequiredService<TagIndex>();
        var name = "Load " + count.ToString("N0", CultureInfo.InvariantCulture);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var articles = Enumerable.Range(0, count).Select(i => new ListedArticle
        {
            Slug = string.Create(CultureInfo.InvariantCulture, $"{tag}-{i:D7}"),
            Title = string.Create(CultureInfo.InvariantCulture, $"Synthetic article {i} of {count}"),
            Summary = "A synthetic listing entry written by the seed command to measure listing cost against the size of a tag.",
            Author = "Load Test",
            Published = start.AddMinutes(i),
            Tags = [new Tag(tag, name)],
        });

        var watch = Stopwatch.StartNew();
        var written = await index.BulkPutAsync(tag, name, articles, cancellationToken);
        var wrote = watch.Elapsed;
        watch.Restart();
        await index.RecountAsync(tag, name, cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Seeded '{tag}': {count} entries written, {written} in the tag, in {wrote.TotalSeconds:0.0} s; a recount of the tag takes {watch.Elapsed.TotalMilliseconds:0} ms."));
        await output.WriteLineAsync($"Listing: /api/tags/{tag}/articles   page: /tags/{tag}   feed: /tags/{tag}/feed");
        return 0;
    }
}
