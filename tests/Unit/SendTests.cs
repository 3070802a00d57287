using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

public class SendTests
{
    [Fact]
    public void TrySend_reports_sent_full_and_closed_and_never_enqueues_a_refused_item()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var tx = channel.Sender;
        Assert.Equal(SendStatus.Sent, tx.TrySend(1));
        Assert.Equal(SendStatus.Sent, tx.TrySend(2));
        Assert.Equal(SendStatus.Full, tx.TrySend(3));
        Assert.Equal(2, channel.Receiver.Count);
        Assert.True(tx.Close());
        Assert.Equal(SendStatus.Closed, tx.TrySend(4));

        Assert.Equal(new[] { 1, 2 }, Drain(channel.Receiver));
    }

    [Fact]
    public async Task SendAsync_completes_synchronously_when_there_is_room()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var send = channel.Sender.SendAsync(7);
        Assert.True(send.IsCompletedSuccessfully);
        await send;
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var item));
        Assert.Equal(7, item);
    }

    [Fact]
    public async Task SendAsync_waits_while_full_then_sends_in_fifo_order_of_waiting_senders()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var tx = channel.Sender;
        var rx = channel.Receiver;
        Assert.Equal(SendStatus.Sent, tx.TrySend(0));
        var first = tx.SendAsync(1);
        var second = tx.SendAsync(2);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        Assert.Equal(0, await rx.ReceiveAsync().WithDeadline());
        await first.WithDeadline();
        Assert.False(second.IsCompleted); // the freed slot went to the first waiter; the channel is full again
        Assert.Equal(1, await rx.ReceiveAsync().WithDeadline());
        await second.WithDeadline();
        Assert.Equal(2, await rx.ReceiveAsync().WithDeadline());
    }

    [Fact]
    public async Task Blocked_threads_and_async_senders_share_one_fifo_queue()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var tx = channel.Sender;
        var rx = channel.Receiver;
        Assert.Equal(SendStatus.Sent, tx.TrySend(0));
        var first = tx.SendAsync(1);
        var blocked = TestSupport.OnThread(() => { tx.Send(2); return true; }, out var thread);
        TestSupport.WaitUntilBlocked(thread); // listed behind the first sender (it lists itself before it blocks)
        var third = tx.SendAsync(3);

        for (var expected = 0; expected <= 3; expected++)
            Assert.Equal(expected, await rx.ReceiveAsync().WithDeadline()); // a newcomer never overtakes a waiting sender
        await first.WithDeadline();
        Assert.True(await blocked.WithDeadline());
        await third.WithDeadline();
    }

    [Fact]
    public async Task SendAsync_with_an_already_canceled_token_fails_without_enqueuing_even_with_room()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var send = channel.Sender.SendAsync(1, cts.Token);
        Assert.True(send.IsCanceled);
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await send);
        Assert.Equal(cts.Token, e.CancellationToken);
        Assert.Equal(0, channel.Receiver.Count);
    }

    [Fact]
    public async Task SendAsync_canceled_while_waiting_does_not_enqueue_and_the_next_waiter_still_gets_the_slot()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var tx = channel.Sender;
        Assert.Equal(SendStatus.Sent, tx.TrySend(0));
        using var cts = new CancellationTokenSource();
        var canceled = tx.SendAsync(1, cts.Token);
        var next = tx.SendAsync(2);
        Assert.False(canceled.IsCompleted);

        cts.Cancel();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await canceled.WithDeadline());
        Assert.Equal(cts.Token, e.CancellationToken);

        Assert.Equal(0, await channel.Receiver.ReceiveAsync().WithDeadline());
        await next.WithDeadline();
        Assert.Equal(2, await channel.Receiver.ReceiveAsync().WithDeadline());
        Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out _)); // 1 was never enqueued
    }

    [Fact]
    public async Task SendAsync_on_a_closed_channel_throws_ChannelClosedException_without_enqueuing()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        channel.Receiver.Close();
        var send = channel.Sender.SendAsync(1);
        Assert.True(send.IsFaulted);
        var e = await Assert.ThrowsAsync<ChannelClosedException>(async () => await send);
        Assert.Null(e.InnerException);
        Assert.Equal(ReceiveStatus.Closed, channel.Receiver.TryReceive(out _));
    }

    [Fact]
    public async Task SendAsync_with_timeout_reports_sent_closed_and_timed_out()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var tx = channel.Sender;
        Assert.Equal(SendStatus.Sent, await tx.SendAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(SendStatus.TimedOut, await tx.SendAsync(2, TimeSpan.Zero)); // full: zero tries once
        Assert.Equal(SendStatus.TimedOut, await tx.SendAsync(3, TimeSpan.FromMilliseconds(1)).WithDeadline());

        var waiting = tx.SendAsync(4, Timeout.InfiniteTimeSpan);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, await channel.Receiver.ReceiveAsync().WithDeadline());
        Assert.Equal(SendStatus.Sent, await waiting.WithDeadline());

        var closing = tx.SendAsync(5, TimeSpan.FromSeconds(30));
        Assert.False(closing.IsCompleted);
        tx.Close();
        Assert.Equal(SendStatus.Closed, await closing.WithDeadline());
        Assert.Equal(SendStatus.Closed, await tx.SendAsync(6, TimeSpan.FromSeconds(30)));

        Assert.Equal(new[] { 4 }, Drain(channel.Receiver)); // 2, 3, 5, 6 were never enqueued
    }

    [Fact]
    public async Task SendAsync_with_timeout_can_be_canceled_before_and_while_waiting()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var tx = channel.Sender;
        using var before = new CancellationTokenSource();
        before.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await tx.SendAsync(1, TimeSpan.FromSeconds(30), before.Token));

        Assert.Equal(SendStatus.Sent, tx.TrySend(0));
        using var during = new CancellationTokenSource();
        var send = tx.SendAsync(2, TimeSpan.FromSeconds(30), during.Token);
        Assert.False(send.IsCompleted);
        during.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await send.WithDeadline());
        Assert.Equal(new[] { 0 }, Drain(channel.Receiver));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(-1000)]
    public async Task Negative_timeouts_other_than_infinite_are_rejected(int milliseconds)
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var timeout = TimeSpan.FromMilliseconds(milliseconds);
        var rejected = Assert.Throws<ArgumentOutOfRangeException>(() => channel.Sender.Send(1, timeout));
        Assert.Equal("timeout", rejected.ParamName);
        Assert.Contains("Timeout.InfiniteTimeSpan, or between TimeSpan.Zero and int.MaxValue milliseconds", rejected.Message, StringComparison.Ordinal);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = channel.Sender.SendAsync(1, timeout); }).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => channel.Receiver.Receive(out _, timeout)).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = channel.Receiver.ReceiveAsync(timeout); }).ParamName);
        Assert.Equal(0, channel.Receiver.Count);
        await Task.CompletedTask;
    }

    [Fact]
    public void Timeouts_above_int_MaxValue_milliseconds_are_rejected()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var timeout = TimeSpan.FromMilliseconds(int.MaxValue + 1.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => channel.Sender.Send(1, timeout));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = channel.Receiver.ReceiveAsync(timeout); });
        Assert.Equal(SendStatus.Sent, channel.Sender.Send(1, TimeSpan.FromMilliseconds(int.MaxValue)));
    }

    [Fact]
    public async Task Blocking_Send_returns_at_once_with_room_and_blocks_while_full()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        channel.Sender.Send(1);
        var blocked = TestSupport.OnThread(() => { channel.Sender.Send(2); return true; }, out var thread);
        TestSupport.WaitUntilBlocked(thread);
        Assert.False(blocked.IsCompleted);
        Assert.Equal(1, channel.Receiver.Receive());
        Assert.True(await blocked.WithDeadline());
        Assert.Equal(2, channel.Receiver.Receive());
    }

    [Fact]
    public async Task Blocking_Send_with_timeout_reports_timed_out_and_does_not_enqueue()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        Assert.Equal(SendStatus.Sent, channel.Sender.Send(1, TimeSpan.Zero));
        Assert.Equal(SendStatus.TimedOut, channel.Sender.Send(2, TimeSpan.Zero));
        var status = await TestSupport.OnThread(() => channel.Sender.Send(3, TimeSpan.FromMilliseconds(20)), out _).WithDeadline();
        Assert.Equal(SendStatus.TimedOut, status);
        Assert.Equal(new[] { 1 }, Drain(channel.Receiver));

        // The timed-out waiter left no trace: a new blocked sender is served by the next free slot.
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(4));
        var next = TestSupport.OnThread(() => channel.Sender.Send(5, Timeout.InfiniteTimeSpan), out _);
        Assert.Equal(4, channel.Receiver.Receive());
        Assert.Equal(SendStatus.Sent, await next.WithDeadline());
        Assert.Equal(5, channel.Receiver.Receive());
    }

    [Fact]
    public async Task Blocking_Send_on_a_closed_channel_throws_and_a_blocked_one_is_woken_by_close()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        channel.Sender.Send(1);
        var blocked = TestSupport.OnThread(() => { channel.Sender.Send(2); return true; }, out var thread);
        var timed = TestSupport.OnThread(() => channel.Sender.Send(3, TimeSpan.FromMinutes(5)), out var timedThread);
        TestSupport.WaitUntilBlocked(thread);
        TestSupport.WaitUntilBlocked(timedThread);
        Assert.True(channel.Receiver.Close());
        await Assert.ThrowsAsync<ChannelClosedException>(() => blocked.WithDeadline());
        Assert.Equal(SendStatus.Closed, await timed.WithDeadline());
        Assert.Throws<ChannelClosedException>(() => channel.Sender.Send(4));
        Assert.Equal(SendStatus.Closed, channel.Sender.Send(5, TimeSpan.FromSeconds(1)));
        Assert.Equal(new[] { 1 }, Drain(channel.Receiver));
    }

    [Fact]
    public async Task WaitToWrite_style_probe_through_the_adapter_waits_for_room_without_taking_it()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        Assert.True(await channel.Writer.WaitToWriteAsync());
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(1));
        var wait = channel.Writer.WaitToWriteAsync();
        Assert.False(wait.IsCompleted);
        Assert.Equal(1, await channel.Receiver.ReceiveAsync().WithDeadline());
        Assert.True(await wait.WithDeadline());
        Assert.Equal(0, channel.Receiver.Count); // the probe did not take the slot
        Assert.True(channel.Writer.TryWrite(2));
    }

    internal static int[] Drain(MpscReceiver<int> rx)
    {
        var items = new System.Collections.Generic.List<int>();
        while (rx.TryReceive(out var item) == ReceiveStatus.Received)
            items.Add(item);
        return items.ToArray();
    }

    /// <summary>Every send shape that pushes at once wakes a receiver that is waiting (here: the timeout overload).</summary>
    [Fact]
    public async Task SendAsync_with_a_timeout_that_pushes_at_once_wakes_a_waiting_receiver()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var receive = channel.Receiver.ReceiveAsync();
        Assert.False(receive.IsCompleted);
        Assert.Equal(SendStatus.Sent, await channel.Sender.SendAsync(7, TimeSpan.FromSeconds(30)));
        Assert.Equal(7, await receive.WithDeadline());
    }

    [Fact]
    public async Task A_sender_canceled_while_waiting_never_runs_its_awaiter_inside_Cancel()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(0));
        using var cts = new CancellationTokenSource();
        var send = channel.Sender.SendAsync(1, TimeSpan.FromMinutes(5), cts.Token);
        using var insideCancel = new ThreadLocal<bool>(); // true only on this thread, only during Cancel
        var ranInside = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var awaiter = RegisterWithoutContext(send, () => ranInside.TrySetResult(insideCancel.Value));
        insideCancel.Value = true;
        cts.Cancel(); // runs the registration's callback on this thread
        insideCancel.Value = false;
        Assert.False(await ranInside.Task.WithDeadline(), "the awaiter's continuation ran on the canceller's stack");
        Assert.Throws<OperationCanceledException>(() => awaiter.GetResult());
    }

    // ConfigureAwait(false): with the test framework's SynchronizationContext captured, every continuation would be
    // posted to it anyway, and an inline run could not be seen.
    private static System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable<SendStatus>.ConfiguredValueTaskAwaiter RegisterWithoutContext(
        ValueTask<SendStatus> operation, Action continuation)
    {
        var awaiter = operation.ConfigureAwait(false).GetAwaiter();
        awaiter.UnsafeOnCompleted(continuation);
        return awaiter;
    }

    [Fact]
    public async Task A_sent_item_is_not_kept_alive_by_the_waiter_that_carried_it()
    {
        var channel = MpscChannel.CreateBounded<object>(1);
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(new object()));
        var (send, weak) = SendFresh(channel.Sender);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out _)); // frees the slot: the waiting send pushes
        await send.WithDeadline();
        Assert.True(ReceiveAndCompare(channel.Receiver, weak));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive, "the pooled send waiter still references the item it delivered");
        GC.KeepAlive(channel);
    }

    // Outside the async method, so no temporary of the test's own frame keeps the item alive.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool ReceiveAndCompare(MpscReceiver<object> receiver, WeakReference weak) =>
        receiver.TryReceive(out var carried) == ReceiveStatus.Received && ReferenceEquals(carried, weak.Target);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (ValueTask Send, WeakReference Item) SendFresh(MpscSender<object> sender)
    {
        var item = new object();
        return (sender.SendAsync(item), new WeakReference(item));
    }
}
