using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using Sluice.Channels.Mpsc;
using Sluice.Verification;
using Xunit;

namespace Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;

/// <summary>Who closes the channel in a scenario (besides the last sender handle's disposal).</summary>
public enum Closer
{
    /// <summary>Nobody: the channel closes when every sender handle is disposed.</summary>
    LastSenderHandle,

    /// <summary>A separate thread calls <c>Sender.Close()</c> at a point the checker chooses.</summary>
    Sender,

    /// <summary>A separate thread calls <c>Receiver.Close()</c> at a point the checker chooses.</summary>
    Receiver,
}

/// <summary>How a sender in <see cref="ChannelScenarios.SendersWithCancellation"/> sends.</summary>
public enum SendMode
{
    /// <summary><c>SendAsync(item)</c>: waits until sent or closed.</summary>
    Plain,

    /// <summary><c>SendAsync(item, timeout)</c>: the checker fires the timeout at any point.</summary>
    Timeout,

    /// <summary><c>SendAsync(item, token)</c>: a separate thread cancels the token at any point.</summary>
    Cancel,
}

/// <summary>
/// Whole-channel scenarios through the public API (src/Channels/Mpsc), compiled against the real library
/// and against every broken twin. Checked in every execution: every item whose send reported success is
/// received exactly once, in per-sender order, before the receiver sees Closed; a failed or cancelled
/// send did not enqueue; nothing waits forever (the checker reports a task that never completes).
/// </summary>
public static class ChannelScenarios
{
    private static int Item(int sender, int seq) => sender * 100 + seq;

    /// <summary>The receiver: async receives until Closed; checks per-sender FIFO.</summary>
    private static ModelTaskHandle AsyncReceiver(MpscChannel<int> channel, List<int> received, int senders) =>
        ModelThread.SpawnAsync(async () =>
        {
            var last = Enumerable.Repeat(-1, senders).ToArray();
            while (true)
            {
                int item;
                try
                {
                    item = await channel.Receiver.ReceiveAsync();
                }
                catch (ChannelClosedException)
                {
                    return;
                }

                var (s, seq) = (item / 100, item % 100);
                Assert.True(seq > last[s], $"per-sender FIFO violated: {item} after {Item(s, last[s])}");
                last[s] = seq;
                received.Add(item);
            }
        }, "receiver");

    private static void CheckDelivery(bool[,] sent, List<int> received)
    {
        var expected = new List<int>();
        for (var s = 0; s < sent.GetLength(0); s++)
        {
            for (var k = 0; k < sent.GetLength(1); k++)
            {
                if (sent[s, k])
                    expected.Add(Item(s, k));
            }
        }

        Assert.Equal(received.Count, received.Distinct().Count()); // never duplicated
        Assert.Equal(expected.OrderBy(x => x), received.OrderBy(x => x)); // every successful send received, no other item
    }

    /// <summary>
    /// <paramref name="senders"/> async senders send <paramref name="perSender"/> items each through their
    /// own handle (disposing it at the end: the last disposal closes the channel); an async receiver
    /// receives until Closed; optionally a closer closes from one side at a point the checker chooses.
    /// </summary>
    public static void AsyncSendersAndReceiver(int senders, int perSender, int capacity, Closer closer)
    {
        var channel = MpscChannel.CreateBounded<int>(capacity);
        var handles = Enumerable.Range(0, senders).Select(i => i == 0 ? channel.Sender : channel.Sender.Clone()).ToArray();
        var sent = new bool[senders, perSender];
        var received = new List<int>();
        var receiver = AsyncReceiver(channel, received, senders);
        var tasks = new List<ModelTaskHandle>();
        for (var s = 0; s < senders; s++)
        {
            var me = s;
            tasks.Add(ModelThread.SpawnAsync(async () =>
            {
                for (var k = 0; k < perSender; k++)
                {
                    try
                    {
                        await handles[me].SendAsync(Item(me, k));
                        sent[me, k] = true;
                    }
                    catch (ChannelClosedException)
                    {
                        break; // the item was not enqueued
                    }
                }

                handles[me].Dispose();
            }, $"sender {s}"));
        }

        var closing = closer switch
        {
            Closer.Sender => ModelThread.Spawn(() => channel.Sender.Close(), "closer (sender side)"),
            Closer.Receiver => ModelThread.Spawn(() => channel.Receiver.Close(), "closer (receiver side)"),
            _ => null,
        };

        foreach (var t in tasks)
            t.Join();
        closing?.Join();
        receiver.Join();
        CheckDelivery(sent, received);
    }

    /// <summary>
    /// Senders on a small channel, each in a <see cref="SendMode"/>: plain, with a timeout the checker may
    /// fire at any point, or with a token a separate thread cancels at any point. Every send must end
    /// (sent, timed out, cancelled or closed) and only successful sends may be received.
    /// </summary>
    public static void SendersWithCancellation(int capacity, SendMode[] modes)
    {
        var channel = MpscChannel.CreateBounded<int>(capacity);
        var n = modes.Length;
        var handles = Enumerable.Range(0, n).Select(i => i == 0 ? channel.Sender : channel.Sender.Clone()).ToArray();
        var sent = new bool[n, 1];
        var received = new List<int>();
        var receiver = AsyncReceiver(channel, received, n);
        var cancellers = new List<ModelThreadHandle>();
        var tasks = new List<ModelTaskHandle>();
        for (var s = 0; s < n; s++)
        {
            var me = s;
            var cts = new CancellationTokenSource();
            if (modes[s] == SendMode.Cancel)
            {
                cancellers.Add(ModelThread.Spawn(() =>
                {
                    ModelThread.Yield(); // Cancel touches no shim operation: let the checker choose when it happens
                    cts.Cancel();
                }, $"canceller of sender {s}"));
            }

            tasks.Add(ModelThread.SpawnAsync(async () =>
            {
                try
                {
                    switch (modes[me])
                    {
                        case SendMode.Timeout:
                            sent[me, 0] = await handles[me].SendAsync(Item(me, 0), TimeSpan.FromMilliseconds(10)) == SendStatus.Sent;
                            break;
                        case SendMode.Cancel:
                            await handles[me].SendAsync(Item(me, 0), cts.Token);
                            sent[me, 0] = true;
                            break;
                        default:
                            await handles[me].SendAsync(Item(me, 0));
                            sent[me, 0] = true;
                            break;
                    }
                }
                catch (OperationCanceledException)
                {
                    // not enqueued
                }
                catch (ChannelClosedException)
                {
                    // not enqueued
                }

                handles[me].Dispose();
            }, $"sender {s} ({modes[s]})"));
        }

        foreach (var t in tasks)
            t.Join();
        foreach (var c in cancellers)
            c.Join();
        receiver.Join();
        CheckDelivery(sent, received);
    }

    /// <summary>The blocking API: senders call <c>Send</c> (parking while full), the receiver <c>Receive</c>.</summary>
    public static void BlockingSendersAndReceiver(int senders, int perSender, int capacity)
    {
        var channel = MpscChannel.CreateBounded<int>(capacity);
        var handles = Enumerable.Range(0, senders).Select(i => i == 0 ? channel.Sender : channel.Sender.Clone()).ToArray();
        var sent = new bool[senders, perSender];
        var received = new List<int>();
        var threads = new List<ModelThreadHandle>();
        for (var s = 0; s < senders; s++)
        {
            var me = s;
            threads.Add(ModelThread.Spawn(() =>
            {
                for (var k = 0; k < perSender; k++)
                {
                    handles[me].Send(Item(me, k));
                    sent[me, k] = true;
                }

                handles[me].Dispose();
            }, $"sender {s}"));
        }

        var receiver = ModelThread.Spawn(() =>
        {
            while (true)
            {
                try
                {
                    received.Add(channel.Receiver.Receive());
                }
                catch (ChannelClosedException)
                {
                    return;
                }
            }
        }, "receiver");
        foreach (var t in threads)
            t.Join();
        receiver.Join();
        CheckDelivery(sent, received);
    }

    /// <summary>
    /// A receiver that waits twice (so its second wait re-registers the same waiter through the waker's
    /// fast path) against one send and the close of the last sender handle: the first receive gets the
    /// item, the second Closed.
    /// </summary>
    public static void ReRegisteringReceiver()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var outcomes = new List<string>();
        var receiver = ModelThread.SpawnAsync(async () =>
        {
            outcomes.Add((await channel.Receiver.ReceiveAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                await channel.Receiver.ReceiveAsync();
                outcomes.Add("second item?");
            }
            catch (ChannelClosedException)
            {
                outcomes.Add("closed");
            }
        }, "receiver");
        var sender = ModelThread.Spawn(() =>
        {
            Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(7));
            channel.Sender.Dispose(); // the last handle: closes the channel
        }, "sender");
        sender.Join();
        receiver.Join();
        Assert.Equal(new[] { "7", "closed" }, outcomes);
    }

    /// <summary>
    /// The System.Threading.Channels idioms through the adapters: the writer loops on TryWrite and
    /// WaitToWriteAsync (which probes for space without claiming it), the reader on WaitToReadAsync (which
    /// peeks without taking) and TryRead; the writer completes the channel at the end.
    /// </summary>
    public static void AdapterWaitLoops()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var received = new List<int>();
        var writer = ModelThread.SpawnAsync(async () =>
        {
            for (var i = 1; i <= 2; i++)
            {
                while (!channel.Writer.TryWrite(i))
                {
                    if (!await channel.Writer.WaitToWriteAsync())
                        return;
                }
            }

            channel.Writer.Complete();
        }, "writer");
        var reader = ModelThread.SpawnAsync(async () =>
        {
            while (await channel.Reader.WaitToReadAsync())
            {
                while (channel.Reader.TryRead(out var item))
                    received.Add(item);
            }
        }, "reader");
        writer.Join();
        reader.Join();
        Assert.Equal(new[] { 1, 2 }, received);
    }

    /// <summary>
    /// Receives from two threads in turn, with no synchronisation between them but the channel's own
    /// single-consumer guard (the second waits on a relaxed flag, which orders nothing): the guard must hand
    /// the consumer side (dequeue position, waker slots, the cached receive waiter) from one to the other.
    /// </summary>
    public static void ReceivesFromTwoThreadsInTurn()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var firstDone = new Sluice.Sync.AtomicInt32(0);
        var got = new int[2];
        var first = ModelThread.SpawnAsync(async () =>
        {
            got[0] = await channel.Receiver.ReceiveAsync();
            firstDone.Store(1, Sluice.Sync.MemoryOrder.Relaxed); // orders nothing: only the guard may
        }, "receiver A");
        var second = ModelThread.SpawnAsync(async () =>
        {
            var spin = new Sluice.Sync.SpinWaiter();
            while (firstDone.Load(Sluice.Sync.MemoryOrder.Relaxed) == 0)
                spin.SpinOnce();
            got[1] = await channel.Receiver.ReceiveAsync();
        }, "receiver B");
        var sender = ModelThread.Spawn(() =>
        {
            channel.Sender.Send(1);
            channel.Sender.Send(2);
        }, "sender");
        sender.Join();
        first.Join();
        second.Join();
        Assert.Equal(new[] { 1, 2 }, got);
    }

    /// <summary>
    /// A receive with a timeout (fired by the checker at any point) and a cancellable receive (cancelled at any
    /// point) racing sends, then plain receives of whatever is left: a timed-out or cancelled receive
    /// dequeued nothing, and the receive waiter is reused safely after its timer or canceller let go of it.
    /// </summary>
    public static void ReceivesWithTimeoutAndCancellation()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var cts = new CancellationTokenSource();
        var received = new List<int>();
        var canceller = ModelThread.Spawn(() =>
        {
            ModelThread.Yield(); // Cancel touches no shim operation: let the checker choose when it happens
            cts.Cancel();
        }, "canceller");
        var receiver = ModelThread.SpawnAsync(async () =>
        {
            var r = await channel.Receiver.ReceiveAsync(TimeSpan.FromMilliseconds(10));
            if (r.Status == ReceiveStatus.Received)
                received.Add(r.Item);
            try
            {
                received.Add(await channel.Receiver.ReceiveAsync(cts.Token));
            }
            catch (OperationCanceledException)
            {
                // dequeued nothing
            }

            while (true)
            {
                try
                {
                    received.Add(await channel.Receiver.ReceiveAsync());
                }
                catch (ChannelClosedException)
                {
                    return;
                }
            }
        }, "receiver");
        var sender = ModelThread.Spawn(() =>
        {
            Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(1));
            Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(2));
            channel.Sender.Dispose(); // closes
        }, "sender");
        sender.Join();
        canceller.Join();
        receiver.Join();
        Assert.Equal(new[] { 1, 2 }, received); // nothing lost, nothing duplicated, in order
    }

    /// <summary>
    /// The adapter's <c>Completion</c> task requested at a point the checker chooses, racing the receiver's
    /// drain of a closed channel (a Dekker pair: the drain sets "drained" then looks for the task; the
    /// getter publishes the task then looks for "drained"). Once everything has finished, the task must
    /// be complete whoever came first.
    /// </summary>
    public static void CompletionRacesTheDrain()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        System.Threading.Tasks.Task? completion = null;
        var observer = ModelThread.Spawn(() => completion = channel.Reader.Completion, "observer");
        var receiver = ModelThread.SpawnAsync(async () =>
        {
            Assert.Equal(7, await channel.Receiver.ReceiveAsync());
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Receiver.ReceiveAsync());
        }, "receiver");
        var sender = ModelThread.Spawn(() =>
        {
            Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(7));
            channel.Sender.Dispose(); // the last handle: closes the channel
        }, "sender");
        sender.Join();
        receiver.Join();
        observer.Join();
        Assert.True(completion!.IsCompleted, "the channel is closed and drained but its Completion task never completed");
    }

    /// <summary>
    /// The lost wake-up window of a receive: a producer's single send races the receiver's first
    /// registration. The receiver awaits one item; the producer sends it with TrySend.
    /// </summary>
    public static void OneItemRace()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var got = -1;
        var receiver = ModelThread.SpawnAsync(async () => got = await channel.Receiver.ReceiveAsync(), "receiver");
        var producer = ModelThread.Spawn(() => Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(7)), "producer");
        producer.Join();
        receiver.Join();
        Assert.Equal(7, got);
    }

    /// <summary>
    /// A sender waits on a full channel that nobody receives from, and a separate thread closes it: the
    /// close alone must wake the sender (NotifyAll's SeqCst fence against the sender's fence after listing
    /// itself), which then fails with Closed. No pop follows that could hide a missed wake-up.
    /// </summary>
    public static void CloseWhileASenderWaits()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(1));
        var sender = ModelThread.SpawnAsync(
            async () => await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Sender.SendAsync(2)),
            "sender");
        var closer = ModelThread.Spawn(() => channel.Sender.Close(), "closer");
        sender.Join();
        closer.Join();
    }

    /// <summary>
    /// Two receives with a timeout in turn on a channel nobody sends to: both time out. The first one's timer
    /// callback may be the last holder of the receive waiter, so it returns the waiter to the channel's
    /// one-element cache after the receiver moved on, and the second receive rents it from there (the
    /// cache's release/acquire pair is then the only hand-off).
    /// </summary>
    public static void TwoReceiveTimeouts()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var receiver = ModelThread.SpawnAsync(async () =>
        {
            Assert.Equal(ReceiveStatus.TimedOut, (await channel.Receiver.ReceiveAsync(TimeSpan.FromMilliseconds(10))).Status);
            Assert.Equal(ReceiveStatus.TimedOut, (await channel.Receiver.ReceiveAsync(TimeSpan.FromMilliseconds(10))).Status);
        }, "receiver");
        receiver.Join();
    }

    /// <summary>
    /// A blocking receive with a timeout, then (if it timed out) an async receive, against one send: the
    /// receiver waker's sink switches from the thread waiter to the async waiter, so a notifier holding the
    /// waker's lock may wake the old waiter while the new one registers; the new registration's re-check
    /// must then see the push (the locking notifier's CAS is a release).
    /// </summary>
    public static void BlockingReceiveThenAsync()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var got = -1;
        var receiver = ModelThread.SpawnAsync(async () =>
        {
            got = channel.Receiver.Receive(out var item, TimeSpan.FromMilliseconds(10)) == ReceiveStatus.Received
                ? item
                : await channel.Receiver.ReceiveAsync();
        }, "receiver");
        var sender = ModelThread.Spawn(() => Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(7)), "sender");
        sender.Join();
        receiver.Join();
        Assert.Equal(7, got);
    }

    /// <summary>
    /// The receiver takes the one item sent and stops; the sender closes the channel (its last handle). Nobody
    /// receives again, so only the drain checks of the pop (AfterPop) and of the close can complete the Completion
    /// task: a Dekker pair of SeqCst fences (AfterPop's, NotifyAll's) decides which one sees the other. The other
    /// scenarios receive until Closed, which completes the task anyway and hides this path.
    /// </summary>
    public static void CompletionAfterTheLastReceive()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var receiver = ModelThread.Spawn(() => Assert.Equal(7, channel.Receiver.Receive()), "receiver");
        var sender = ModelThread.Spawn(() =>
        {
            Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(7));
            channel.Sender.Dispose(); // the last handle: closes the channel
        }, "sender");
        receiver.Join();
        sender.Join();
        Assert.True(channel.Reader.Completion.IsCompleted, "the channel is closed and drained but its Completion task is not complete");
    }
}
