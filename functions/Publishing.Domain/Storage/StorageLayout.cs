using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Publishing.Publication;

namespace Publishing.Storage;

/// <summary>
/// The containers and tables the app writes to, named by <see cref="PublishingOptions"/> and created on first
/// write. Readers never create anything: a missing container or table simply holds nothing yet.
/// </summary>
public sealed class StorageLayout
{
    /// <summary>
    /// The service key of the layout (and of the domain services built on it) whose clients have the read path's
    /// budget (<see cref="StorageReadOptions"/>); the unkeyed ones have the SDK's budget, for publishing and writes.
    /// </summary>
    public const string Reads = "Reads";

    private readonly Lock _gate = new();
    private Task? _creation;

    public StorageLayout(BlobServiceClient blobs, TableServiceClient tables, IOptions<PublishingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        var names = options.Value;
        Site = blobs.GetBlobContainerClient(names.SiteContainer);
        Locks = blobs.GetBlobContainerClient(names.LockContainer);
        Articles = tables.GetTableClient(names.ArticleTable);
        TagIndex = tables.GetTableClient(names.TagIndexTable);
        Tags = tables.GetTableClient(names.TagTable);
        Submissions = tables.GetTableClient(names.SubmissionTable);
        Comments = tables.GetTableClient(names.CommentTable);
    }

    public BlobContainerClient Site { get; }

    public BlobContainerClient Locks { get; }

    public TableClient Articles { get; }

    public TableClient TagIndex { get; }

    public TableClient Tags { get; }

    public TableClient Submissions { get; }

    public TableClient Comments { get; }

    /// <summary>Creates everything once per process; a failed attempt (storage down) is tried again by the next caller.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var creation = _creation;
        if (creation is not { IsCompletedSuccessfully: true })
        {
            lock (_gate)
            {
                if (_creation is null || _creation.IsFaulted || _creation.IsCanceled)
                {
                    _creation = CreateAllAsync();
                }

                creation = _creation;
            }
        }

        return creation.WaitAsync(cancellationToken);
    }

    private async Task CreateAllAsync() =>
        await Task.WhenAll(
            Site.CreateIfNotExistsAsync(),
            Locks.CreateIfNotExistsAsync(),
            Articles.CreateIfNotExistsAsync(),
            TagIndex.CreateIfNotExistsAsync(),
            Tags.CreateIfNotExistsAsync(),
            Submissions.CreateIfNotExistsAsync(),
            Comments.CreateIfNotExistsAsync());
}

internal static class StorageErrors
{
    /// <summary>True for "this entity, blob, table or container does not exist".</summary>
    public static bool IsNotFound(this RequestFailedException e) => e.Status == 404;

    public static bool IsConflict(this RequestFailedException e) => e.Status == 409;

    public static bool IsPreconditionFailed(this RequestFailedException e) => e.Status == 412;
}
