using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Publishing.Storage;
using Publishing.Submissions;
using Publishing.Telemetry;

namespace Publishing.Publication;

/// <summary>
/// Serialises the processing of one article file across deliveries and instances: Event Grid delivers at least once,
/// and an edit can arrive while the previous version is still being published. The lock is a row beside the file's
/// submission status (same partition, row key <see cref="RowKey"/>), inserted to take it and deleted to give it back.
/// </summary>
/// <remarks>
/// <para>
/// A row rather than a blob lease (the Functions host's way for singletons) so that the outcome is recorded and the
/// lock given back in one entity group transaction, conditional on the lock row's ETag: a delivery that lost its lock
/// can never record an outcome over a newer delivery's, and a publish makes two lock calls (insert; delete with the
/// status) where a lease made four for a new file (acquire, create the blob, acquire, release) besides the status write.
/// </para>
/// <para>
/// The row says until when it is held (<c>ExpiresAt</c>, on the holder's clock, renewed every third of
/// <see cref="LeaseDuration"/>); a crashed holder's row is taken over once that time has passed, conditionally on its
/// ETag. Instances' clocks are assumed to agree within a few seconds of the 30 s. Should a renewal fail,
/// <see cref="HeldLock.Lost"/> is cancelled and the holder stops before its next write.
/// </para>
/// </remarks>
public sealed class PublishLock(StorageLayout storage, IOptions<PublishingOptions> options, TimeProvider time)
{
    /// <summary>A crashed holder frees the file after this long.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>The lock row's key in the file's partition of the submissions table (the status is <c>status</c>).</summary>
    public const string RowKey = "lock";

    /// <summary>Renewing at a third of the lease leaves two tries before it could run out.</summary>
    private static readonly TimeSpan RenewalPeriod = LeaseDuration / 3;

    private const string ExpiresAt = "ExpiresAt";

    /// <summary>Which acquisition wrote the row, so that one whose write was applied but unanswered knows the row is its own.</summary>
    private const string Holder = "Holder";

    public async Task<HeldLock> AcquireAsync(string blobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        using var step = PublishingTelemetry.StartStep("lock");
        await storage.EnsureCreatedAsync(cancellationToken);
        var partition = SubmissionKey.For(blobName);
        var holder = Guid.NewGuid().ToString("N");
        var deadline = time.GetUtcNow() + options.Value.LockWaitTimeout;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                var row = Row(partition, holder);
                var added = await storage.Submissions.AddEntityAsync(row, cancellationToken);
                return new HeldLock(storage.Submissions, blobName, row, added.Headers.ETag ?? default, time);
            }
            catch (RequestFailedException e) when (e.IsConflict())
            {
                // Held by another delivery, or left behind by one that crashed.
            }

            var current = await storage.Submissions.GetEntityIfExistsAsync<TableEntity>(partition, RowKey, cancellationToken: cancellationToken);
            if (current is not { HasValue: true, Value: { } held })
            {
                continue; // given back meanwhile: take it
            }

            if (held.GetString(Holder) == holder)
            {
                // This delivery's own insert or take-over, applied with its answer lost and refused when the client retried it.
                return new HeldLock(storage.Submissions, blobName, Row(partition, holder), held.ETag, time);
            }

            if (held.GetDateTimeOffset(ExpiresAt) is not { } expires || expires <= time.GetUtcNow())
            {
                try
                {
                    var row = Row(partition, holder);
                    var taken = await storage.Submissions.UpdateEntityAsync(row, held.ETag, TableUpdateMode.Replace, cancellationToken);
                    return new HeldLock(storage.Submissions, blobName, row, taken.Headers.ETag ?? default, time);
                }
                catch (RequestFailedException e) when (e.IsPreconditionFailed() || e.IsNotFound())
                {
                    continue; // another delivery took it over, or it was given back: look again
                }
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException(
                    $"'{blobName}' has been locked by another delivery for {options.Value.LockWaitTimeout}; this delivery will be retried.");
            }

            // Another delivery holds it; it finishes in milliseconds, or its time runs out.
            await Task.Delay(pause, time, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
        }
    }

    private TableEntity Row(string partition, string holder) =>
        new(partition, RowKey) { [Holder] = holder, [ExpiresAt] = time.GetUtcNow() + LeaseDuration };

    /// <summary>A held lock, renewed in the background until it is given back: with the outcome, or on disposal.</summary>
    public sealed class HeldLock : IAsyncDisposable
    {
        private readonly TableClient _table;
        private readonly TableEntity _row;
        private readonly TimeProvider _time;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stopRenewing = new();
        private readonly Task _renewal;
        private ETag _etag;
        private bool _givenBack;

        internal HeldLock(TableClient table, string blobName, TableEntity row, ETag etag, TimeProvider time)
        {
            _table = table;
            BlobName = blobName;
            _row = row;
            _etag = etag;
            _time = time;
            _renewal = RenewAsync();
        }

        /// <summary>The file this lock is for.</summary>
        public string BlobName { get; }

        /// <summary>Cancelled when the lock could not be renewed: another delivery may hold the file now.</summary>
        public CancellationToken Lost => _lost.Token;

        /// <summary>
        /// Records <paramref name="status"/> (the file's outcome) and gives the lock back, in one transaction that applies
        /// only while this delivery still holds the lock. Throws when it does not any more: the status is then not written,
        /// and the delivery is retried from whatever the newer holder left.
        /// </summary>
        public async Task RecordAsync(SubmissionStatus status, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(status);
            ObjectDisposedException.ThrowIf(_givenBack, this);
            if (status.Name != BlobName)
            {
                throw new ArgumentException($"The status is for '{status.Name}', the lock for '{BlobName}'.", nameof(status));
            }

            await StopRenewingAsync();
            var recorded = SubmissionLog.ToEntity(status);
            recorded[Holder] = _row.GetString(Holder); // which delivery recorded it, should its answer be lost
            try
            {
                await _table.SubmitTransactionAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.UpsertReplace, recorded),
                        new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_row.PartitionKey, RowKey), _etag),
                    ],
                    cancellationToken);
                _givenBack = true;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 1 && (e.IsPreconditionFailed() || e.IsNotFound()))
            {
                _givenBack = true; // nothing of ours is left to give back

                // Unless this very transaction applied with its answer lost, and the client's retry found the lock gone.
                if (await WrittenHereAsync(recorded.RowKey) is null)
                {
                    throw new InvalidOperationException(
                        $"The lock on '{BlobName}' ran out before its outcome was recorded; the delivery will be retried.", e);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopRenewingAsync();
            if (!_givenBack)
            {
                _givenBack = true;
                try
                {
                    await _table.DeleteEntityAsync(_row.PartitionKey, RowKey, _etag);
                }
                catch (RequestFailedException)
                {
                    // Taken over since (nothing of ours to give back), or storage failed: then it frees itself when its time runs out.
                }
            }

            _lost.Dispose();
            _stopRenewing.Dispose();
        }

        /// <summary>
        /// Row <paramref name="rowKey"/> of this file's partition if this holder wrote it last, else null: how a write
        /// applied with its answer lost is told from one refused when the client retried it.
        /// </summary>
        private async Task<TableEntity?> WrittenHereAsync(string rowKey)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(_row.PartitionKey, rowKey, cancellationToken: CancellationToken.None);
            return row is { HasValue: true, Value: { } entity } && entity.GetString(Holder) == _row.GetString(Holder) ? entity : null;
        }

        private async Task StopRenewingAsync()
        {
            if (!_stopRenewing.IsCancellationRequested)
            {
                await _stopRenewing.CancelAsync();
            }

            await _renewal;
        }

        private async Task RenewAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(RenewalPeriod, _time, _stopRenewing.Token);

                    // Not cancelled once sent: a renewal applied but unanswered would leave this lock with an outdated ETag.
                    _row[ExpiresAt] = _time.GetUtcNow() + LeaseDuration;
                    try
                    {
                        var renewed = await _table.UpdateEntityAsync(_row, _etag, TableUpdateMode.Replace, CancellationToken.None);
                        _etag = renewed.Headers.ETag ?? _etag;
                    }
                    catch (RequestFailedException e) when (e.IsPreconditionFailed())
                    {
                        // Taken over, or this renewal applied with its answer lost and refused when the client retried it:
                        // the row says which, since a take-over writes its own holder.
                        if (await WrittenHereAsync(RowKey) is not { } row)
                        {
                            throw;
                        }

                        _etag = row.ETag;
                    }
                }
            }
            catch (OperationCanceledException) when (_stopRenewing.IsCancellationRequested)
            {
            }
            catch (Exception)
            {
                // Whatever stopped the renewal, the lock can no longer be counted on.
                await _lost.CancelAsync();
            }
        }
    }
}
