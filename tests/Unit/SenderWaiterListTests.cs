using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

/// <summary>
/// The blocked-sender protocol under a deterministic schedule: the channel hands its retries to a
/// <see cref="ManualDispatcher"/>, and the test runs each one at a chosen point, on its own thread.
/// </summary>
public class SenderWaiterListTests
{
    /// <summary>
    /// tachyonix's "forgotten sender" erosion: a waiter that absorbs a notification and never uses it
    /// leaves a free slot while another sender waits. Here the first waiter is notified (a slot was freed
    /// for it) and then cancelled before its retry runs; it must forward the notification, or the second
    /// waiter would wait forever beside a free slot. An implementation without forwarding fails at the
    /// marked assertion.
    /// </summary>
    [Fact]
    public async Task A_sender_notified_and_then_canceled_forwards_its_notification()
    {
        var channel = FullChannel(out var dispatcher);
        using var ctsA = new CancellationTokenSource();
        var a = channel.Sender.SendAsync(1, ctsA.Token); // waits first
        var b = channel.Sender.SendAsync(2);             // waits second
        Assert.False(a.IsCompleted);
        Assert.False(b.IsCompleted);
        Assert.Equal(0, dispatcher.Pending);

        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var first));
        Assert.Equal(0, first);
        Assert.Equal(1, dispatcher.Pending); // A was notified: its retry is dispatched, not yet run

        ctsA.Cancel(); // A is no longer listed: the cancellation is only recorded for A's retry to see
        Assert.False(a.IsCompleted);

        dispatcher.RunOne(); // A's retry: sees the request, completes canceled without pushing, forwards
        Assert.True(a.IsCanceled || a.IsFaulted);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await a);

        Assert.Equal(1, dispatcher.Pending); // <-- B was notified in turn (no forwarding: 0, and B waits forever)
        dispatcher.RunOne();
        Assert.True(b.IsCompletedSuccessfully);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var second));
        Assert.Equal(2, second); // and 1 was never enqueued
        Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out _));
    }

    /// <summary>
    /// Without a test dispatcher, the receive that frees a slot runs the notified sender's retry itself:
    /// the waiting item is in the ring and the send is complete before <c>TryReceive</c> returns (the
    /// funnel benchmark's fix: a dispatched retry let the receiver find a one-slot ring empty and park
    /// once per message). Per-sender order and the count are unchanged.
    /// </summary>
    [Fact]
    public async Task A_receive_that_frees_a_slot_runs_the_waiting_senders_retry_before_it_returns()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(0));
        var a = channel.Sender.SendAsync(1);
        var b = channel.Sender.SendAsync(2);
        Assert.False(a.IsCompleted);
        Assert.False(b.IsCompleted);

        for (var expected = 0; expected <= 2; expected++)
        {
            Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var item));
            Assert.Equal(expected, item);
            if (expected == 0)
                Assert.True(a.IsCompletedSuccessfully); // pushed by the receive above, on this thread
            if (expected == 1)
                Assert.True(b.IsCompletedSuccessfully);
        }

        Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out _));
        await a;
        await b;
    }

    /// <summary>A waiter cancelled while still listed consumed no notification: the next pop notifies the next waiter.</summary>
    [Fact]
    public async Task A_sender_canceled_while_listed_leaves_the_next_notification_to_the_next_waiter()
    {
        var channel = FullChannel(out var dispatcher);
        using var ctsA = new CancellationTokenSource();
        var a = channel.Sender.SendAsync(1, ctsA.Token);
        var b = channel.Sender.SendAsync(2);

        ctsA.Cancel(); // A is listed and parked: the canceller unlinks it and completes it right here
        Assert.True(a.IsCompleted);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await a);
        Assert.Equal(0, dispatcher.Pending); // nothing forwarded: A had not been notified

        channel.Receiver.TryReceive(out _);
        dispatcher.RunOne(); // B's retry
        Assert.True(b.IsCompletedSuccessfully);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var item));
        Assert.Equal(2, item);
    }

    /// <summary>A WaitToWriteAsync waiter that is notified does not fill the slot: it must pass the notification on.</summary>
    [Fact]
    public async Task A_notified_WaitToWriteAsync_waiter_forwards_the_notification_to_the_next_sender()
    {
        var channel = FullChannel(out var dispatcher);
        var probe = channel.Writer.WaitToWriteAsync();
        var b = channel.Sender.SendAsync(2);

        channel.Receiver.TryReceive(out _);
        dispatcher.RunOne(); // the probe's retry: space → true, forward
        Assert.True(probe.IsCompletedSuccessfully);
        Assert.True(await probe);
        Assert.Equal(1, dispatcher.Pending); // B notified
        dispatcher.RunOne();
        Assert.True(b.IsCompletedSuccessfully);
    }

    /// <summary>The same with real threads: the probe completes, and the sender behind it is not left waiting beside a free slot.</summary>
    [Fact]
    public async Task A_WaitToWriteAsync_waiter_does_not_strand_the_sender_behind_it()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        channel.Sender.TrySend(0);
        var probe = channel.Writer.WaitToWriteAsync();
        var b = channel.Sender.SendAsync(2);
        Assert.Equal(0, await channel.Receiver.ReceiveAsync());
        Assert.True(await probe.WithDeadline());
        await b.WithDeadline();
        Assert.Equal(2, await channel.Receiver.ReceiveAsync());
    }

    /// <summary>A notified waiter whose retry finds the slot taken by a newcomer keeps its place at the front.</summary>
    [Fact]
    public void A_notified_sender_that_loses_the_slot_keeps_its_place_at_the_front()
    {
        var channel = FullChannel(out var dispatcher);
        var a = channel.Sender.SendAsync(1);
        var b = channel.Sender.SendAsync(2);

        channel.Receiver.TryReceive(out _);                     // A notified
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(9)); // a newcomer takes the slot first
        dispatcher.RunOne();                                      // A's retry: Full, back to the front
        Assert.False(a.IsCompleted);
        Assert.Equal(0, dispatcher.Pending);

        channel.Receiver.TryReceive(out var newcomer);
        Assert.Equal(9, newcomer);
        dispatcher.RunOne(); // the front waiter is A again, not B
        Assert.True(a.IsCompletedSuccessfully);
        Assert.False(b.IsCompleted);
        channel.Receiver.TryReceive(out var fromA);
        Assert.Equal(1, fromA);
        dispatcher.RunOne();
        Assert.True(b.IsCompletedSuccessfully);
    }

    /// <summary>
    /// The receiver runs a blocked sender's retry itself, but never the sender's continuation: that is
    /// dispatched, so user code after <c>await SendAsync</c> never runs inside the receiver's call.
    /// </summary>
    [Fact]
    public async Task A_blocked_senders_continuation_never_runs_inside_the_receive_that_completed_it()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(0));
        var receiving = new StrongBox<int>(0);   // the id of the thread inside TryReceive, 0 outside it
        var ranInsideReceive = new StrongBox<bool>(false);
        async Task SendThenRecord()
        {
            await channel.Sender.SendAsync(1).ConfigureAwait(false); // no context: only the channel decides where it resumes
            ranInsideReceive.Value = Volatile.Read(ref receiving.Value) == Environment.CurrentManagedThreadId;
        }

        var sender = SendThenRecord();
        Assert.False(sender.IsCompleted);
        Volatile.Write(ref receiving.Value, Environment.CurrentManagedThreadId);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out _));
        Volatile.Write(ref receiving.Value, 0);
        await sender.WithDeadline();
        Assert.False(ranInsideReceive.Value);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var item));
        Assert.Equal(1, item);
    }

    /// <summary>
    /// A waiter re-listed at the front is linked both ways: cancelling the waiter behind it afterwards must
    /// unlink only that one, and the front waiter still gets the next slot.
    /// </summary>
    [Fact]
    public async Task A_waiter_relisted_at_the_front_survives_the_cancellation_of_the_one_behind_it()
    {
        var channel = FullChannel(out var dispatcher);
        var a = channel.Sender.SendAsync(1);
        using var ctsB = new CancellationTokenSource();
        var b = channel.Sender.SendAsync(2, ctsB.Token);

        channel.Receiver.TryReceive(out _);                       // A notified
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(9)); // a newcomer takes the slot first
        dispatcher.RunOne();                                      // A's retry: Full, back to the front (before B)
        ctsB.Cancel();                                            // B, listed behind A, unlinks itself
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await b);

        channel.Receiver.TryReceive(out var newcomer);
        Assert.Equal(9, newcomer);
        dispatcher.RunOne(); // A is still listed and gets the slot
        Assert.True(a.IsCompletedSuccessfully);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var fromA));
        Assert.Equal(1, fromA);
        Assert.Equal(0, dispatcher.Pending);
    }

    /// <summary>
    /// Cancelling a waiter in the middle or at the back of the list unlinks it and nothing else: the others
    /// are notified in their order, the cancelled one never.
    /// </summary>
    [Theory]
    [InlineData(1)] // the middle of three
    [InlineData(2)] // the back
    public async Task Cancelling_a_listed_waiter_keeps_the_others_in_order(int cancelled)
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        channel.Sender.TrySend(0);
        var sources = new CancellationTokenSource[3];
        var sends = new ValueTask[3];
        for (var i = 0; i < 3; i++)
        {
            sources[i] = new CancellationTokenSource();
            sends[i] = channel.Sender.SendAsync(10 + i, sources[i].Token);
        }

        sources[cancelled].Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sends[cancelled]);
        var late = channel.Sender.SendAsync(13); // listed after the cancellation: the list's back must be right
        Assert.False(late.IsCompleted);

        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 4; i++)
        {
            if (i == cancelled)
                continue;
            Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var item));
            Assert.Equal(10 + i, item);
            await (i < 3 ? sends[i] : late);
        }

        Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out _));
        foreach (var source in sources)
            source.Dispose();
    }

    /// <summary>
    /// Waiter nodes are pooled: after two waits have finished, two new waits at once must get two different
    /// nodes (a pool that hands one node out twice would mix the two items up).
    /// </summary>
    [Fact]
    public async Task Two_waits_after_reuse_get_separate_pooled_nodes()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        for (var round = 0; round < 3; round++)
        {
            var baseItem = round * 10;
            Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(baseItem));
            var x = channel.Sender.SendAsync(baseItem + 1);
            var y = channel.Sender.SendAsync(baseItem + 2);
            Assert.False(x.IsCompleted);
            Assert.False(y.IsCompleted);
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var item));
                Assert.Equal(baseItem + k, item);
            }

            await x;
            await y;
            Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out _));
        }
    }

    /// <summary>
    /// The node pool keeps every returned node: two senders waiting at once, round after round, allocate
    /// nothing once both nodes exist (a pool that kept only the last returned node would allocate one node
    /// per round). Single-threaded: the receive runs each retry and completes each send on this thread.
    /// </summary>
    [Fact]
    public void Two_senders_waiting_at_once_round_after_round_reuse_both_nodes()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var failures = 0; // counted, not asserted, inside the measured loop: xunit's Assert.Equal allocates
        void Round()
        {
            failures += channel.Sender.TrySend(0) == SendStatus.Sent ? 0 : 1;
            var x = channel.Sender.SendAsync(1);
            var y = channel.Sender.SendAsync(2);
            failures += x.IsCompleted || y.IsCompleted ? 1 : 0; // both must wait
            for (var k = 0; k < 3; k++)
                failures += channel.Receiver.TryReceive(out var item) == ReceiveStatus.Received && item == k ? 0 : 1;
            failures += x.IsCompletedSuccessfully && y.IsCompletedSuccessfully ? 0 : 1;
#pragma warning disable xUnit1031 // completed already: consuming the result releases the node to the pool
            x.GetAwaiter().GetResult();
            y.GetAwaiter().GetResult();
#pragma warning restore xUnit1031
        }

        for (var i = 0; i < 50; i++)
            Round();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            Round();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// A waiting sender's successful retry is a push like any other: it must wake the receiver, which may
    /// have started waiting on the (momentarily empty) channel between the notification and the retry.
    /// </summary>
    [Fact]
    public async Task A_waiting_senders_retry_wakes_a_receiver_that_started_waiting_meanwhile()
    {
        var channel = FullChannel(out var dispatcher);
        var a = channel.Sender.SendAsync(1);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out _)); // A notified; the channel is empty
        var receive = channel.Receiver.ReceiveAsync();                            // so the receiver waits
        Assert.False(receive.IsCompleted);
        Assert.Equal(1, dispatcher.Pending);

        dispatcher.RunOne(); // A's retry pushes 1 and must notify the receiver
        Assert.True(a.IsCompletedSuccessfully);
        Assert.Equal(1, dispatcher.Pending); // the receiver's retry
        dispatcher.RunOne();
        Assert.Equal(1, await receive);
    }

    /// <summary>Close signals every waiter; each retry fails Closed without enqueuing.</summary>
    [Fact]
    public async Task Close_signals_every_waiting_sender()
    {
        var channel = FullChannel(out var dispatcher);
        var a = channel.Sender.SendAsync(1);
        var b = channel.Sender.SendAsync(2, TimeSpan.FromMinutes(5));
        channel.Sender.Close();
        Assert.Equal(2, dispatcher.Pending);
        dispatcher.RunAll();
        await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(async () => await a);
        Assert.Equal(SendStatus.Closed, await b);
        Assert.Equal(new[] { 0 }, SendTests.Drain(channel.Receiver));
    }

    /// <summary>A receive that is woken and then cancelled before its retry runs completes canceled and dequeues nothing.</summary>
    [Fact]
    public async Task A_receive_woken_and_then_canceled_dequeues_nothing()
    {
        var dispatcher = new ManualDispatcher();
        var channel = MpscChannel.CreateBounded<int>(2, dispatcher.Dispatch);
        using var cts = new CancellationTokenSource();
        var receive = channel.Receiver.ReceiveAsync(cts.Token);
        Assert.False(receive.IsCompleted);

        channel.Sender.TrySend(5); // wakes the receive: its retry is dispatched
        Assert.Equal(1, dispatcher.Pending);
        cts.Cancel();              // recorded; the retry sees it first
        dispatcher.RunOne();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await receive);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var item));
        Assert.Equal(5, item);
    }

    /// <summary>A receive woken spuriously (no item) re-registers and keeps waiting.</summary>
    [Fact]
    public async Task A_receive_retried_without_an_item_waits_again()
    {
        var dispatcher = new ManualDispatcher();
        var channel = MpscChannel.CreateBounded<int>(2, dispatcher.Dispatch);
        var receive = channel.Receiver.ReceiveAsync();
        channel.Sender.TrySend(1);
        // Take the item through the back door (as if a previous receive had raced for it): reach in as the consumer.
        var taken = StealOne(channel);
        Assert.Equal(1, taken);
        dispatcher.RunOne(); // retry: empty, registers again, parks
        Assert.False(receive.IsCompleted);
        channel.Sender.TrySend(2);
        dispatcher.RunOne();
        Assert.Equal(2, await receive);

        static int StealOne(MpscChannel<int> channel)
        {
            Assert.Equal(PopResult.Popped, channel.Core.Ring.TryPop(out var item));
            return item;
        }
    }

    /// <summary>A channel of capacity 1, already holding one item, whose waiter retries go to <paramref name="dispatcher"/>.</summary>
    private static MpscChannel<int> FullChannel(out ManualDispatcher dispatcher)
    {
        dispatcher = new ManualDispatcher();
        var channel = MpscChannel.CreateBounded<int>(1, dispatcher.Dispatch);
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(0));
        return channel;
    }
}
