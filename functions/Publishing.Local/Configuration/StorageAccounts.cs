using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Configuration;

/// <summary>
/// Blob service clients by connection setting name, as a trigger's <c>Connection</c> names them: the app's own
/// <c>AzureWebJobsStorage</c> client from DI, and one client per other connection, made once.
/// </summary>
internal sealed class StorageAccounts(BlobServiceClient hostStorage, IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, BlobServiceClient> _others = new(StringComparer.OrdinalIgnoreCase);

    public BlobServiceClient Blobs(string? connection) =>
        string.IsNullOrEmpty(connection) || string.Equals(connection, StorageConnection.Name, StringComparison.OrdinalIgnoreCase)
            ? hostStorage
            : _others.GetOrAdd(connection, name => StorageConnection.FromConfiguration(configuration, name).CreateBlobServiceClient());
}
