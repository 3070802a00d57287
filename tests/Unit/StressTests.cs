using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Channels.Tests.Unit;

/// <summary>
/// Real threads, many messages, random cancellations and timeouts. The oracle is the checksum of what
/// was received, never the time it took: every successfully sent item is received exactly once, and
/// each producer's items arrive in the order it sent them.
/// </summary>
[Trait("Category", "Stress")]
public class StressTests(ITestOutputHelper output)
{
    private const int Producers = 4;
    private const int PerProducer = 1_000_000;
    private const int Capacity = 16;

    /// <summary>
    /// Four producer threads send a million items each through a 16-slot channel, choosing at random
    /// for every item how to wait when the channel is full: awaiting SendAsync (with a token that a chaos
    /// thread keeps canceling, or without), SendAsync with a 0–2 ms timeout, or blocking Send with or
    /// without a timeout. A send that is canceled or times out is retried with the same item, so each
    /// producer's sequence is 0, 1, 2, … with no gap; the consumer (switching between TryReceive,
    /// ReceiveAsync with canceled tokens and timeouts, and blocking Receive) checks exactly that. A lost
    /// item shows as a gap, a cancelled-but-enqueued send as a duplicate, a cancelled-but-dequeued receive
    /// as a gap.
    /// </summary>
    [Fact]
    public async Task Four_producers_a_million_items_each_with_random_cancellations_and_timeouts()
    {
        var channel = MpscChannel.CreateBounded<long>(Capacity);
        var handles = Enumerable.Range(0, Producers).Select(_ => channel.Sender.Clone()).ToArray();
        channel.Sender.Dispose(); // the producers' handles keep it open; the last one to finish closes it

        var chaos = new Chaos();
        var stats = new Stats();
        var stopwatch = Stopwatch.StartNew();
        var chaosThread = new Thread(chaos.Run) { IsBackground = true, Name = "chaos" };
        chaosThread.Start();

        var producers = new Task[Producers];
        for (var p = 0; p < Producers; p++)
        {
            var id = p;
            producers[p] = TestSupport.OnThread(() => Produce(id, handles[id], chaos, stats), out _);
        }

        var consumer = TestSupport.OnThread(() => Consume(channel.Receiver, chaos, stats), out _);
        var deadline = TimeSpan.FromMinutes(3); // a hang guard only
        await Task.WhenAll(producers).WaitAsync(deadline);
        var next = await consumer.WaitAsync(deadline);
        chaos.Stop();
        chaosThread.Join();

        output.WriteLine(
            $"{Producers} producers x {PerProducer:N0} items, capacity {Capacity}: {stopwatch.Elapsed.TotalSeconds:F1} s; " +
            $"send retries after cancellation {stats.SendCanceled:N0}, after timeout {stats.SendTimedOut:N0}; " +
            $"receives canceled {stats.ReceiveCanceled:N0}, timed out {stats.ReceiveTimedOut:N0}; sends that waited {stats.SendWaited:N0}");
        Assert.All(next, n => Assert.Equal(PerProducer, n));
        Assert.True(stats.SendCanceled + stats.SendTimedOut > 0, "the run exercised no cancelled or timed-out send");
        Assert.True(stats.ReceiveCanceled + stats.ReceiveTimedOut > 0, "the run exercised no cancelled or timed-out receive");
    }

    private static bool Produce(int id, MpscSender<long> sender, Chaos chaos, Stats stats)
    {
        var rng = new Random(1000 + id);
        for (var seq = 0; seq < PerProducer; seq++)
        {
            var item = ((long)id << 32) | (uint)seq;
            while (!TrySendOnce(sender, item, rng, chaos, stats))
            {
                // canceled or timed out: the item was not enqueued; send it again
            }
        }

        sender.Dispose();
        return true;
    }

    private static bool TrySendOnce(MpscSender<long> sender, long item, Random rng, Chaos chaos, Stats stats)
    {
        var status = sender.TrySend(item);
        if (status == SendStatus.Sent)
            return true;
        Assert.Equal(SendStatus.Full, status);
        Interlocked.Increment(ref stats.SendWaited);
        switch (rng.Next(6))
        {
            case 0:
                sender.SendAsync(item).AsTask().GetAwaiter().GetResult();
                return true;
            case 1:
                try
                {
                    sender.SendAsync(item, chaos.Token).AsTask().GetAwaiter().GetResult();
                    return true;
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref stats.SendCanceled);
                    return false;
                }

            case 2:
                return Count(sender.SendAsync(item, TimeSpan.FromMilliseconds(rng.Next(3))).AsTask().GetAwaiter().GetResult(), stats);
            case 3:
                try
                {
                    return Count(sender.SendAsync(item, TimeSpan.FromMilliseconds(rng.Next(3)), chaos.Token).AsTask().GetAwaiter().GetResult(), stats);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref stats.SendCanceled);
                    return false;
                }

            case 4:
                return Count(sender.Send(item, TimeSpan.FromMilliseconds(rng.Next(3))), stats);
            default:
                sender.Send(item);
                return true;
        }

        static bool Count(SendStatus status, Stats stats)
        {
            if (status == SendStatus.TimedOut)
            {
                Interlocked.Increment(ref stats.SendTimedOut);
                return false;
            }

            Assert.Equal(SendStatus.Sent, status);
            return true;
        }
    }

    private static int[] Consume(MpscReceiver<long> receiver, Chaos chaos, Stats stats)
    {
        var next = new int[Producers];
        var rng = new Random(77);
        while (true)
        {
            long item;
            ReceiveStatus status;
            switch (rng.Next(5))
            {
                case 0:
                    status = receiver.TryReceive(out item);
                    break;
                case 1:
                    try
                    {
                        item = receiver.ReceiveAsync(chaos.Token).AsTask().GetAwaiter().GetResult();
                        status = ReceiveStatus.Received;
                    }
                    catch (OperationCanceledException)
                    {
                        stats.ReceiveCanceled++;
                        continue;
                    }
                    catch (System.Threading.Channels.ChannelClosedException)
                    {
                        item = 0;
                        status = ReceiveStatus.Closed;
                    }

                    break;
                case 2:
                    (status, item) = receiver.ReceiveAsync(TimeSpan.FromMilliseconds(rng.Next(2))).AsTask().GetAwaiter().GetResult();
                    break;
                case 3:
                    status = receiver.Receive(out item, TimeSpan.FromMilliseconds(rng.Next(2)));
                    break;
                default:
                    status = receiver.Receive(out item, Timeout.InfiniteTimeSpan);
                    break;
            }

            if (status == ReceiveStatus.Closed)
                return next;
            if (status == ReceiveStatus.TimedOut)
            {
                stats.ReceiveTimedOut++;
                continue;
            }

            if (status == ReceiveStatus.Empty)
                continue;

            var producer = (int)(item >> 32);
            var seq = (int)(item & 0xFFFFFFFF);
            if (seq != next[producer])
                throw new InvalidOperationException($"producer {producer}: expected item {next[producer]}, received {seq} (a gap is a loss, a repeat a duplicate)");
            next[producer]++;
        }
    }

    private sealed class Stats
    {
        public long SendCanceled;
        public long SendTimedOut;
        public long SendWaited;
        public long ReceiveCanceled;
        public long ReceiveTimedOut;
    }

    /// <summary>Hands out a token and cancels it at random moments, replacing it each time.</summary>
    private sealed class Chaos
    {
        private volatile CancellationTokenSource _source = new();
        private volatile bool _stop;

        public CancellationToken Token => _source.Token;

        public void Stop() => _stop = true;

        public void Run()
        {
            var rng = new Random(5);
            while (!_stop)
            {
                // Pacing only (how often cancellations happen); no test outcome depends on it.
                Thread.Sleep(rng.Next(1, 3));
                var old = _source;
                _source = new CancellationTokenSource();
                old.Cancel();
            }
        }
    }
}
