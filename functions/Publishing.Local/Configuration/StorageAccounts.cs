using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Configuration;

/// <summary>
/// Blob service clients by connection setting name, as a trigger's <c>Connection</c> names them: the app's own
/// <c>AzureWebJobsStorage</c> client from DI, and one client per other connection, made once.
/// </summary>
internal sealed class StorageAccounts(BlobServiceClient hostStorage, QueueServiceClient hostQueues, IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, BlobServiceClient> _others = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, QueueServiceClient> _otherQueues = new(StringComparer.OrdinalIgnoreCase);

    public QueueServiceClient Queues(string? connection) =>
        string.IsNullOrEmpty(connection) || string.Equals(connection, StorageConnection.Name, StringComparison.OrdinalIgnoreCase)
            ? hostQueues
            : _otherQueues.GetOrAdd(connection, name => StorageConnection.FromConfiguration(configuration, name).CreateQueueServiceClient());

    public BlobServiceClient Blobs(string? connection) =>
        string.IsNullOrEmpty(connection) || string.Equals(connection, StorageConnection.Name, StringComparison.OrdinalIgnoreCase)
            ? hostStorage
            : _others.GetOrAdd(connection, name => StorageConnection.FromConfiguration(configuration, name).CreateBlobServiceClient());
}
