using Azure;

namespace Publishing.Storage;

/// <summary>The refusals of a conditional write that mean "another writer came first: read again and retry".</summary>
[Flags]
public enum WriteRefusals
{
    None = 0,

    /// <summary>409: an insert found the row or blob there already.</summary>
    Conflict = 1,

    /// <summary>412: the ETag the write was conditional on has changed.</summary>
    PreconditionFailed = 2,

    /// <summary>404: a row a replace or delete assumed is gone.</summary>
    NotFound = 4,
}

/// <summary>
/// The one retry loop of optimistic concurrency: read, write on condition, and when storage refuses the write because
/// another writer came first, pause a little and run the whole read-and-write again, up to a limit. Every such loop in
/// the domain (comments and their count, the tag index and the tag directory) runs through it, so the attempt limits,
/// the refusals that are retried and the pause between attempts are written once.
/// </summary>
/// <remarks>
/// The pause is short and jittered (<see cref="PauseAfter"/>), growing with the attempts, so writers that collided do
/// not collide again in step. Anything but a listed refusal, and the refusal of the last attempt, reaches the caller
/// unchanged.
/// </remarks>
/// <param name="maxAttempts">How many times the write is tried in all before its refusal is thrown.</param>
/// <param name="retryOn">The refusals that are retried.</param>
/// <param name="time">The clock the pauses are waited on.</param>
public sealed class OptimisticRetry(int maxAttempts, WriteRefusals retryOn, TimeProvider time)
{
    /// <summary>The longest pause grows for this many attempts, then stays (to 210 ms).</summary>
    private const int PauseGrowsFor = 20;

    public int MaxAttempts { get; } = maxAttempts >= 1
        ? maxAttempts
        : throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, "At least one attempt.");

    /// <summary>Runs <paramref name="attempt"/> until it returns, retrying the refusals this retry was given.</summary>
    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken) =>
        RunAsync<T, RequestFailedException>(attempt, beforeRetry: null, cancellationToken);

    /// <summary>As <see cref="RunAsync{T, TRefusal}"/>, for a write that answers nothing.</summary>
    public Task RunAsync<TRefusal>(
        Func<CancellationToken, Task> attempt,
        Func<TRefusal, CancellationToken, Task>? beforeRetry,
        CancellationToken cancellationToken)
        where TRefusal : RequestFailedException
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return RunAsync<bool, TRefusal>(
            async token =>
            {
                await attempt(token);
                return true;
            },
            beforeRetry,
            cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> until it returns, retrying the refusals this retry was given when they are a
    /// <typeparamref name="TRefusal"/>. Before each retry <paramref name="beforeRetry"/> sees the refusal, to correct
    /// what the refused write assumed (it is not called for the refusal of the last attempt, which is thrown).
    /// </summary>
    public async Task<T> RunAsync<T, TRefusal>(
        Func<CancellationToken, Task<T>> attempt,
        Func<TRefusal, CancellationToken, Task>? beforeRetry,
        CancellationToken cancellationToken)
        where TRefusal : RequestFailedException
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await attempt(cancellationToken);
            }
            catch (TRefusal e) when (attemptNumber < MaxAttempts && IsRetried(e))
            {
                if (beforeRetry is not null)
                {
                    await beforeRetry(e, cancellationToken);
                }

                await Task.Delay(PauseAfter(attemptNumber), time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The pause after failed attempt <paramref name="attempt"/>: at random from 5 ms to under 20 ms after the first,
    /// the upper end 10 ms longer after each further one, up to 210 ms.
    /// </summary>
    public static TimeSpan PauseAfter(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(5, 10 + (10 * Math.Clamp(attempt, 1, PauseGrowsFor))));

    private bool IsRetried(RequestFailedException e) =>
        (retryOn.HasFlag(WriteRefusals.Conflict) && e.IsConflict())
        || (retryOn.HasFlag(WriteRefusals.PreconditionFailed) && e.IsPreconditionFailed())
        || (retryOn.HasFlag(WriteRefusals.NotFound) && e.IsNotFound());
}
