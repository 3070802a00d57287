using System;
using System.Threading.Tasks;
using Sluice.Benchmarks.Infrastructure;

namespace Sluice.Benchmarks.Workloads;

/// <summary>
/// One producer task sends 0 … n−1, one consumer task receives them, one awaited call per item; the
/// consumer checks each value against the next expected one (strict FIFO with one producer).
/// </summary>
public sealed class SpscRun<TSend, TReceive, TPipe> : WorkloadRun
    where TSend : struct, ISendEnd
    where TReceive : struct, IReceiveEnd
    where TPipe : IPipe<TSend, TReceive>
{
    private readonly TPipe _pipe;
    private readonly Task<long> _consumer;

    public SpscRun(string label, Func<TPipe> newPipe, int items)
        : base(label, items)
    {
        _pipe = newPipe();
        var sender = _pipe.NewSender();
        _pipe.SealSenders();
        Track(Producer(sender, items));
        _consumer = Track(Consumer(_pipe.Receiver, items));
        Arm();
    }

    private async Task Producer(TSend end, int items)
    {
        await Gate.Task.ConfigureAwait(false);
        for (var i = 0; i < items; i++)
            await end.SendAsync(i).ConfigureAwait(false);
        end.Done();
    }

    private async Task<long> Consumer(TReceive end, int items)
    {
        long expected = Sizes.InjectChecksumFault ? 1 : 0;
        await Gate.Task.ConfigureAwait(false);
        for (var n = 0; n < items; n++)
        {
            var v = await end.ReceiveAsync().ConfigureAwait(false);
            if (v != expected)
                throw new BenchmarkFailedException($"received {v}, expected {expected}");
            expected++;
        }

        return expected;
    }

    protected override long Verify()
    {
        Check(_consumer.Result == Messages, $"received {_consumer.Result} items, expected {Messages}");
        Check(!_pipe.Receiver.TryReceive(out var extra), $"an extra item {extra}");
        return _consumer.Result;
    }
}

/// <summary>
/// SPSC with the closest thing to a batch API each channel has (no library has a batch call yet).
/// System.Threading.Channels and Sluice's adapter: the producer <c>TryWrite</c>s and awaits
/// <c>WaitToWriteAsync</c> only when full; the consumer awaits <c>WaitToReadAsync</c> and then drains with
/// <c>TryRead</c>. Sluice native: the producer <c>TrySend</c>s and awaits <c>SendAsync</c> only when
/// full; the consumer awaits one <c>ReceiveAsync</c> and then drains with <c>TryReceive</c> (the native
/// API has no wait-without-taking call). Checks as in <see cref="SpscRun{TSend, TReceive, TPipe}"/>.
/// </summary>
public sealed class SpscDrainRun : WorkloadRun
{
    private readonly Func<bool> _leftover;
    private readonly Task<long> _consumer;

    private SpscDrainRun(string label, int items, Func<bool> leftover, Func<SpscDrainRun, (Task Producer, Task<long> Consumer)> start)
        : base(label, items)
    {
        _leftover = leftover;
        var (producer, consumer) = start(this);
        Track(producer);
        _consumer = Track(consumer);
        Arm();
    }

    /// <summary>Sluice through its native API.</summary>
    public static SpscDrainRun Native(string label, int capacity, int items)
    {
        var pipe = new SluicePipe(capacity);
        var sender = pipe.NewSender();
        pipe.SealSenders();
        var receiver = pipe.Receiver;
        return new SpscDrainRun(label, items, () => receiver.TryReceive(out _), run => (run.NativeProducer(sender, items), run.NativeConsumer(receiver, items)));
    }

    /// <summary>Anything that is a <c>Channel&lt;T&gt;</c>.</summary>
    public static SpscDrainRun Channel(string label, Variant variant, int capacity, int items)
    {
        var pipe = ChannelPipe.Create(variant, capacity);
        var sender = pipe.NewSender();
        var receiver = pipe.Receiver;
        return new SpscDrainRun(label, items, () => receiver.TryReceive(out _), run => (run.ChannelProducer(sender, items), run.ChannelConsumer(receiver, items)));
    }

    private async Task NativeProducer(SluiceSendEnd end, int items)
    {
        await Gate.Task.ConfigureAwait(false);
        for (var i = 0; i < items; i++)
        {
            if (!end.TrySend(i))
                await end.SendAsync(i).ConfigureAwait(false);
        }

        end.Done();
    }

    private async Task<long> NativeConsumer(SluiceReceiveEnd end, int items)
    {
        long expected = Sizes.InjectChecksumFault ? 1 : 0;
        await Gate.Task.ConfigureAwait(false);
        while (expected < items)
        {
            var v = await end.ReceiveAsync().ConfigureAwait(false);
            while (true)
            {
                if (v != expected)
                    throw new BenchmarkFailedException($"received {v}, expected {expected}");
                expected++;
                if (!end.TryReceive(out v))
                    break;
            }
        }

        return expected;
    }

    private async Task ChannelProducer(ChannelSendEnd end, int items)
    {
        var writer = end.Writer;
        await Gate.Task.ConfigureAwait(false);
        for (var i = 0; i < items; i++)
        {
            while (!writer.TryWrite(i))
            {
                if (!await writer.WaitToWriteAsync().ConfigureAwait(false))
                    throw new BenchmarkFailedException("the channel was completed under the producer");
            }
        }

        end.Done();
    }

    private async Task<long> ChannelConsumer(ChannelReceiveEnd end, int items)
    {
        var reader = end.Reader;
        long expected = Sizes.InjectChecksumFault ? 1 : 0;
        await Gate.Task.ConfigureAwait(false);
        while (expected < items)
        {
            if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                throw new BenchmarkFailedException($"completed after {expected} of {items} items");
            while (reader.TryRead(out var v))
            {
                if (v != expected)
                    throw new BenchmarkFailedException($"received {v}, expected {expected}");
                expected++;
            }
        }

        return expected;
    }

    protected override long Verify()
    {
        Check(_consumer.Result == Messages, $"received {_consumer.Result} items, expected {Messages}");
        Check(!_leftover(), "an extra item");
        return _consumer.Result;
    }
}

/// <summary>SPSC on two dedicated threads with blocking calls (<c>BlockingCollection</c>, Sluice's blocking API).</summary>
public sealed class BlockingSpscRun : WorkloadRun
{
    private readonly IBlockingPipe _pipe;
    private long _received;

    public BlockingSpscRun(string label, IBlockingPipe pipe, int items)
        : base(label, items)
    {
        _pipe = pipe;
        StartThread(
            () =>
            {
                for (var i = 0; i < items; i++)
                    pipe.Send(i);
            },
            "spsc producer");
        StartThread(
            () =>
            {
                long expected = Sizes.InjectChecksumFault ? 1 : 0;
                for (var n = 0; n < items; n++)
                {
                    var v = pipe.Receive();
                    if (v != expected)
                        throw new BenchmarkFailedException($"received {v}, expected {expected}");
                    expected++;
                }

                _received = expected;
            },
            "spsc consumer");
        Arm();
    }

    protected override long Verify()
    {
        Check(_received == Messages, $"received {_received} items, expected {Messages}");
        Check(!_pipe.HasLeftover(), "an extra item");
        return _received;
    }
}
