using System;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

public class SingleConsumerTests
{
    [Fact]
    public async Task A_waiting_ReceiveAsync_holds_the_receiver_until_it_is_awaited()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var pending = channel.Receiver.ReceiveAsync();
        Assert.False(pending.IsCompleted);

        var e = Assert.Throws<InvalidOperationException>(() => channel.Receiver.TryReceive(out _));
        Assert.Contains("single-consumer", e.Message, StringComparison.Ordinal);
        Assert.Contains("whose ValueTask has not been awaited yet", e.Message, StringComparison.Ordinal); // says why
        Assert.Contains("holds the receiver until its result is consumed", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => { _ = channel.Receiver.ReceiveAsync(); });
        Assert.Throws<InvalidOperationException>(() => { _ = channel.Receiver.ReceiveAsync(TimeSpan.Zero); });
        Assert.Throws<InvalidOperationException>(() => channel.Receiver.Receive(out _, TimeSpan.Zero));
        Assert.Throws<InvalidOperationException>(() => channel.Reader.TryRead(out _));
        Assert.Throws<InvalidOperationException>(() => channel.Reader.TryPeek(out _));
        Assert.Throws<InvalidOperationException>(() => { _ = channel.Reader.WaitToReadAsync(); });

        channel.Sender.TrySend(1);
        Assert.Equal(1, await pending.WithDeadline());
        // Consumed: the receiver is free again, and nothing was lost by the refused calls.
        Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out _));
    }

    [Fact]
    public async Task A_pending_WaitToReadAsync_also_holds_the_receiver()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var wait = channel.Reader.WaitToReadAsync();
        Assert.False(wait.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => channel.Reader.TryRead(out _));
        channel.Writer.TryWrite(3);
        Assert.True(await wait.WithDeadline());
        Assert.True(channel.Reader.TryRead(out var item));
        Assert.Equal(3, item);
    }

    [Fact]
    public async Task A_blocked_Receive_holds_the_receiver_while_it_blocks()
    {
        var channel = MpscChannel.CreateBounded<int>(2);
        var blocked = TestSupport.OnThread(() => channel.Receiver.Receive(), out var thread);
        TestSupport.WaitUntilBlocked(thread);
        Assert.Throws<InvalidOperationException>(() => channel.Receiver.TryReceive(out _));
        channel.Sender.TrySend(4);
        Assert.Equal(4, await blocked.WithDeadline());
        Assert.Equal(ReceiveStatus.Empty, channel.Receiver.TryReceive(out _));
    }

    [Fact]
    public async Task The_receiver_may_move_between_threads_between_receives()
    {
        var channel = MpscChannel.CreateBounded<int>(4);
        for (var i = 0; i < 4; i++)
            channel.Sender.TrySend(i);
        for (var i = 0; i < 4; i++)
        {
            var expected = i;
            Assert.Equal(expected, await Task.Run(() => channel.Receiver.Receive()).WithDeadline());
        }
    }
}
