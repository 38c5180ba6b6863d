using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Publishing.Storage;

namespace Publishing.Tests.Storage;

public sealed class OptimisticRetryTests
{
    private const WriteRefusals ConflictOrPrecondition = WriteRefusals.Conflict | WriteRefusals.PreconditionFailed;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refused_write_is_run_again_until_it_succeeds_and_its_answer_returned()
    {
        var time = new FakeTimeProvider();
        var retry = new OptimisticRetry(5, ConflictOrPrecondition, time);
        var attempts = 0;

        var run = retry.RunAsync(_ => ++attempts switch
        {
            1 => Task.FromException<int>(new RequestFailedException(409, "conflict")),
            2 => Task.FromException<int>(new RequestFailedException(412, "precondition failed")),
            _ => Task.FromResult(42),
        }, Token);

        Assert.Equal(42, await CompleteAsync(time, run));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task After_the_last_attempt_its_refusal_is_thrown()
    {
        var time = new FakeTimeProvider();
        var retry = new OptimisticRetry(4, ConflictOrPrecondition, time);
        var attempts = 0;

        var run = retry.RunAsync<int>(_ => throw new RequestFailedException(412, $"refused {++attempts}"), Token);

        var thrown = await Assert.ThrowsAsync<RequestFailedException>(() => CompleteAsync(time, run));
        Assert.Equal("refused 4", thrown.Message);
        Assert.Equal(4, attempts);
    }

    [Theory]
    [InlineData(ConflictOrPrecondition, 404)]
    [InlineData(ConflictOrPrecondition, 500)]
    [InlineData(ConflictOrPrecondition, 0)]
    [InlineData(WriteRefusals.Conflict, 412)]
    [InlineData(WriteRefusals.PreconditionFailed, 409)]
    [InlineData(WriteRefusals.NotFound, 409)]
    public async Task A_refusal_it_was_not_given_is_thrown_at_once(WriteRefusals retryOn, int status)
    {
        var retry = new OptimisticRetry(5, retryOn, new FakeTimeProvider());
        var attempts = 0;

        var thrown = await Assert.ThrowsAsync<RequestFailedException>(() => retry.RunAsync<int>(
            _ =>
            {
                attempts++;
                throw new RequestFailedException(status, "refused");
            },
            Token));

        Assert.Equal(status, thrown.Status);
        Assert.Equal(1, attempts);
    }

    [Theory]
    [InlineData(WriteRefusals.Conflict, 409)]
    [InlineData(WriteRefusals.PreconditionFailed, 412)]
    [InlineData(WriteRefusals.NotFound, 404)]
    public async Task Each_refusal_it_was_given_is_retried(WriteRefusals retryOn, int status)
    {
        var time = new FakeTimeProvider();
        var retry = new OptimisticRetry(5, retryOn, time);
        var attempts = 0;

        var run = retry.RunAsync(_ => ++attempts == 1 ? Task.FromException<int>(new RequestFailedException(status, "refused")) : Task.FromResult(attempts), Token);

        Assert.Equal(2, await CompleteAsync(time, run));
    }

    [Fact]
    public async Task An_exception_that_is_no_storage_refusal_is_thrown_at_once()
    {
        var retry = new OptimisticRetry(5, ConflictOrPrecondition, new FakeTimeProvider());
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => retry.RunAsync<int>(
            _ =>
            {
                attempts++;
                throw new InvalidOperationException("not storage");
            },
            Token));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Only_refusals_of_the_type_asked_for_are_retried()
    {
        var time = new FakeTimeProvider();
        var retry = new OptimisticRetry(5, ConflictOrPrecondition, time);
        var attempts = 0;

        await Assert.ThrowsAsync<RequestFailedException>(() => retry.RunAsync<int, TableTransactionFailedException>(
            _ =>
            {
                attempts++;
                throw new RequestFailedException(409, "a conflict outside a transaction");
            },
            beforeRetry: null,
            Token));
        Assert.Equal(1, attempts);

        var run = retry.RunAsync<int, TableTransactionFailedException>(
            _ => ++attempts == 2 ? Task.FromException<int>(new TableTransactionFailedException(new RequestFailedException(409, "conflict"))) : Task.FromResult(attempts),
            beforeRetry: null,
            Token);
        Assert.Equal(3, await CompleteAsync(time, run));
    }

    [Fact]
    public async Task Before_each_retry_the_caller_sees_the_refusal_but_not_after_the_last_attempt()
    {
        var time = new FakeTimeProvider();
        var retry = new OptimisticRetry(3, ConflictOrPrecondition, time);
        var steps = new List<string>();
        var attempts = 0;

        var run = retry.RunAsync<int, RequestFailedException>(
            _ =>
            {
                steps.Add("attempt " + ++attempts);
                throw new RequestFailedException(409, "refused " + attempts);
            },
            (refusal, _) =>
            {
                steps.Add("saw " + refusal.Message);
                return Task.CompletedTask;
            },
            Token);

        await Assert.ThrowsAsync<RequestFailedException>(() => CompleteAsync(time, run));
        Assert.Equal(["attempt 1", "saw refused 1", "attempt 2", "saw refused 2", "attempt 3"], steps);
    }

    [Fact]
    public async Task The_next_attempt_waits_for_a_pause_on_the_given_clock()
    {
        var time = new FakeTimeProvider();
        var retry = new OptimisticRetry(5, ConflictOrPrecondition, time);
        var attempts = 0;

        var run = retry.RunAsync(_ => ++attempts == 1 ? Task.FromException<int>(new RequestFailedException(409, "refused")) : Task.FromResult(attempts), Token);

        time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(1, attempts); // the shortest pause is 5 ms
        Assert.False(run.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(16)); // the longest after a first refusal is under 20 ms
        Assert.Equal(2, await run.WaitAsync(TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public void The_pause_is_jittered_between_5_ms_and_a_bound_that_grows_10_ms_an_attempt_to_210_ms()
    {
        foreach (var attempt in new[] { 1, 2, 5, 20, 21, 100 })
        {
            var bound = 10 + (10 * Math.Min(attempt, 20));
            var pauses = Enumerable.Range(0, 2000).Select(_ => OptimisticRetry.PauseAfter(attempt).TotalMilliseconds).ToList();
            Assert.All(pauses, p => Assert.InRange(p, 5, bound - 1));
            Assert.True(pauses.Distinct().Count() > 1, $"no jitter after attempt {attempt}");
            Assert.True(pauses.Max() >= bound - 1 - (bound / 5), $"the pauses after attempt {attempt} stay well below {bound} ms");
        }
    }

    [Fact]
    public async Task Cancelling_during_the_pause_stops_without_another_attempt()
    {
        var time = new FakeTimeProvider();
        var retry = new OptimisticRetry(5, ConflictOrPrecondition, time);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var attempts = 0;

        var run = retry.RunAsync<int>(_ =>
        {
            attempts++;
            throw new RequestFailedException(409, "refused");
        }, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_write_cancelled_before_it_starts_is_not_attempted()
    {
        var retry = new OptimisticRetry(5, ConflictOrPrecondition, new FakeTimeProvider());
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => retry.RunAsync(_ => Task.FromResult(++attempts), new CancellationToken(canceled: true)));

        Assert.Equal(0, attempts);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void At_least_one_attempt_is_required(int maxAttempts) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OptimisticRetry(maxAttempts, ConflictOrPrecondition, TimeProvider.System));

    /// <summary>Moves the fake clock on until <paramref name="run"/> ends: each pause passes without a real wait.</summary>
    private static async Task<T> CompleteAsync<T>(FakeTimeProvider time, Task<T> run)
    {
        for (var step = 0; step < 1000 && !run.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(10), Token));
        }

        return await run;
    }
}
