using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using Publishing.Storage;

namespace Publishing.Publishing;

/// <summary>
/// Serialises the processing of one article file across deliveries and instances with a blob lease (the way
/// the Functions host makes singletons): Event Grid delivers at least once, and an edit can arrive while the
/// previous version is still being published.
/// </summary>
public sealed class PublishLock(StorageLayout storage, IOptions<PublishingOptions> options, TimeProvider time)
{
    /// <summary>Longer than any one publish; a crashed holder frees the file after this long.</summary>
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    public async Task<IAsyncDisposable> AcquireAsync(string blobName, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var lockBlob = storage.Locks.GetBlobClient(Submissions.SubmissionKey.For(blobName));
        var lease = lockBlob.GetBlobLeaseClient();
        var deadline = time.GetUtcNow() + options.Value.LockWaitTimeout;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                await lease.AcquireAsync(LeaseDuration, cancellationToken: cancellationToken);
                return new Held(lease);
            }
            catch (RequestFailedException e) when (e.IsNotFound())
            {
                await CreateLockBlobAsync(lockBlob, cancellationToken);
                continue;
            }
            catch (RequestFailedException e) when (e.IsConflict())
            {
                // Another delivery holds it; it finishes in milliseconds, or its lease runs out.
                if (time.GetUtcNow() >= deadline)
                {
                    throw new TimeoutException(
                        $"'{blobName}' has been locked by another delivery for {options.Value.LockWaitTimeout}; this delivery will be retried.", e);
                }
            }

            await Task.Delay(pause, time, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
        }
    }

    private static async Task CreateLockBlobAsync(BlobClient lockBlob, CancellationToken cancellationToken)
    {
        try
        {
            await lockBlob.UploadAsync(
                BinaryData.Empty,
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            // Created (and perhaps leased) by a concurrent delivery in the meantime.
        }
    }

    private sealed class Held(BlobLeaseClient lease) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await lease.ReleaseAsync();
            }
            catch (RequestFailedException)
            {
                // The lease expired and may be someone else's now; there is nothing of ours to release.
            }
        }
    }
}
