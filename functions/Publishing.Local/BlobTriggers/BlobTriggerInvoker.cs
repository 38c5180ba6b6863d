using System.Text.Json;
using Azure.Storage.Blobs;
using Google.Protobuf;
using Publishing.Local.Functions;
using Publishing.Local.Worker;
using Publishing.Local.Worker.Rpc;

namespace Publishing.Local.BlobTriggers;

/// <summary>
/// Invokes a blob-triggered function in the worker as the Functions host does for an Event Grid-sourced trigger:
/// the trigger parameter gets <c>ModelBindingData</c> naming the connection, container and blob (the worker's
/// blob converter makes the <c>BlobClient</c> or <c>Stream</c> from it), and the trigger metadata carries
/// <c>BlobTrigger</c>, <c>Uri</c>, the blob's <c>Metadata</c> and the values of the path's placeholders
/// (<c>name</c>), strings as strings and the rest as JSON.
/// </summary>
internal sealed class BlobTriggerInvoker(WorkerHost worker)
{
    public async Task InvokeAsync(BlobTriggerFunction function, BlobClient blob, IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> bindingData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(bindingData);
        await worker.InvokeTriggerAsync(function.Name, request =>
        {
            request.InputData.Add(new ParameterBinding
            {
                Name = function.TriggerParameter,
                Data = new TypedData
                {
                    ModelBindingData = new ModelBindingData
                    {
                        Version = "1.0",
                        Source = "AzureStorageBlobs",
                        ContentType = "application/json",
                        Content = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(
                            new BlobReference(function.Connection, blob.BlobContainerName, blob.Name), BlobTriggerMessageJson.Default.BlobReference)),
                    },
                },
            });
            foreach (var (name, value) in bindingData)
            {
                request.TriggerMetadata[name == "blobTrigger" ? "BlobTrigger" : name] = new TypedData { String = value };
            }

            request.TriggerMetadata["Uri"] = new TypedData { Json = JsonSerializer.Serialize(blob.Uri.AbsoluteUri, BlobTriggerMessageJson.Default.String) };
            request.TriggerMetadata["Metadata"] = new TypedData { Json = JsonSerializer.Serialize(metadata, BlobTriggerMessageJson.Default.IReadOnlyDictionaryStringString) };
        }, cancellationToken);
    }
}

/// <summary>The <c>ModelBindingData</c> content of a blob, as the blob extension writes it.</summary>
internal sealed record BlobReference(string Connection, string ContainerName, string BlobName);
