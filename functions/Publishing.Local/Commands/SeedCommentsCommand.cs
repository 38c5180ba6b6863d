using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Articles;
using Publishing.Comments;
using Publishing.Local.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>seed-comments &lt;slug&gt; --count 10000</c>: writes synthetic comments straight into the article's partition of
/// the <c>comments</c> table (entity group transactions of 100, rows shaped as <see cref="CommentStore"/> writes them)
/// and sets the <c>~count</c> row to the number of shown comments in the partition, for measuring the article page's
/// cost against its number of comments. Run it while nobody posts to that article.
/// </summary>
internal static class SeedCommentsCommand
{
    private const int Batch = 100;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var arguments = CommandArguments.Parse(args);
        arguments.RejectUnknown("count");
        var slug = arguments.Positionals.Count == 1 ? arguments.Positionals[0] : throw new CommandLineException("seed-comments needs one article slug.");
        if (!Slug.IsSlug(slug))
        {
            throw new CommandLineException($"'{slug}' is not a slug (lower-case letters, digits and hyphens).");
        }

        var count = arguments.IntOption("count", 100, 1, 1_000_000);
        var configuration = LocalSettings.Load().BuildConfiguration();
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
        }

        var wrote = watch.Elapsed;
        watch.Restart();
        var shown = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {slug} and RowKey lt {"~"}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            shown++;
        }

        await table.UpsertEntityAsync(new TableEntity(slug, CommentStore.CountKey) { ["Count"] = shown }, TableUpdateMode.Replace, cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Seeded '{slug}': {count} comments written in {wrote.TotalSeconds:0.0} s; {shown} shown in the partition, counted in {watch.Elapsed.TotalMilliseconds:0} ms."));
        await output.WriteLineAsync($"Page: /articles/{slug}   comments: /api/articles/{slug}/comments");
        return 0;
    }
}
