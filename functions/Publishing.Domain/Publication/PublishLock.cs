using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using Publishing.Storage;
using Publishing.Telemetry;

namespace Publishing.Publication;

/// <summary>
/// Serialises the processing of one article file across deliveries and instances with a blob lease (the way
/// the Functions host makes singletons): Event Grid delivers at least once, and an edit can arrive while the
/// previous version is still being published.
/// </summary>
/// <remarks>
/// The lease is renewed while it is held, so a publish slowed by storage retries is never run twice at once; should a
/// renewal fail (the lease was lost), <see cref="HeldLock.Lost"/> is cancelled and the holder stops before its next write.
/// </remarks>
public sealed class PublishLock(StorageLayout storage, IOptions<PublishingOptions> options, TimeProvider time)
{
    /// <summary>A crashed holder frees the file after this long.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>Renewing at a third of the lease leaves two tries before it could run out.</summary>
    private static readonly TimeSpan RenewalPeriod = LeaseDuration / 3;

    public async Task<HeldLock> AcquireAsync(string blobName, CancellationToken cancellationToken)
    {
        using var step = PublishingTelemetry.StartStep("lock");
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
                return new HeldLock(lease, time);
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

    /// <summary>A held lease, renewed in the background until it is disposed.</summary>
    public sealed class HeldLock : IAsyncDisposable
    {
        private readonly BlobLeaseClient _lease;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _released = new();
        private readonly Task _renewal;

        internal HeldLock(BlobLeaseClient lease, TimeProvider time)
        {
            _lease = lease;
            _renewal = RenewAsync(time);
        }

        /// <summary>Cancelled when the lease could not be renewed: another delivery may hold the file now.</summary>
        public CancellationToken Lost => _lost.Token;

        public async ValueTask DisposeAsync()
        {
            await _released.CancelAsync();
            await _renewal;
            try
            {
                await _lease.ReleaseAsync();
            }
            catch (RequestFailedException)
            {
                // The lease expired and may be someone else's now; there is nothing of ours to release.
            }

            _lost.Dispose();
            _released.Dispose();
        }

        private async Task RenewAsync(TimeProvider time)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(RenewalPeriod, time, _released.Token);
                    await _lease.RenewAsync(cancellationToken: _released.Token);
                }
            }
            catch (OperationCanceledException) when (_released.IsCancellationRequested)
            {
            }
            catch (Exception)
            {
                // Whatever stopped the renewal, the lease can no longer be counted on.
                await _lost.CancelAsync();
            }
        }
    }
}
