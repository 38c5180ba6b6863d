#:package Azure.Storage.Blobs@12.30.1
#:property ManagePackageVersionsCentrally=false
using System.Diagnostics;
using Azure.Storage.Blobs;

// What one relay poll costs Azurite: the whole container listed (the relay before issue 14) against one page of 500
// blobs (Relay__ListPageSize, what EventRelay.PollAsync lists now), at growing numbers of files.
// Run: start a private Azurite on port 21000 (--inMemoryPersistence), then `dotnet run docs/measure/relay-listing-cost.cs -- <its pid>`.
var pid = int.Parse(args[0]);
var conn = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:21000/devstoreaccount1;";
var container = new BlobContainerClient(conn, "articles");
await container.CreateIfNotExistsAsync();
long Cpu() { var f = File.ReadAllText($"/proc/{pid}/stat").Split(' '); return long.Parse(f[13]) + long.Parse(f[14]); }
const int PageSize = 500;
var existing = 0;
Console.WriteLine("| files in the container | whole listing: Azurite CPU per poll | one page of 500: Azurite CPU per poll | whole listing: client time | one page: client time |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
foreach (var target in new[] { 100, 1000, 5000, 20000 })
{
    var body = BinaryData.FromString(new string('x', 5700));
    var uploads = Enumerable.Range(existing, target - existing).Select(i => container.GetBlobClient($"2025/{i:D5}.md").UploadAsync(body, overwrite: true));
    foreach (var chunk in uploads.Chunk(32))
    {
        await Task.WhenAll(chunk);
    }

    existing = target;

    // A marker half way through, as a sweep in the middle of the container asks.
    string? middle = null;
    var seen = 0;
    await foreach (var page in container.GetBlobsAsync().AsPages(null, PageSize))
    {
        seen += page.Values.Count;
        if (seen >= target / 2 || page.ContinuationToken is null) { middle = page.ContinuationToken; break; }
    }

    var polls = target >= 5000 ? 5 : 20;
    var (wholeCpu, wholeTime) = await MeasureAsync(polls, async () => { await foreach (var page in container.GetBlobsAsync().AsPages()) { _ = page.Values.Count; } });
    var (pageCpu, pageTime) = await MeasureAsync(polls, async () => { await foreach (var page in container.GetBlobsAsync().AsPages(middle, PageSize)) { _ = page.Values.Count; break; } });
    Console.WriteLine($"| {target:N0} | {wholeCpu:0} ms | {pageCpu:0} ms | {wholeTime:0} ms | {pageTime:0} ms |");
}

async Task<(double Cpu, double Time)> MeasureAsync(int polls, Func<Task> poll)
{
    var cpu0 = Cpu();
    var sw = Stopwatch.StartNew();
    for (var p = 0; p < polls; p++)
    {
        await poll();
    }

    sw.Stop();
    return ((Cpu() - cpu0) * 10.0 / polls, sw.Elapsed.TotalMilliseconds / polls);
}
