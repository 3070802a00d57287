using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

public class ValueTaskTests
{
    [Fact]
    public async Task A_receive_ValueTask_awaited_twice_throws_InvalidOperationException()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var receive = channel.Receiver.ReceiveAsync();
        Assert.False(receive.IsCompleted);
        channel.Sender.TrySend(1);
        Assert.Equal(1, await receive.WithDeadline());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await receive);
        Assert.Contains("awaited only once", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_ValueTask_awaited_twice_throws_InvalidOperationException()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        channel.Sender.TrySend(0);
        var send = channel.Sender.SendAsync(1);
        var status = channel.Sender.SendAsync(2, TimeSpan.FromMinutes(1));
        channel.Receiver.TryReceive(out _);
        await send.WithDeadline();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await send);
        channel.Receiver.TryReceive(out _);
        Assert.Equal(SendStatus.Sent, await status.WithDeadline());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await status);
    }

    [Fact]
    public async Task A_stale_ValueTask_fails_even_after_its_source_was_reused()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var first = channel.Receiver.ReceiveAsync();
        channel.Sender.TrySend(1);
        Assert.Equal(1, await first.WithDeadline());
        var second = channel.Receiver.ReceiveAsync(); // reuses the cached waiter
        Assert.False(second.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => first.IsCompleted);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await first);
        channel.Sender.TrySend(2);
        Assert.Equal(2, await second.WithDeadline()); // the stale use did not disturb the new one
    }

    [Fact]
    public async Task A_second_concurrent_awaiter_is_refused_without_disturbing_the_first()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var receive = channel.Receiver.ReceiveAsync();
        var asTask = receive.AsTask(); // the first awaiter
        Assert.Throws<InvalidOperationException>(() => { _ = receive.AsTask(); });
        channel.Sender.TrySend(5);
        Assert.Equal(5, await asTask.WithDeadline());
    }

    [Fact]
    public async Task Continuations_run_on_a_captured_SynchronizationContext_only_when_asked()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var context = new RecordingContext();

        var captured = WithContext(context, () => Await(channel.Receiver.ReceiveAsync(), continueOnCapturedContext: true));
        channel.Sender.TrySend(1);
        Assert.Equal(1, await captured.WithDeadline());
        Assert.Equal(1, context.Posts);

        var notCaptured = WithContext(context, () => Await(channel.Receiver.ReceiveAsync(), continueOnCapturedContext: false));
        channel.Sender.TrySend(2);
        Assert.Equal(2, await notCaptured.WithDeadline());
        Assert.Equal(1, context.Posts);

        // The context is current only while the continuation is registered, so the test's own awaits do not use it.
        static Task<int> WithContext(SynchronizationContext context, Func<Task<int>> register)
        {
            var previous = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                return register();
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
        }

        static Task<int> Await(ValueTask<int> vt, bool continueOnCapturedContext)
        {
            var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var awaiter = vt.ConfigureAwait(continueOnCapturedContext).GetAwaiter();
            awaiter.UnsafeOnCompleted(() =>
            {
                try { tcs.SetResult(awaiter.GetResult()); }
                catch (Exception e) { tcs.SetException(e); }
            });
            return tcs.Task;
        }
    }

    [Fact]
    public async Task The_execution_context_flows_only_through_OnCompleted_with_FlowExecutionContext()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var local = new AsyncLocal<string>();
        local.Value = "flowed";

        var flowed = ObserveAsyncLocal(channel.Receiver.ReceiveAsync(), local, flowExecutionContext: true);
        channel.Sender.TrySend(1);
        Assert.Equal(("flowed", 1), await flowed.WithDeadline());

        var unflowed = ObserveAsyncLocal(channel.Receiver.ReceiveAsync(), local, flowExecutionContext: false);
        channel.Sender.TrySend(2);
        Assert.Equal(((string?)null, 2), await unflowed.WithDeadline());
    }

    /// <summary>Registers a continuation directly (OnCompleted flows the execution context, UnsafeOnCompleted does not)
    /// and reports the AsyncLocal value it sees, with the result.</summary>
    private static Task<(string?, int)> ObserveAsyncLocal(ValueTask<int> vt, AsyncLocal<string> local, bool flowExecutionContext)
    {
        var tcs = new TaskCompletionSource<(string?, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var awaiter = vt.ConfigureAwait(false).GetAwaiter();
        Action continuation = () =>
        {
            try { tcs.SetResult((local.Value, awaiter.GetResult())); }
            catch (Exception e) { tcs.SetException(e); }
        };
        if (flowExecutionContext)
            awaiter.OnCompleted(continuation);
        else
            awaiter.UnsafeOnCompleted(continuation);
        return tcs.Task;
    }

    [Fact]
    public async Task Awaiting_a_waiting_send_gives_its_cancellation_timeout_or_wrapped_completion_error() // status views: StatusViewTests
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        channel.Sender.TrySend(0);
        using var cts = new CancellationTokenSource();
        var canceled = channel.Sender.SendAsync(1, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.AsTask().WithDeadline());

        var timedOut = channel.Sender.SendAsync(2, TimeSpan.FromMilliseconds(1));
        Assert.Equal(SendStatus.TimedOut, await timedOut.AsTask().WithDeadline());

        var closed = channel.Sender.SendAsync(3);
        channel.Writer.TryComplete(new TimeoutException());
        var e = await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(() => closed.AsTask().WithDeadline());
        Assert.IsType<TimeoutException>(e.InnerException);
    }

    [Fact]
    public async Task A_receive_ended_by_its_token_or_its_timeout_returns_its_waiter_to_the_pool()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        using var cts = new CancellationTokenSource();
        var canceled = channel.Receiver.ReceiveAsync(cts.Token);
        var waiter = SourceOf(canceled);
        cts.Cancel(); // the registration's callback holds a reference: it must drop it
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.WithDeadline());
        var next = channel.Receiver.ReceiveAsync();
        Assert.Same(waiter, SourceOf(next));
        channel.Sender.TrySend(1);
        Assert.Equal(1, await next.WithDeadline());

        var timedOut = channel.Receiver.ReceiveAsync(TimeSpan.FromMilliseconds(1)); // the timer holds a reference: it must drop it
        var timedWaiter = SourceOf(timedOut);
        Assert.Equal(ReceiveStatus.TimedOut, (await timedOut.WithDeadline()).Status);
        var again = channel.Receiver.ReceiveAsync(TimeSpan.FromMinutes(5));
        Assert.Same(timedWaiter, SourceOf(again));
        channel.Sender.TrySend(2);
        Assert.Equal(2, (await again.WithDeadline()).Item);
    }

    [Fact]
    public async Task ReadAllAsync_does_not_resume_on_the_consumer_s_SynchronizationContext()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var context = new RecordingContext();
        var items = channel.Receiver.ReadAllAsync().GetAsyncEnumerator();
        ValueTask<bool> first;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            first = items.MoveNextAsync(); // waits inside the iterator while the context is current
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        Assert.False(first.IsCompleted);
        channel.Sender.TrySend(1);
        Assert.True(await first.AsTask().WithDeadline());
        Assert.Equal(1, items.Current);
        Assert.Equal(0, context.Posts); // the BCL's ReadAllAsync also awaits with ConfigureAwait(false)
        await items.DisposeAsync();
    }

    /// <summary>The pooled object behind a ValueTask (its private field), to observe reuse.</summary>
    private static object? SourceOf<T>(ValueTask<T> vt) =>
        typeof(ValueTask<T>).GetField("_obj", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(vt);
}
