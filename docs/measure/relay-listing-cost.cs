#:package Azure.Storage.Blobs@12.30.1
using System.Diagnostics;
using Azure.Storage.Blobs;

// What one relay poll costs today: listing the whole container (what EventRelay.PollAsync does every poll).
// Run: start a private Azurite on port 21000 (--inMemoryPersistence), then `dotnet run docs/measure/relay-listing-cost.cs -- <its pid>`.
var pid = int.Parse(args[0]);
var conn = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:21000/devstoreaccount1;";
var container = new BlobContainerClient(conn, "articles");
await container.CreateIfNotExistsAsync();
long Cpu() { var f = File.ReadAllText($"/proc/{pid}/stat").Split(' '); return long.Parse(f[13]) + long.Parse(f[14]); }
var existing = 0;
foreach (var target in new[] { 100, 5000 })
{
    var body = BinaryData.FromString(new string('x', 5700));
    var uploads = Enumerable.Range(existing, target - existing).Select(i => container.GetBlobClient($"2025/{i:D5}.md").UploadAsync(body, overwrite: true));
    foreach (var chunk in uploads.Chunk(32)) await Task.WhenAll(chunk);
    existing = target;
    const int polls = 20;
    var calls = 0; var cpu0 = Cpu(); var sw = Stopwatch.StartNew();
    for (var p = 0; p < polls; p++)
        await foreach (var page in container.GetBlobsAsync().AsPages()) { calls++; _ = page.Values.Count; }
    sw.Stop(); var cpu = Cpu() - cpu0;
    Console.WriteLine($"{target} files: {calls / (double)polls} list calls per poll, Azurite CPU {cpu * 10.0 / polls:0.0} ms per poll, client wall {sw.Elapsed.TotalMilliseconds / polls:0.0} ms per poll");
}
