using System;
using System.Threading.Channels;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

public class ChannelCreationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_capacity_below_one_is_rejected_with_a_clear_message(int capacity)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MpscChannel.CreateBounded<int>(capacity));
        Assert.Equal("capacity", e.ParamName);
        Assert.Equal(capacity, e.ActualValue);
        Assert.Contains("at least 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("this channel has no rendezvous mode", e.Message, StringComparison.Ordinal); // what to do instead of 0

        // The tests' own constructor (a manual dispatcher) validates the same way, so no test runs on a channel the public API refuses.
        var hook = Assert.Throws<ArgumentOutOfRangeException>(() => MpscChannel.CreateBounded<int>(capacity, _ => { }));
        Assert.Equal(e.Message, hook.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1024)]
    public void The_channel_exposes_its_capacity_handles_and_adapters(int capacity)
    {
        var channel = MpscChannel.CreateBounded<string>(capacity);
        Assert.Equal(capacity, channel.Capacity);
        Assert.NotNull(channel.Sender);
        Assert.NotNull(channel.Receiver);
        Assert.IsType<MpscChannelReader<string>>(channel.Reader);
        Assert.IsType<MpscChannelWriter<string>>(channel.Writer);
        ChannelReader<string> reader = channel; // the implicit conversions of Channel<T>
        ChannelWriter<string> writer = channel;
        Assert.Same(channel.Reader, reader);
        Assert.Same(channel.Writer, writer);
        Assert.False(channel.Sender.IsClosed);
        Assert.Equal(0, channel.Receiver.Count);
    }

    [Fact]
    public void A_capacity_that_is_not_a_power_of_two_holds_exactly_that_many()
    {
        var channel = MpscChannel.CreateBounded<int>(5);
        for (var i = 0; i < 5; i++)
            Assert.Equal(SendStatus.Sent, channel.Sender.TrySend(i));
        Assert.Equal(SendStatus.Full, channel.Sender.TrySend(5));
        Assert.Equal(5, channel.Receiver.Count);
    }
}
