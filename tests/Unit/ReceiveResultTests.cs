using System;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

/// <summary>ReceiveResult is a value: equality needs both the status and the item; ToString reads like a log line.</summary>
public class ReceiveResultTests
{
    [Fact]
    public void Results_are_equal_only_when_status_and_item_both_are()
    {
        var received = new ReceiveResult<string>(ReceiveStatus.Received, "a");
        Assert.True(received == new ReceiveResult<string>(ReceiveStatus.Received, "a"));
        Assert.False(received != new ReceiveResult<string>(ReceiveStatus.Received, "a"));
        Assert.True(received.Equals((object)new ReceiveResult<string>(ReceiveStatus.Received, "a")));
        Assert.Equal(received.GetHashCode(), new ReceiveResult<string>(ReceiveStatus.Received, "a").GetHashCode());

        Assert.True(received != new ReceiveResult<string>(ReceiveStatus.Received, "b")); // same status, other item
        Assert.False(received == new ReceiveResult<string>(ReceiveStatus.Received, "b"));
        Assert.True(received != new ReceiveResult<string>(ReceiveStatus.Closed, "a")); // same item, other status
        Assert.False(received.Equals((object)"a"));
    }

    [Fact]
    public void ToString_shows_the_item_only_when_one_was_received()
    {
        Assert.Equal("Received(42)", new ReceiveResult<int>(ReceiveStatus.Received, 42).ToString());
        Assert.Equal("Closed", new ReceiveResult<int>(ReceiveStatus.Closed, 0).ToString());
        Assert.Equal("TimedOut", new ReceiveResult<int>(ReceiveStatus.TimedOut, 0).ToString());
    }

    [Fact]
    public void Deconstruction_gives_status_and_item()
    {
        var (status, item) = new ReceiveResult<int>(ReceiveStatus.Received, 7);
        Assert.Equal(ReceiveStatus.Received, status);
        Assert.Equal(7, item);
    }
}
