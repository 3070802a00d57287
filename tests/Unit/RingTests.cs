using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

public class RingTests
{
    public static TheoryData<int> Capacities => new() { 1, 2, 3, 4, 5, 7, 8, 13 };

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Capacity_below_one_is_rejected(int capacity)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Ring<int>(capacity));
        Assert.Equal("capacity", e.ParamName);
    }

    [Theory]
    [MemberData(nameof(Capacities))]
    public void Holds_exactly_capacity_items_in_fifo_order_over_many_laps(int capacity)
    {
        var ring = new Ring<int>(capacity);
        var next = 0;
        var expected = 0;
        for (var round = 0; round < 50; round++)
        {
            // Fill completely, check Full, then drain a varying amount so the indices wrap at every offset.
            while (ring.TryPush(next) == PushResult.Pushed)
                next++;
            Assert.Equal(capacity, ring.Count);
            Assert.Equal(PushResult.Full, ring.TryPush(-1));
            Assert.Equal(PushResult.Full, ring.ProbeSpace());

            var take = 1 + (round % capacity);
            for (var i = 0; i < take; i++)
            {
                Assert.Equal(PopResult.Popped, ring.TryPeek(out var peeked));
                Assert.Equal(expected, peeked);
                Assert.Equal(PopResult.Popped, ring.TryPop(out var item));
                Assert.Equal(expected++, item);
            }

            Assert.Equal(capacity - take, ring.Count);
            Assert.Equal(PushResult.Pushed, ring.ProbeSpace());
        }

        while (ring.TryPop(out var item) == PopResult.Popped)
            Assert.Equal(expected++, item);
        Assert.Equal(next, expected);
        Assert.Equal(0, ring.Count);
        Assert.Equal(PopResult.Empty, ring.TryPop(out _));
        Assert.Equal(PopResult.Empty, ring.TryPeek(out _));
    }

    [Theory]
    [MemberData(nameof(Capacities))]
    public void Close_refuses_pushes_and_reports_closed_only_after_the_drain(int capacity)
    {
        var ring = new Ring<int>(capacity);
        var pushed = Math.Max(1, capacity - 1);
        for (var i = 0; i < pushed; i++)
            Assert.Equal(PushResult.Pushed, ring.TryPush(i));

        Assert.False(ring.IsClosed);
        Assert.True(ring.Close());
        Assert.False(ring.Close());
        Assert.True(ring.IsClosed);
        Assert.Equal(PushResult.Closed, ring.TryPush(99));
        Assert.Equal(PushResult.Closed, ring.ProbeSpace());
        Assert.False(ring.IsDrained());
        Assert.Equal(pushed, ring.Count);

        for (var i = 0; i < pushed; i++)
        {
            Assert.Equal(PopResult.Popped, ring.TryPop(out var item));
            Assert.Equal(i, item);
        }

        Assert.True(ring.IsDrained());
        Assert.Equal(PopResult.Closed, ring.TryPop(out _));
        Assert.Equal(PopResult.Closed, ring.TryPeek(out _));
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void Closing_an_empty_ring_is_drained_at_once()
    {
        var ring = new Ring<string>(3);
        Assert.Equal(PushResult.Pushed, ring.TryPush("a"));
        Assert.Equal(PopResult.Popped, ring.TryPop(out _));
        ring.Close();
        Assert.True(ring.IsDrained());
        Assert.Equal(PopResult.Closed, ring.TryPop(out var item));
        Assert.Null(item);
    }

    [Fact]
    public void A_popped_slot_does_not_keep_its_item_alive()
    {
        var ring = new Ring<object>(2);
        var weak = PushAndPop(ring);
        TestSupport.SpinUntil(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return !weak.IsAlive;
        }, "the popped item is collectable");
        Assert.False(weak.IsAlive);
        GC.KeepAlive(ring);

        [MethodImpl(MethodImplOptions.NoInlining)]
        static WeakReference PushAndPop(Ring<object> ring)
        {
            var item = new object();
            Assert.Equal(PushResult.Pushed, ring.TryPush(item));
            Assert.Equal(PopResult.Popped, ring.TryPop(out var popped));
            Assert.Same(item, popped);
            return new WeakReference(item);
        }
    }

    [Fact]
    public void The_two_positions_are_128_bytes_apart_and_padded_from_their_neighbours()
    {
        var positions = default(RingPositions);
        ref var start = ref Unsafe.As<RingPositions, byte>(ref positions);
        var enqueue = Unsafe.ByteOffset(ref start, ref Unsafe.As<Sluice.Sync.AtomicInt64, byte>(ref positions.EnqueuePos));
        var dequeue = Unsafe.ByteOffset(ref start, ref Unsafe.As<Sluice.Sync.AtomicInt64, byte>(ref positions.DequeuePos));
        Assert.True(enqueue >= 128, $"enqueue position at offset {enqueue}");
        Assert.True(dequeue - enqueue >= 128, $"positions {dequeue - enqueue} bytes apart");
        Assert.True(Unsafe.SizeOf<RingPositions>() - dequeue >= 128, "padding after the dequeue position");
    }

    [Fact]
    public void Multiple_producers_one_consumer_lose_and_duplicate_nothing_and_keep_per_producer_order()
    {
        const int producers = 3;
        const int perProducer = 200_000;
        var ring = new Ring<long>(3);
        var threads = new List<System.Threading.Thread>();
        for (var p = 0; p < producers; p++)
        {
            var id = p;
            var t = new System.Threading.Thread(() =>
            {
                for (var i = 0; i < perProducer; i++)
                {
                    while (ring.TryPush(((long)id << 32) | (uint)i) != PushResult.Pushed)
                        System.Threading.Thread.Yield();
                }
            });
            threads.Add(t);
            t.Start();
        }

        var next = new int[producers];
        var received = 0;
        while (received < producers * perProducer)
        {
            if (ring.TryPop(out var v) != PopResult.Popped)
            {
                System.Threading.Thread.Yield();
                continue;
            }

            var id = (int)(v >> 32);
            Assert.Equal(next[id]++, (int)(v & 0xFFFFFFFF));
            received++;
        }

        foreach (var t in threads)
            t.Join();
        Assert.All(next, n => Assert.Equal(perProducer, n));
        ring.Close();
        Assert.Equal(PopResult.Closed, ring.TryPop(out _));
    }
}
