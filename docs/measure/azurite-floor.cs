#:package Azure.Storage.Blobs@12.30.1
#:package Azure.Storage.Queues@12.28.1
#:package Azure.Data.Tables@12.13.0
#:property ManagePackageVersionsCentrally=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

// The floor of any pipeline that turns N dropped files into pages on Azurite: the storage calls no design can skip
// (the upload; a trigger message sent, received 32 at a time and deleted; the download; the page; one status write;
// the listing entries of every (article, tag) pair, grouped perfectly: 99 entries per transaction and partition),
// made by a bare client, 16 at a time, stage after stage, with the Azurite CPU each stage costs. No locks, no
// records, no counts, no retries: a real publisher makes more calls than this, never fewer.
// Then the two calls per file that the host and the spec add to any design on top of that floor: the blob
// extension reads a blob's properties before each invocation, and the spec's slug rule ("two blobs that claim the
// same slug: the second is rejected") needs the article's record written under its slug.
// Run: start a private Azurite on ports 21000-21002 (--inMemoryPersistence), then
//   dotnet run docs/measure/azurite-floor.cs -- <its pid> <corpus folder>     (the corpus: `bulk --write-corpus /tmp/corpus`)
var pid = int.Parse(args[0]);
var files = Directory.GetFiles(args[1], "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
var conn = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:21000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:21001/devstoreaccount1;TableEndpoint=http://127.0.0.1:21002/devstoreaccount1;";
var articles = new BlobContainerClient(conn, "articles");
var site = new BlobContainerClient(conn, "site");
var queue = new QueueClient(conn, "triggers");
var status = new TableClient(conn, "submissions");
var records = new TableClient(conn, "articles");
var index = new TableClient(conn, "tagindex");
await articles.CreateIfNotExistsAsync();
await site.CreateIfNotExistsAsync();
await queue.CreateIfNotExistsAsync();
await status.CreateIfNotExistsAsync();
await index.CreateIfNotExistsAsync();
await records.CreateIfNotExistsAsync();
long Cpu() { var f = File.ReadAllText($"/proc/{pid}/stat").Split(' '); return (long.Parse(f[13]) + long.Parse(f[14])) * 10; }
var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16 };
var contents = files.Select(File.ReadAllBytes).ToArray();
var names = files.Select(f => Path.GetRelativePath(args[1], f)).ToArray();
var page = BinaryData.FromBytes(new byte[8 * 1024]); // about what the app stores per article (body HTML and fields as JSON)
var rows = new List<(string Stage, int Calls, long CpuMs, double Seconds)>();

async Task Stage(string name, int calls, Func<Task> run)
{
    var cpu = Cpu();
    var started = Stopwatch.GetTimestamp();
    await run();
    rows.Add((name, calls, Cpu() - cpu, Stopwatch.GetElapsedTime(started).TotalSeconds));
}

void Total(string name, IReadOnlyCollection<(string Stage, int Calls, long CpuMs, double Seconds)> stages) =>
    Console.WriteLine($"| **{name}** | {stages.Sum(r => r.Calls)} | **{stages.Sum(r => r.CpuMs) / 1000.0:0.00} s** | {(double)stages.Sum(r => r.CpuMs) / stages.Sum(r => r.Calls):0.00} ms | {stages.Sum(r => r.Seconds):0.00} s |");

await Stage("upload (Put Blob)", files.Length, () => Parallel.ForEachAsync(Enumerable.Range(0, files.Length), parallel,
    async (i, ct) => await articles.GetBlobClient(names[i]).UploadAsync(BinaryData.FromBytes(contents[i]), overwrite: true, ct)));
await Stage("trigger message sent", files.Length, () => Parallel.ForEachAsync(names, parallel,
    async (n, ct) => await queue.SendMessageAsync(n, ct)));
var receives = 0;
await Stage("trigger message received (32 a call) and deleted", files.Length, async () =>
{
    var left = files.Length;
    while (left > 0)
    {
        var batch = (await queue.ReceiveMessagesAsync(32)).Value;
        receives++;
        await Parallel.ForEachAsync(batch, parallel, async (m, ct) => await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct));
        left -= batch.Length;
    }
});
rows[^1] = rows[^1] with { Calls = files.Length + receives };
await Stage("download", files.Length, () => Parallel.ForEachAsync(names, parallel,
    async (n, ct) => _ = (await articles.GetBlobClient(n).DownloadContentAsync(ct)).Value.Content));
await Stage("page (Put Blob, 8 KB)", files.Length, () => Parallel.ForEachAsync(Enumerable.Range(0, files.Length), parallel,
    async (i, ct) => await site.GetBlobClient($"articles/a-{i}.json").UploadAsync(page, overwrite: true, ct)));
await Stage("status (one entity)", files.Length, () => Parallel.ForEachAsync(Enumerable.Range(0, files.Length), parallel,
    async (i, ct) => await status.UpsertEntityAsync(new TableEntity($"f{i}", "status") { ["State"] = "Published", ["Slug"] = $"a-{i}" }, cancellationToken: ct)));

// Every (article, tag) pair and `_all`, grouped per partition into transactions of 99: what perfect batching would write.
var entries = files.Select((f, i) => (Index: i, Tags: TagsOf(contents[i]))).SelectMany(a => a.Tags.Append("_all").Select(t => (Partition: t, a.Index))).ToArray();
var transactions = entries.GroupBy(e => e.Partition).SelectMany(g => g.Chunk(99).Select(c => (Partition: g.Key, Rows: c))).ToArray();
await Stage($"listing entries ({entries.Length}, in {transactions.Length} transactions of one partition)", transactions.Length, () => Parallel.ForEachAsync(transactions, parallel,
    async (t, ct) => await index.SubmitTransactionAsync(
        t.Rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(t.Partition, $"{r.Index:D6}") { ["Title"] = $"Article {r.Index}" })), ct)));

var floor = rows.Count;
await Stage("blob properties (the blob extension, before each invocation)", files.Length, () => Parallel.ForEachAsync(names, parallel,
    async (n, ct) => await articles.GetBlobClient(n).GetPropertiesAsync(cancellationToken: ct)));
await Stage("article record (one insert under its slug)", files.Length, () => Parallel.ForEachAsync(Enumerable.Range(0, files.Length), parallel,
    async (i, ct) => await records.AddEntityAsync(new TableEntity($"a-{i}", "record") { ["File"] = names[i], ["Title"] = $"Article {i}" }, ct)));

Console.WriteLine($"{files.Length} files, {contents.Sum(c => c.Length) / files.Length} bytes on average, 16 calls at a time, Azurite pid {pid}");
Console.WriteLine("| stage | calls | Azurite CPU | per call | wall |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
for (var i = 0; i < rows.Count; i++)
{
    if (i == floor)
    {
        Total("the floor", rows[..floor]);
    }

    var (stage, calls, cpuMs, seconds) = rows[i];
    Console.WriteLine($"| {stage} | {calls} | {cpuMs / 1000.0:0.00} s | {(double)cpuMs / calls:0.00} ms | {seconds:0.00} s |");
}

Total("the floor, with what the host and the spec add", rows);

// The tags of the front matter's `tags: [a, b]` line, as slugs.
static string[] TagsOf(byte[] content)
{
    var text = System.Text.Encoding.UTF8.GetString(content);
    var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("tags:", StringComparison.Ordinal)) ?? "tags: []";
    return [.. line[5..].Trim().Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant().Replace(' ', '-'))];
}
