using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Publishing.IntegrationTests.Infrastructure;
using Publishing.Local.Configuration;
using Publishing.Local.Triggers;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The trigger message pump on a real Azurite queue, with calls the test ends one at a time.</summary>
public sealed class TriggerMessagePumpTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_pump_refilled_one_slot_at_a_time_reads_the_queue_once_per_half_batch_and_never_runs_more_than_a_batch()
    {
        const int Batch = 4;
        const int Messages = 12;
        var id = Guid.NewGuid().ToString("N")[..16];
        var receives = 0;
        var counter = new FaultInjectionPolicy();
        counter.FailNth(1, request =>
        {
            if (request.Method == RequestMethod.Get && request.Queue == $"pump-{id}" && request.Uri.AbsolutePath.EndsWith("/messages", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref receives);
            }

            return false;
        });
        var clientOptions = new QueueClientOptions();
        clientOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var messages = new QueueClient(Azurite.ConnectionString, $"pump-{id}", clientOptions);
        var poison = new QueueClient(Azurite.ConnectionString, $"pump-poison-{id}");
        await messages.CreateAsync(cancellationToken: Cancellation);
        try
        {
            for (var i = 0; i < Messages; i++)
            {
                await messages.SendMessageAsync($"message {i}", Cancellation);
            }

            var started = Channel.CreateUnbounded<TaskCompletionSource<MessageOutcome>>();
            var running = 0;
            var mostAtOnce = 0;
            var handled = new ConcurrentQueue<string>();
            var pump = new TriggerMessagePump(Options.Create(new LocalHostOptions { BatchSize = Batch }), NullLogger<TriggerMessagePump>.Instance);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            var run = pump.RunAsync(
                new TriggerQueue(messages, poison, new WorkSignal()),
                TimeSpan.FromMinutes(10),
                async (message, _) =>
                {
                    var now = Interlocked.Increment(ref running);
                    InterlockedMax(ref mostAtOnce, now);
                    handled.Enqueue(message.Body.ToString());
                    var call = new TaskCompletionSource<MessageOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                    await started.Writer.WriteAsync(call, Cancellation);
                    var outcome = await call.Task;
                    Interlocked.Decrement(ref running);
                    return outcome;
                },
                stop.Token);

            var calls = new Queue<TaskCompletionSource<MessageOutcome>>();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            for (var i = 0; i < Batch; i++)
            {
                calls.Enqueue(await started.Reader.ReadAsync(deadline.Token));
            }

            // End one call, wait for the next to start: the pump always has exactly one slot to fill.
            for (var next = Batch; next < Messages; next++)
            {
                calls.Dequeue().SetResult(MessageOutcome.Completed);
                calls.Enqueue(await started.Reader.ReadAsync(deadline.Token));
            }

            var receivesToStartAll = Volatile.Read(ref receives);
            while (calls.TryDequeue(out var call))
            {
                call.SetResult(MessageOutcome.Completed);
            }

            await Eventually.TrueAsync(async () => (await messages.GetPropertiesAsync(Cancellation)).Value.ApproximateMessagesCount == 0, "every message deleted");
            await stop.CancelAsync();
            await run;

            Assert.Equal(Enumerable.Range(0, Messages).Select(i => $"message {i}").Order(), handled.Order());
            Assert.True(mostAtOnce <= Batch, $"{mostAtOnce} calls at once with a batch of {Batch}");
            // One read for the first batch, then one per half batch (2) for the 8 started one by one: 5; one per message would be 9.
            Assert.True(receivesToStartAll <= 1 + (Messages - Batch) / (Batch / 2), $"{receivesToStartAll} reads of the queue to start {Messages} messages");
        }
        finally
        {
            await messages.DeleteIfExistsAsync(CancellationToken.None);
            await poison.DeleteIfExistsAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Messages_read_ahead_and_not_started_when_the_pump_stops_are_visible_again_at_once()
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        var messages = new QueueClient(Azurite.ConnectionString, $"pump-{id}");
        var poison = new QueueClient(Azurite.ConnectionString, $"pump-poison-{id}");
        await messages.CreateAsync(cancellationToken: Cancellation);
        try
        {
            for (var i = 0; i < 6; i++)
            {
                await messages.SendMessageAsync($"message {i}", Cancellation);
            }

            var calls = 0;
            var fifthStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var pump = new TriggerMessagePump(Options.Create(new LocalHostOptions { BatchSize = 4 }), NullLogger<TriggerMessagePump>.Instance);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

            // Four start; the first ends at once, so the pump reads half a batch (2) for its one free slot: one starts, one is held.
            var run = pump.RunAsync(
                new TriggerQueue(messages, poison, new WorkSignal()),
                TimeSpan.FromMinutes(10),
                async (_, token) =>
                {
                    var call = Interlocked.Increment(ref calls);
                    if (call == 1)
                    {
                        return MessageOutcome.Completed;
                    }

                    if (call == 5)
                    {
                        fifthStarted.TrySetResult();
                    }

                    await Task.Delay(Timeout.Infinite, token);
                    return MessageOutcome.Completed;
                },
                stop.Token);
            await fifthStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
            await stop.CancelAsync();
            await run;

            var visible = (await messages.PeekMessagesAsync(10, Cancellation)).Value;
            Assert.Equal(5, visible.Length); // all but the one that ended: the four stopped mid-call and the one held
            Assert.Equal(5, Volatile.Read(ref calls));
        }
        finally
        {
            await messages.DeleteIfExistsAsync(CancellationToken.None);
            await poison.DeleteIfExistsAsync(CancellationToken.None);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
