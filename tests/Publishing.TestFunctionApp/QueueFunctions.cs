using Microsoft.Azure.Functions.Worker;

namespace Publishing.TestFunctionApp;

/// <summary>
/// Queue-triggered functions that fail, to see the local host's retries and poison queue for queue triggers. Calls
/// are counted in the <see cref="CallLog"/> under the message's text.
/// </summary>
public sealed class QueueFunctions(CallLog calls)
{
    [Function(nameof(QueueAlwaysFails))]
    public async Task QueueAlwaysFails(
        [QueueTrigger("%FailingQueue%", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken)
    {
        await calls.RecordAsync(nameof(QueueAlwaysFails), message, CallLog.Call, cancellationToken);
        throw new InvalidOperationException($"'{message}' cannot be processed.");
    }

    /// <summary>Throws on the first two calls for a message; the third succeeds.</summary>
    [Function(nameof(QueueFailsTwice))]
    public async Task QueueFailsTwice(
        [QueueTrigger("%FlakyQueue%", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken)
    {
        await calls.RecordAsync(nameof(QueueFailsTwice), message, CallLog.Call, cancellationToken);
        if (await calls.CountAsync(nameof(QueueFailsTwice), message, CallLog.Call, cancellationToken) <= 2)
        {
            throw new InvalidOperationException($"'{message}' fails this time.");
        }
    }
}
