using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Publishing.TestFunctionApp;

/// <summary>
/// Functions that wait until their invocation is cancelled: an HTTP one, to prove a client's abort reaches it, and a
/// blob-triggered one that waits on its first call only, to prove a message lost with its worker is delivered again.
/// </summary>
/// <remarks>
/// They wait on the invocation's token (<see cref="FunctionContext.CancellationToken"/>), which only the host's
/// <c>InvocationCancel</c> cancels; <c>HttpContext.RequestAborted</c> is a different token, so a
/// <see cref="CallLog.Cancelled"/> row means the host sent the cancel.
/// </remarks>
public sealed class WaitingFunctions(CallLog calls)
{
    [Function(nameof(Waits))]
    public async Task<IActionResult> Waits(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "test/waits/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await WaitUntilCancelledAsync(nameof(Waits), id, cancellationToken);
        return Results.NoContent().ToActionResult();
    }

    /// <summary>
    /// The first call for a blob records <see cref="CallLog.Started"/> and waits (until its worker is killed, say);
    /// every later one records <see cref="CallLog.Started"/>, then <see cref="CallLog.Call"/>, and succeeds.
    /// </summary>
    [Function(nameof(WaitsFirstTime))]
    public async Task WaitsFirstTime(
        [BlobTrigger("%WaitingContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (await calls.CountAsync(nameof(WaitsFirstTime), name, CallLog.Started, cancellationToken) == 0)
        {
            await WaitUntilCancelledAsync(nameof(WaitsFirstTime), name, cancellationToken);
        }

        await calls.RecordAsync(nameof(WaitsFirstTime), name, CallLog.Started, cancellationToken);
        await calls.RecordAsync(nameof(WaitsFirstTime), name, CallLog.Call, cancellationToken);
    }

    private async Task WaitUntilCancelledAsync(string function, string id, CancellationToken cancellationToken)
    {
        await calls.RecordAsync(function, id, CallLog.Started, cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await calls.RecordAsync(function, id, CallLog.Cancelled, CancellationToken.None);
            throw;
        }
    }
}
