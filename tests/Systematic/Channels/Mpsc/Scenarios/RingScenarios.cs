using System.Collections.Generic;
using System.Linq;
using Sluice.Channels.Mpsc;
using Sluice.Verification;
using Xunit;

namespace Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;

/// <summary>
/// Ring scenarios (src/Channels/Mpsc/Ring.cs). Compiled against the real library and against every
/// broken twin (tests/Systematic/BrokenTwins.props).
/// </summary>
public static class RingScenarios
{
    private static int Item(int producer, int seq) => producer * 100 + seq;

    /// <summary>
    /// <paramref name="producers"/> threads push <paramref name="pushes"/> items each and stop at the first
    /// Full or Closed (the Loom harness of tachyonix: no spin loops, so every thread is straight-line code).
    /// A consumer makes one pop attempt per item concurrently; main drains the rest after the joins.
    /// If <paramref name="closeAfter"/> ≥ 0, producer 0 closes the ring after that many of its pushes.
    /// </summary>
    public static void PushPop(int producers, int pushes, int capacity, int closeAfter)
    {
        var ring = new Ring<int>(capacity);
        var pushed = new bool[producers, pushes];
        var received = new List<int>();
        var last = Enumerable.Repeat(-1, producers).ToArray();
        var sawClosed = false;

        void Take(int item)
        {
            var (p, seq) = (item / 100, item % 100);
            Assert.True(seq > last[p], $"per-producer FIFO violated: {item} after {Item(p, last[p])}");
            last[p] = seq;
            received.Add(item);
        }

        var threads = new List<ModelThreadHandle>();
        for (var p = 0; p < producers; p++)
        {
            var me = p;
            threads.Add(ModelThread.Spawn(() =>
            {
                var closes = me == 0 && closeAfter >= 0;
                for (var k = 0; k < pushes; k++)
                {
                    if (closes && k == closeAfter)
                    {
                        ring.Close();
                        closes = false;
                    }

                    var r = ring.TryPush(Item(me, k));
                    pushed[me, k] = r == PushResult.Pushed;
                    if (r != PushResult.Pushed)
                        break; // a later push of this producer could overtake an earlier one that failed
                }

                if (closes)
                    ring.Close();
            }, $"producer {p}"));
        }

        var consumer = ModelThread.Spawn(() =>
        {
            for (var attempt = 0; attempt < producers * pushes && !sawClosed; attempt++)
            {
                var r = ring.TryPop(out var item);
                if (r == PopResult.Popped)
                    Take(item);
                sawClosed = r == PopResult.Closed;
            }
        }, "consumer");

        foreach (var t in threads)
            t.Join();
        consumer.Join();

        // Everything that was pushed and not popped concurrently is still there, in order.
        PopResult tail;
        while ((tail = ring.TryPop(out var item)) == PopResult.Popped)
        {
            Assert.False(sawClosed, $"the consumer saw Closed, yet {item} was still in the ring");
            Take(item);
        }

        Assert.Equal(closeAfter >= 0 ? PopResult.Closed : PopResult.Empty, tail);
        Assert.False(sawClosed && closeAfter < 0, "Closed reported on a ring nobody closed");

        var expected = new List<int>();
        for (var p = 0; p < producers; p++)
        {
            for (var k = 0; k < pushes; k++)
            {
                if (pushed[p, k])
                    expected.Add(Item(p, k));
            }
        }

        Assert.Equal(received.Count, received.Distinct().Count()); // no duplication
        Assert.Equal(expected.OrderBy(x => x), received.OrderBy(x => x)); // no loss
    }

    /// <summary>Pushes without a consumer: exactly min(capacity, attempts) succeed, then they pop back in per-producer order.</summary>
    public static void FillWithoutConsumer(int producers, int pushes, int capacity)
    {
        var ring = new Ring<int>(capacity);
        var ok = new int[producers];
        var threads = Enumerable.Range(0, producers).Select(p => ModelThread.Spawn(() =>
        {
            for (var k = 0; k < pushes; k++)
            {
                if (ring.TryPush(Item(p, k)) == PushResult.Pushed)
                    ok[p]++;
            }
        }, $"producer {p}")).ToList();
        foreach (var t in threads)
            t.Join();
        Assert.Equal(System.Math.Min(capacity, producers * pushes), ok.Sum()); // capacity never exceeded, never under-used
        var popped = 0;
        while (ring.TryPop(out _) == PopResult.Popped)
            popped++;
        Assert.Equal(ok.Sum(), popped);
    }

    /// <summary>
    /// A probe for space (WaitToWriteAsync's) racing a pop and a push on a full ring of one slot: the probe
    /// may find its slot already refilled for a later lap and must then re-read a newer enqueue position
    /// (its acquire on the stamp is what makes the re-read progress).
    /// </summary>
    public static void ProbeRacesPopAndPush()
    {
        var ring = new Ring<int>(1);
        Assert.Equal(PushResult.Pushed, ring.TryPush(1));
        var consumer = ModelThread.Spawn(() => ring.TryPop(out _), "consumer");
        var producer = ModelThread.Spawn(() => ring.TryPush(2), "producer");
        var prober = ModelThread.Spawn(() => Assert.NotEqual(PushResult.Closed, ring.ProbeSpace()), "prober");
        consumer.Join();
        producer.Join();
        prober.Join();
    }
}
