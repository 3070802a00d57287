using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Channels.Tests.Unit;

/// <summary>Allocation tests measure the whole process, so nothing else may run beside them.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection
{
}

/// <summary>
/// Zero allocation per message in steady state.
/// </summary>
/// <remarks>
/// <para>Method: warm up (pools fill, timer and callback nodes are created, code is jitted and tiered),
/// then measure <see cref="GC.GetTotalAllocatedBytes(bool)"/> (precise, all threads) across
/// <see cref="Windows"/> consecutive windows of <see cref="MessagesPerWindow"/> messages each, and
/// require the <b>smallest</b> window to stay within <see cref="ToleranceBytes"/> bytes in total. The
/// runtime itself allocates now and then on its own threads (thread-pool bookkeeping: a few hundred bytes
/// at random moments), which a single window may catch; an allocation per message, even of one byte, would
/// put at least <see cref="MessagesPerWindow"/> bytes in every window.</para>
/// <para>The measured loops avoid xunit's <c>Assert</c> (it boxes value types); they check with plain
/// comparisons and throw on a mismatch.</para>
/// </remarks>
[Collection(nameof(AllocationCollection))]
public class AllocationTests(ITestOutputHelper output)
{
    private const int Windows = 5;
    private const int MessagesPerWindow = 10_000;
    private const int Warmup = 5_000;
    private const long ToleranceBytes = 256;

    [Fact]
    public void TrySend_and_TryReceive_allocate_nothing()
    {
        var channel = MpscChannel.CreateBounded<int>(16);
        Report("TrySend/TryReceive", MeasureWindows(n =>
        {
            for (var i = 0; i < n; i++)
            {
                channel.Sender.TrySend(i);
                channel.Receiver.TryReceive(out var item);
                Check(item == i);
            }
        }));
    }

    [Fact]
    public void The_adapters_TryWrite_and_TryRead_allocate_nothing()
    {
        var channel = MpscChannel.CreateBounded<int>(16);
        Report("TryWrite/TryRead", MeasureWindows(n =>
        {
            for (var i = 0; i < n; i++)
            {
                channel.Writer.TryWrite(i);
                channel.Reader.TryRead(out var item);
                Check(item == i);
            }
        }));
    }

    public static TheoryData<string> WaitKinds => new() { "plain", "cancelable", "timeout" };

    /// <summary>Two tasks bounce messages through two channels: every receive awaits an empty channel.</summary>
    [Theory]
    [MemberData(nameof(WaitKinds))]
    public async Task Awaited_ping_pong_on_empty_channels_allocates_nothing(string kind)
    {
        var ping = MpscChannel.CreateBounded<int>(1);
        var pong = MpscChannel.CreateBounded<int>(1);
        using var cts = new CancellationTokenSource(); // never canceled: a cancelable token is registered on every wait
        var token = kind == "cancelable" ? cts.Token : CancellationToken.None;
        var timeout = kind == "timeout" ? TimeSpan.FromMinutes(5) : Timeout.InfiniteTimeSpan;
        var total = Warmup + Windows * MessagesPerWindow;
        var windows = new long[Windows];

        var echo = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                int item;
                if (kind == "timeout")
                {
                    var r = await ping.Receiver.ReceiveAsync(timeout, token);
                    Check(r.Status == ReceiveStatus.Received);
                    item = r.Item;
                }
                else
                {
                    item = await ping.Receiver.ReceiveAsync(token);
                }

                await pong.Sender.SendAsync(item, token);
            }
        });
        var driver = Task.Run(async () =>
        {
            var start = 0L;
            for (var i = 0; i < total; i++)
            {
                if (i >= Warmup && (i - Warmup) % MessagesPerWindow == 0)
                {
                    var now = GC.GetTotalAllocatedBytes(precise: true);
                    if (i > Warmup)
                        windows[(i - Warmup) / MessagesPerWindow - 1] = now - start;
                    start = now;
                }

                await ping.Sender.SendAsync(i, token);
                int item;
                if (kind == "timeout")
                {
                    var r = await pong.Receiver.ReceiveAsync(timeout, token);
                    Check(r.Status == ReceiveStatus.Received);
                    item = r.Item;
                }
                else
                {
                    item = await pong.Receiver.ReceiveAsync(token);
                }

                Check(item == i);
            }

            windows[Windows - 1] = GC.GetTotalAllocatedBytes(precise: true) - start;
        });
        await Task.WhenAll(echo, driver).WithDeadline();
        Report($"awaited ping-pong on empty channels ({kind})", windows);
    }

    /// <summary>
    /// Every measured send finds the channel full and waits: the producer fills the channel, starts the
    /// send (it must be pending: nobody reads until told), then tells the consumer to go.
    /// </summary>
    [Theory]
    [MemberData(nameof(WaitKinds))]
    public async Task Senders_waiting_on_a_full_channel_allocate_nothing(string kind)
    {
        var channel = MpscChannel.CreateBounded<int>(1);
        var go = MpscChannel.CreateBounded<int>(1);
        var done = MpscChannel.CreateBounded<int>(1);
        using var cts = new CancellationTokenSource();
        var token = kind == "cancelable" ? cts.Token : CancellationToken.None;
        var total = Warmup + Windows * MessagesPerWindow;
        var windows = new long[Windows];
        var waited = 0;

        var consumer = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                await go.Receiver.ReceiveAsync();
                Check(await channel.Receiver.ReceiveAsync() == 2 * i);
                Check(await channel.Receiver.ReceiveAsync() == 2 * i + 1);
                await done.Sender.SendAsync(i);
            }
        });
        var producer = Task.Run(async () =>
        {
            var start = 0L;
            for (var i = 0; i < total; i++)
            {
                if (i >= Warmup && (i - Warmup) % MessagesPerWindow == 0)
                {
                    var now = GC.GetTotalAllocatedBytes(precise: true);
                    if (i > Warmup)
                        windows[(i - Warmup) / MessagesPerWindow - 1] = now - start;
                    start = now;
                }

                Check(channel.Sender.TrySend(2 * i) == SendStatus.Sent);
                if (kind == "timeout")
                {
                    var send = channel.Sender.SendAsync(2 * i + 1, TimeSpan.FromMinutes(5));
                    waited += send.IsCompleted ? 0 : 1;
                    await go.Sender.SendAsync(i);
                    Check(await send == SendStatus.Sent);
                }
                else
                {
                    var send = channel.Sender.SendAsync(2 * i + 1, token);
                    waited += send.IsCompleted ? 0 : 1;
                    await go.Sender.SendAsync(i);
                    await send;
                }

                await done.Receiver.ReceiveAsync();
            }

            windows[Windows - 1] = GC.GetTotalAllocatedBytes(precise: true) - start;
        });
        await Task.WhenAll(consumer, producer).WithDeadline();
        Assert.Equal(total, waited); // every send really waited
        Report($"senders waiting on a full channel ({kind})", windows);
    }

    [Fact]
    public async Task Blocking_Send_and_Receive_allocate_nothing()
    {
        // Threads, not tasks: Send and Receive park the calling thread (capacity 1: the producer blocks
        // whenever it runs ahead, the consumer whenever it catches up). Blocking operations run entirely on
        // their two calling threads (a wake unparks a thread; nothing is dispatched), so this test sums the
        // two threads' own allocation counters, which the test host's background activity cannot disturb.
        var channel = MpscChannel.CreateBounded<int>(1);
        var consumerWindows = new long[Windows];
        var producerWindows = new long[Windows];
        var consumer = TestSupport.OnThread(() => RunWindows(consumerWindows, i => Check(channel.Receiver.Receive() == i)), out _);
        var producer = TestSupport.OnThread(() => RunWindows(producerWindows, i => channel.Sender.Send(i)), out _);
        await Task.WhenAll(consumer, producer).WithDeadline();
        Report("blocking Send/Receive (both threads' own counters)", consumerWindows.Zip(producerWindows, (a, b) => a + b).ToArray());

        static bool RunWindows(long[] windows, Action<int> step)
        {
            var i = 0;
            for (; i < Warmup; i++)
                step(i);
            for (var w = 0; w < Windows; w++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var end = i + MessagesPerWindow; i < end; i++)
                    step(i);
                windows[w] = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            return true;
        }
    }

    private static long[] MeasureWindows(Action<int> run)
    {
        run(Warmup);
        var windows = new long[Windows];
        for (var w = 0; w < Windows; w++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            run(MessagesPerWindow);
            windows[w] = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        return windows;
    }

    private static void Check(bool condition)
    {
        if (!condition)
            throw new InvalidOperationException("The channel returned a wrong result during the measurement.");
    }

    private void Report(string what, long[] windows)
    {
        var min = windows.Min();
        output.WriteLine(
            $"{what}: {min} bytes in the quietest window of {MessagesPerWindow} messages ({(double)min / MessagesPerWindow:F4} B/message); " +
            $"all windows: [{string.Join(", ", windows)}]; tolerance {ToleranceBytes} bytes per window");
        Assert.InRange(min, 0, ToleranceBytes);
    }
}
