using Microsoft.Extensions.Options;

namespace Publishing.Storage;

/// <summary>
/// Holds a reader's request to <see cref="StorageReadOptions.Deadline"/>: the storage work runs with a token that is
/// cancelled when the budget is spent, and a cancellation the caller did not ask for (the deadline, or the read
/// clients' own per-try timeout) comes out as a <see cref="TimeoutException"/>, which the HTTP edge answers like any
/// storage fault: <c>503</c> with <c>Retry-After</c>.
/// </summary>
public sealed class StorageReadBudget(IOptions<StorageReadOptions> options)
{
    private readonly TimeSpan _deadline = (options ?? throw new ArgumentNullException(nameof(options))).Value.Deadline;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_deadline);
        try
        {
            return await read(deadline.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsCancellation(e))
        {
            throw new TimeoutException($"Storage did not answer within the read budget of {_deadline.TotalSeconds:0.###} s.", e);
        }
    }

    /// <summary>A cancellation, or the SDK's "retry failed" over tries that were each cancelled (its network timeout).</summary>
    private static bool IsCancellation(Exception e) =>
        e is OperationCanceledException
        || (e is AggregateException aggregate && aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsCancellation));
}
