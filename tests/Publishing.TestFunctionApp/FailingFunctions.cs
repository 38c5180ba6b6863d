using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Publishing.TestFunctionApp;

/// <summary>
/// Functions that fail: an HTTP one, to see what the client gets (the app's <c>HttpFaultMiddleware</c> answers),
/// and blob-triggered ones, to see the retries and the poison queue. Blob calls are counted in the <see cref="CallLog"/>.
/// </summary>
public sealed class FailingFunctions(CallLog calls)
{
    [Function(nameof(Explodes))]
    public static IActionResult Explodes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "test/explodes/{kind}")] HttpRequest request,
        string kind)
    {
        if (kind == "storage")
        {
            throw new RequestFailedException(503, "Azurite is away.");
        }

        throw new InvalidOperationException("Secret internals that must not reach the client.");
    }

    [Function(nameof(AlwaysFails))]
    public async Task AlwaysFails(
        [BlobTrigger("%FailingContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        await calls.RecordAsync(nameof(AlwaysFails), name, CallLog.Call, cancellationToken);
        throw new InvalidOperationException($"'{name}' cannot be processed (storage unavailable, say).");
    }

    /// <summary>Throws on the first two calls for a blob; the third reads the content to the end and succeeds.</summary>
    [Function(nameof(FailsTwice))]
    public async Task FailsTwice(
        [BlobTrigger("%FlakyContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] Stream content,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await calls.RecordAsync(nameof(FailsTwice), name, CallLog.Call, cancellationToken);
        if (await calls.CountAsync(nameof(FailsTwice), name, CallLog.Call, cancellationToken) <= 2)
        {
            throw new InvalidOperationException($"'{name}' fails this time.");
        }

        await content.CopyToAsync(Stream.Null, cancellationToken);
    }
}
