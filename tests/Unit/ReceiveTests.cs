using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

public class ReceiveTests
{
    [Fact]
    public void TryReceive_reports_received_empty_and_closed_only_after_the_drain()
    {
        var channel = MpscChannel.CreateBounded<string>(3);
        Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out var item));
        Assert.Null(item);
        channel.Sender.TrySend("a");
        channel.Sender.TrySend("b");
        channel.Sender.Close();
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out item));
        Assert.Equal("a", item);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out item));
        Assert.Equal("b", item);
        Assert.Equal(ReceiveStatus.Closed, channel.Receiver.TryReceive(out item));
        Assert.Null(item);
        Assert.Equal(ReceiveStatus.Closed, channel.Receiver.TryReceive(out _)); // stays closed
    }

    [Fact]
    public async Task ReceiveAsync_returns_at_once_when_an_item_is_there_and_waits_otherwise()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        channel.Sender.TrySend(1);
        var ready = channel.Receiver.ReceiveAsync();
        Assert.True(ready.IsCompletedSuccessfully);
        Assert.Equal(1, await ready);

        var waiting = channel.Receiver.ReceiveAsync();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(2)); // the push wakes the waiting receive
        Assert.Equal(2, await waiting.WithDeadline());
    }

    [Fact]
    public async Task ReceiveAsync_with_a_canceled_token_fails_at_once_and_takes_nothing()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        channel.Sender.TrySend(1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var receive = channel.Receiver.ReceiveAsync(cts.Token);
        Assert.True(receive.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await receive);
        Assert.Equal(1, channel.Receiver.Count);
        Assert.Equal(1, await channel.Receiver.ReceiveAsync());
    }

    [Fact]
    public async Task ReceiveAsync_canceled_while_waiting_dequeues_nothing_and_the_next_item_is_not_lost()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        using var cts = new CancellationTokenSource();
        var receive = channel.Receiver.ReceiveAsync(cts.Token);
        Assert.False(receive.IsCompleted);
        cts.Cancel();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await receive.WithDeadline());
        Assert.Equal(cts.Token, e.CancellationToken);

        channel.Sender.TrySend(5);
        Assert.Equal(5, await channel.Receiver.ReceiveAsync().WithDeadline());
    }

    [Fact]
    public async Task ReceiveAsync_on_a_closed_drained_channel_throws_ChannelClosedException()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        channel.Sender.TrySend(1);
        channel.Sender.Close();
        Assert.Equal(1, await channel.Receiver.ReceiveAsync()); // drain first
        var e = await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Receiver.ReceiveAsync());
        Assert.Null(e.InnerException);
    }

    [Fact]
    public async Task A_waiting_ReceiveAsync_is_woken_by_close_from_either_side()
    {
        foreach (var closeFromReceiver in new[] { false, true })
        {
            var channel = MpscChannel.CreateBounded<int>(2);
            var receive = channel.Receiver.ReceiveAsync();
            Assert.False(receive.IsCompleted);
            Assert.True(closeFromReceiver ? channel.Receiver.Close() : channel.Sender.Close());
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await receive.WithDeadline());
        }
    }

    [Fact]
    public async Task ReceiveAsync_with_timeout_reports_received_closed_and_timed_out()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var rx = channel.Receiver;
        Assert.Equal(new ReceiveResult<int>(ReceiveStatus.TimedOut, 0), await rx.ReceiveAsync(TimeSpan.Zero));
        Assert.Equal(ReceiveStatus.TimedOut, (await rx.ReceiveAsync(TimeSpan.FromMilliseconds(1)).WithDeadline()).Status);

        channel.Sender.TrySend(3);
        var (status, item) = await rx.ReceiveAsync(TimeSpan.Zero);
        Assert.Equal(ReceiveStatus.Received, status);
        Assert.Equal(3, item);

        var waiting = rx.ReceiveAsync(Timeout.InfiniteTimeSpan);
        Assert.False(waiting.IsCompleted);
        channel.Sender.TrySend(4);
        Assert.Equal(new ReceiveResult<int>(ReceiveStatus.Received, 4), await waiting.WithDeadline());

        var closing = rx.ReceiveAsync(TimeSpan.FromMinutes(5));
        Assert.False(closing.IsCompleted);
        channel.Sender.Close();
        Assert.Equal(ReceiveStatus.Closed, (await closing.WithDeadline()).Status);
        Assert.Equal(ReceiveStatus.Closed, (await rx.ReceiveAsync(TimeSpan.FromSeconds(1))).Status);
    }

    [Fact]
    public async Task ReceiveAsync_with_timeout_can_be_canceled_before_and_while_waiting()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        using var before = new CancellationTokenSource();
        before.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await channel.Receiver.ReceiveAsync(TimeSpan.FromSeconds(5), before.Token));
        using var during = new CancellationTokenSource();
        var receive = channel.Receiver.ReceiveAsync(TimeSpan.FromMinutes(5), during.Token);
        Assert.False(receive.IsCompleted);
        during.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await receive.WithDeadline());
        channel.Sender.TrySend(9);
        Assert.Equal(9, channel.Receiver.Receive());
    }

    [Fact]
    public async Task Blocking_Receive_waits_for_an_item_and_reports_closed_after_the_drain()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var received = TestSupport.OnThread(() => channel.Receiver.Receive(), out var thread);
        TestSupport.WaitUntilBlocked(thread);
        channel.Sender.TrySend(8);
        Assert.Equal(8, await received.WithDeadline());

        channel.Sender.TrySend(9);
        channel.Sender.Close();
        Assert.Equal(9, channel.Receiver.Receive());
        Assert.Throws<ChannelClosedException>(() => channel.Receiver.Receive());
        Assert.Equal(ReceiveStatus.Closed, channel.Receiver.Receive(out _, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Blocking_Receive_with_timeout_times_out_and_is_woken_by_close()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        Assert.Equal(ReceiveStatus.TimedOut, channel.Receiver.Receive(out _, TimeSpan.Zero));
        Assert.Equal(ReceiveStatus.TimedOut, channel.Receiver.Receive(out _, TimeSpan.FromMilliseconds(20)));
        channel.Sender.TrySend(1);
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.Receive(out var item, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(1, item);

        var blocked = TestSupport.OnThread(() => channel.Receiver.Receive(out _, TimeSpan.FromMinutes(5)), out var thread);
        TestSupport.WaitUntilBlocked(thread);
        channel.Sender.Close();
        Assert.Equal(ReceiveStatus.Closed, await blocked.WithDeadline());
    }

    [Fact]
    public async Task ReadAllAsync_yields_every_item_in_order_then_ends_at_close()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
                await channel.Sender.SendAsync(i);
            channel.Sender.Dispose(); // the last handle: closes the channel
        });
        var items = new List<int>();
        await foreach (var item in channel.Receiver.ReadAllAsync())
            items.Add(item);
        await producer.WithDeadline();
        Assert.Equal(1000, items.Count);
        for (var i = 0; i < items.Count; i++)
            Assert.Equal(i, items[i]);
    }

    [Fact]
    public async Task ReadAllAsync_stops_with_OperationCanceledException_and_loses_nothing()
    {
        var channel = MpscChannel.CreateBounded<int>(4);
        channel.Sender.TrySend(1);
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in channel.Receiver.ReadAllAsync(cts.Token))
            {
                seen.Add(item);
                cts.Cancel(); // the enumeration now waits on an empty channel with a canceled token
            }
        });
        Assert.Equal(new[] { 1 }, seen);
        channel.Sender.TrySend(2);
        Assert.Equal(2, channel.Receiver.Receive());
    }

    [Fact]
    public void Count_tracks_items_sent_and_not_received()
    {
        var channel = MpscChannel.CreateBounded<int>(3);
        Assert.Equal(0, channel.Receiver.Count);
        channel.Sender.TrySend(1);
        channel.Sender.TrySend(2);
        Assert.Equal(2, channel.Receiver.Count);
        channel.Receiver.TryReceive(out _);
        Assert.Equal(1, channel.Receiver.Count);
        channel.Sender.Close();
        Assert.Equal(1, channel.Receiver.Count);
        channel.Receiver.TryReceive(out _);
        Assert.Equal(0, channel.Receiver.Count);
    }

    /// <summary>
    /// Looking at an open, empty channel (TryReceive, TryPeek, a zero-timeout ReceiveAsync) reports Empty or
    /// TimedOut at once and does not complete <c>Completion</c>, which completes only once the channel is
    /// closed and drained.
    /// </summary>
    [Fact]
    public async Task Polling_an_open_empty_channel_does_not_complete_Completion()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var completion = channel.Reader.Completion;
        Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out _));
        Assert.False(channel.Reader.TryPeek(out _));
        var timedOut = channel.Receiver.ReceiveAsync(TimeSpan.Zero);
        Assert.True(timedOut.IsCompletedSuccessfully); // zero timeout: tried once, never waits
        Assert.Equal(ReceiveStatus.TimedOut, (await timedOut).Status);
        Assert.False(completion.IsCompleted);
        Assert.False(channel.Reader.Completion.IsCompleted);

        Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(1));
        channel.Sender.Close();
        Assert.False(completion.IsCompleted); // closed, not drained
        Assert.Equal(ReceiveStatus.Received, channel.Receiver.TryReceive(out _));
        await completion.WithDeadline();
    }
}
