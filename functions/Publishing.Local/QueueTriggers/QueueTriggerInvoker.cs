using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Functions;
using Publishing.Local.Worker;
using Publishing.Local.Worker.Rpc;

namespace Publishing.Local.QueueTriggers;

/// <summary>
/// Invokes a Storage queue-triggered function in the worker as the Functions host does: the message text as the
/// trigger parameter, and the message's properties as trigger metadata (<c>QueueTrigger</c>, <c>Id</c>,
/// <c>PopReceipt</c>, <c>DequeueCount</c>, <c>InsertionTime</c>, <c>ExpirationTime</c>, <c>NextVisibleTime</c>).
/// </summary>
internal sealed class QueueTriggerInvoker(WorkerHost worker)
{
    public async Task InvokeAsync(QueueTriggerFunction function, QueueMessage message, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(message);
        await worker.InvokeTriggerAsync(function.Name, request =>
        {
            request.InputData.Add(new ParameterBinding { Name = function.TriggerParameter, Data = new TypedData { String = text } });
            request.TriggerMetadata["QueueTrigger"] = new TypedData { String = text };
            request.TriggerMetadata["Id"] = new TypedData { String = message.MessageId };
            request.TriggerMetadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
            request.TriggerMetadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
            request.TriggerMetadata["InsertionTime"] = Time(message.InsertedOn);
            request.TriggerMetadata["ExpirationTime"] = Time(message.ExpiresOn);
            request.TriggerMetadata["NextVisibleTime"] = Time(message.NextVisibleOn);
        }, cancellationToken);
    }

    private static TypedData Time(DateTimeOffset? time) =>
        new() { Json = time is { } t ? JsonSerializer.Serialize(t.ToUniversalTime(), BlobTriggerMessageJson.Default.DateTimeOffset) : "null" };
}
