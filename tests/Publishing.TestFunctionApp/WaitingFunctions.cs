using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Publishing.TestFunctionApp;

/// <summary>A function that waits until its invocation is cancelled, to prove a client's abort reaches it.</summary>
public sealed class WaitingFunctions(CallLog calls)
{
    /// <remarks>
    /// Waits on the invocation's token (<see cref="FunctionContext.CancellationToken"/>), which only the host's
    /// <c>InvocationCancel</c> cancels; <c>HttpContext.RequestAborted</c> is a different token, so a
    /// <see cref="CallLog.Cancelled"/> row means the host sent the cancel.
    /// </remarks>
    [Function(nameof(Waits))]
    public async Task<IActionResult> Waits(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "test/waits/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        await calls.RecordAsync(nameof(Waits), id, CallLog.Started, cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await calls.RecordAsync(nameof(Waits), id, CallLog.Cancelled, CancellationToken.None);
            throw;
        }

        return Results.NoContent().ToActionResult();
    }
}
