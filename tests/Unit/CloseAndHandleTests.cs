using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

public class CloseAndHandleTests
{
    [Fact]
    public void Close_returns_true_once_from_any_side()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        Assert.True(channel.Sender.Close());
        Assert.True(channel.Sender.IsClosed);
        Assert.False(channel.Sender.Close());
        Assert.False(channel.Receiver.Close());
        Assert.False(channel.Writer.TryComplete());
    }

    [Fact]
    public async Task Close_wakes_every_waiting_sender_and_none_of_their_items_is_enqueued()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        channel.Sender.TrySend(0);
        using var cts = new CancellationTokenSource();
        var a = channel.Sender.SendAsync(1);
        var b = channel.Sender.SendAsync(2, cts.Token);
        var c = channel.Sender.SendAsync(3, TimeSpan.FromMinutes(5));
        var d = channel.Writer.WaitToWriteAsync();
        var e = TestSupport.OnThread(() => channel.Sender.Send(4, TimeSpan.FromMinutes(5)), out var thread);
        TestSupport.WaitUntilBlocked(thread);
        Assert.False(a.IsCompleted || b.IsCompleted || c.IsCompleted || d.IsCompleted);

        Assert.True(channel.Receiver.Close());
        await Assert.ThrowsAsync<ChannelClosedException>(() => a.WithDeadline());
        await Assert.ThrowsAsync<ChannelClosedException>(() => b.WithDeadline());
        Assert.Equal(SendStatus.Closed, await c.WithDeadline());
        Assert.False(await d.WithDeadline());
        Assert.Equal(SendStatus.Closed, await e.WithDeadline());

        Assert.Equal(new[] { 0 }, SendTests.Drain(channel.Receiver)); // drained: only what was sent before the close
        Assert.Equal(ReceiveStatus.Closed, channel.Receiver.TryReceive(out _));
    }

    [Fact]
    public async Task The_receiver_drains_everything_sent_before_the_close_then_sees_closed()
    {
        var channel = MpscChannel.CreateBounded<int>(4);
        for (var i = 0; i < 4; i++)
            channel.Sender.TrySend(i);
        channel.Sender.Close();
        for (var i = 0; i < 4; i++)
            Assert.Equal(i, await channel.Receiver.ReceiveAsync());
        await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Receiver.ReceiveAsync());
    }

    [Fact]
    public void Disposing_the_last_sender_handle_closes_the_channel_and_clones_count()
    {
        var channel = MpscChannel.CreateBounded<int>(4);
        var clone = channel.Sender.Clone();
        var cloneOfClone = clone.Clone();
        channel.Sender.Dispose();
        channel.Sender.Dispose(); // idempotent: counts once
        Assert.False(clone.IsClosed);
        Assert.Equal(SendStatus.Sent, clone.TrySend(1));
        cloneOfClone.Dispose();
        Assert.False(clone.IsClosed);
        clone.Dispose();
        Assert.True(clone.IsClosed);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out var item)); // still drains
        Assert.Equal(1, item);
        Assert.Equal(ReceiveStatus.Closed, channel.Receiver.TryReceive(out _));
    }

    [Fact]
    public async Task A_disposed_handle_refuses_to_send_or_clone_but_may_still_close()
    {
        var channel = MpscChannel.CreateBounded<int>(4);
        var extra = channel.Sender.Clone();
        extra.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => extra.TrySend(1));
        Assert.Contains("Clone one before disposing", e.Message, StringComparison.Ordinal); // what to do instead
        Assert.Throws<ObjectDisposedException>(() => { _ = extra.SendAsync(1); });
        Assert.Throws<ObjectDisposedException>(() => { _ = extra.SendAsync(1, TimeSpan.Zero); });
        Assert.Throws<ObjectDisposedException>(() => extra.Send(1));
        Assert.Throws<ObjectDisposedException>(() => extra.Send(1, TimeSpan.Zero));
        Assert.Throws<ObjectDisposedException>(() => extra.Clone());
        Assert.False(extra.IsClosed); // the original handle is alive
        Assert.Equal(0, channel.Receiver.Count);
        Assert.True(extra.Close());
        Assert.True(channel.Sender.IsClosed);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Disposing_the_receiver_closes_the_channel_and_wakes_waiting_senders()
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        channel.Sender.TrySend(1);
        var waiting = channel.Sender.SendAsync(2);
        channel.Receiver.Dispose();
        await Assert.ThrowsAsync<ChannelClosedException>(() => waiting.WithDeadline());
        Assert.True(channel.Sender.IsClosed);
        Assert.Equal(1, channel.Receiver.Receive()); // what was sent can still be received
    }

    [Fact]
    public async Task A_failed_send_keeps_no_reference_to_its_item()
    {
        // Cancelled, timed out and closed sends all go through a pooled node; the node must let go of the
        // item (the caller still owns it), or a pool would keep garbage alive.
        var channel = MpscChannel.CreateBounded<object>(1);
        channel.Sender.TrySend(new object());
        var weak = await FailThreeWays(channel);
        // "Eventually unreachable": the thread-pool retry that completed a send may still be on its way out
        // (its frame can hold the item for an instant); a pooled node that kept the item would hold it forever.
        TestSupport.SpinUntil(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return Array.TrueForAll(weak, w => !w.IsAlive);
        }, "every failed item is collectable");
        Assert.All(weak, w => Assert.False(w.IsAlive));
        GC.KeepAlive(channel); // the channel (and its pool of nodes) stays reachable throughout
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference[]> FailThreeWays(MpscChannel<object> channel)
    {
        var items = new[] { new object(), new object(), new object() };
        using var cts = new CancellationTokenSource();
        var canceled = channel.Sender.SendAsync(items[0], cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.WithDeadline());
        Assert.Equal(SendStatus.TimedOut, await channel.Sender.SendAsync(items[1], TimeSpan.FromMilliseconds(1)).WithDeadline());
        var closed = channel.Sender.SendAsync(items[2]);
        channel.Sender.Close();
        await Assert.ThrowsAsync<ChannelClosedException>(() => closed.WithDeadline());
        return Array.ConvertAll(items, i => new WeakReference(i));
    }
}
