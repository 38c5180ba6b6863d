namespace Publishing.Storage;

/// <summary>
/// Group commit for one table partition: changes submitted while a commit is in flight wait for it and then go
/// together in the next one, up to <paramref name="maxBatch"/> at a time and never two for the same key in one batch
/// (an entity group transaction may touch an entity once). A lone change is committed at once, without waiting for
/// company; under load, many publishes share one transaction per shared partition.
/// </summary>
/// <remarks>
/// A commit that throws fails every change in its batch, and only those: their callers see the exception (a delivery
/// then throws and is retried), the changes queued behind them go in the next commit. A caller that gives up before
/// its change is taken into a batch is dropped from it; once taken, the change may be committed after the caller
/// stopped waiting, as a request in flight may be.
/// </remarks>
/// <param name="commit">Writes one batch; called by one commit at a time.</param>
/// <param name="key">The row a change writes: two changes with one key never share a batch.</param>
public sealed class GroupCommit<TChange>(Func<IReadOnlyList<TChange>, Task> commit, Func<TChange, string> key, int maxBatch)
{
    private readonly Lock _gate = new();
    private readonly List<Pending> _queue = [];
    private bool _running;

    public Task SubmitAsync(TChange change, CancellationToken cancellationToken)
    {
        var pending = new Pending(change, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        bool start;
        lock (_gate)
        {
            _queue.Add(pending);
            start = !_running;
            _running = true;
        }

        if (start)
        {
            _ = Task.Run(RunAsync, CancellationToken.None);
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                batch = TakeBatch();
                if (batch.Count == 0)
                {
                    _running = false;
                    return;
                }
            }

            try
            {
                await commit([.. batch.Select(p => p.Change)]);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }
    }

    /// <summary>The oldest waiting changes with distinct keys, under the lock.</summary>
    private List<Pending> TakeBatch()
    {
        var batch = new List<Pending>(Math.Min(_queue.Count, maxBatch));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _queue.Count && batch.Count < maxBatch;)
        {
            var pending = _queue[i];
            if (pending.Cancellation.IsCancellationRequested)
            {
                pending.Done.TrySetCanceled(pending.Cancellation);
                _queue.RemoveAt(i);
            }
            else if (keys.Add(key(pending.Change)))
            {
                batch.Add(pending);
                _queue.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        return batch;
    }

    private sealed record Pending(TChange Change, TaskCompletionSource Done, CancellationToken Cancellation);
}
