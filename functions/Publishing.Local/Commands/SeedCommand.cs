using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Articles;
using Publishing.Listings;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>seed --tag load-10000 --count 10000</c>: writes synthetic entries straight into one tag's listing (in
/// transactions of 100) and recounts the tag, for measuring listing cost against a tag's size. No pages or
/// records are written: the entries are for the listing routes only.
/// </summary>
internal sealed class SeedCommand : Command
{
    private readonly CommandContext _context;
    private readonly Option<int> _count = CommandOptions.Number("--count", "Entries to write", 10, 1, 1_000_000);
    private readonly Option<string?> _tag = CommandOptions.Text("--tag", "The tag's slug; default load-<count>", "slug");

    public SeedCommand(CommandContext context)
        : base("seed", "Write synthetic entries straight into one tag's listing (transactions of 100), for load tests of the listing routes.")
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        Options.Add(_count);
        Options.Add(_tag);
        CommandOptions.AcceptSlugsOnly(_tag);
        SetAction((parsed, cancellationToken) =>
        {
            var count = parsed.GetValue(_count);
            return SeedAsync(parsed.GetValue(_tag) ?? string.Create(CultureInfo.InvariantCulture, $"load-{count}"), count, cancellationToken);
        });
    }

    private async Task<int> SeedAsync(string tag, int count, CancellationToken cancellationToken)
    {
        var console = _context.Console;
        var configuration = _context.BuildConfiguration();
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddPublishingStorage(configuration)
            .AddArticles(configuration)
            .BuildServiceProvider();
        var index = services.GetRequiredService<TagIndex>();
        var name = "Load " + count.ToString("N0", CultureInfo.InvariantCulture);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        var (written, wrote) = await console.WithProgressAsync(async bars =>
        {
            var bar = bars.Add("Writing entries", count, "entries");

            // Counted as the index takes them, a transaction of 100 at a time.
            var articles = Enumerable.Range(0, count).Select(i =>
            {
                bar.Advance();
                return new ListedArticle
                {
                    Slug = string.Create(CultureInfo.InvariantCulture, $"{tag}-{i:D7}"),
                    Title = string.Create(CultureInfo.InvariantCulture, $"Synthetic article {i} of {count}"),
                    Summary = "A synthetic listing entry written by the seed command to measure listing cost against the size of a tag.",
                    Author = "Load Test",
                    Published = start.AddMinutes(i),
                    Tags = [new Tag(tag, name)],
                };
            });
            var written = await index.BulkPutAsync(tag, name, articles, cancellationToken);
            bar.Finish();
            return (written, watch.Elapsed);
        });

        watch.Restart();
        await index.RecountAsync(tag, name, cancellationToken);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeded '{tag}': {count} entries written, {written} in the tag, in {wrote.TotalSeconds:0.0} s; a recount of the tag takes {watch.Elapsed.TotalMilliseconds:0} ms."));
        console.WriteLine($"Listing: /api/tags/{tag}/articles   page: /tags/{tag}   feed: /tags/{tag}/feed");
        return 0;
    }
}
