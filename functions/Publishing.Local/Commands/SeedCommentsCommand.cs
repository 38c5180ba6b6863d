using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Comments;
using Publishing.Storage;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>seed-comments &lt;slug&gt; --count 10000</c>: writes synthetic comments straight into the article's partition of
/// the <c>comments</c> table (entity group transactions of 100, rows shaped as <see cref="CommentStore"/> writes them)
/// and sets the <c>~count</c> row to the number of shown comments in the partition, for measuring the article page's
/// cost against its number of comments. Run it while nobody posts to that article.
/// </summary>
internal sealed class SeedCommentsCommand : Command
{
    private const int Batch = 100;

    private readonly CommandContext _context;
    private readonly Argument<string> _slug = new("slug") { Description = "The article's slug" };
    private readonly Option<int> _count = CommandOptions.Number("--count", "Comments to write", 100, 1, 1_000_000);

    public SeedCommentsCommand(CommandContext context)
        : base("seed-comments", "Write synthetic comments straight into an article's comments partition (transactions of 100) and set its count, for load tests.")
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        Arguments.Add(_slug);
        CommandOptions.AcceptSlugsOnly(_slug);
        Options.Add(_count);
        SetAction((parsed, cancellationToken) => SeedAsync(parsed.GetValue(_slug)!, parsed.GetValue(_count), cancellationToken));
    }

    private async Task<int> SeedAsync(string slug, int count, CancellationToken cancellationToken)
    {
        var console = _context.Console;
        var configuration = _context.BuildConfiguration();
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddPublishingStorage(configuration)
            .AddArticles(configuration)
            .BuildServiceProvider();
        var storage = services.GetRequiredService<StorageLayout>();
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Comments;

        // Posted a second apart, ending now: seeded comments sort before any posted later.
        var start = DateTimeOffset.UtcNow.AddSeconds(-count);
        var watch = Stopwatch.StartNew();
        var (wrote, shown, counted) = await console.WithProgressAsync(async bars =>
        {
            var bar = bars.Add("Writing comments", count, "comments");
            foreach (var chunk in Enumerable.Range(0, count).Chunk(Batch))
            {
                var actions = chunk.Select(i =>
                {
                    var posted = start.AddSeconds(i);
                    var id = Comment.NewId(posted);
                    return new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(slug, id)
                    {
                        ["CommentId"] = id,
                        ["Author"] = string.Create(CultureInfo.InvariantCulture, $"Seeded reader {i % 97}"),
                        ["Body"] = string.Create(CultureInfo.InvariantCulture,
                            $"Seeded comment {i} of {count}: a synthetic comment of about the length a reader writes.\nWith a second line and a link, https://example.com/{i}."),
                        ["Posted"] = posted.UtcDateTime,
                        ["State"] = nameof(CommentState.Approved),
                    });
                });
                await table.SubmitTransactionAsync(actions, cancellationToken);
                bar.Advance(chunk.Length);
            }

            bar.Finish();
            var wrote = watch.Elapsed;
            watch.Restart();
            var counting = bars.Add("Counting", count, "comments");
            var shown = 0;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {slug} and RowKey lt {"~"}");
            await foreach (var _ in table.QueryAsync<TableEntity>(filter, 1000, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                shown++;
                counting.Advance();
            }

            counting.Finish();
            return (wrote, shown, watch.Elapsed);
        });

        await table.UpsertEntityAsync(new TableEntity(slug, CommentStore.CountKey) { ["Count"] = shown }, TableUpdateMode.Replace, cancellationToken);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeded '{slug}': {count} comments written in {wrote.TotalSeconds:0.0} s; {shown} shown in the partition, counted in {counted.TotalMilliseconds:0} ms."));
        console.WriteLine($"Page: /articles/{slug}   comments: /api/articles/{slug}/comments");
        return 0;
    }
}
