using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// The channels under test. Names starting with <c>Bcl</c> are System.Threading.Channels; the summary's
/// ratios are to the best of those in each workload and parameter.
/// </summary>
public enum Variant
{
    /// <summary>Sluice's bounded MPSC channel through its native API (<c>MpscSender</c>/<c>MpscReceiver</c>).</summary>
    Sluice,

    /// <summary>The same channel through its <c>Channel&lt;T&gt;</c> adapter (<c>Writer</c>/<c>Reader</c>).</summary>
    SluiceAdapter,

    /// <summary>Sluice's blocking <c>Send</c>/<c>Receive</c> on dedicated threads.</summary>
    SluiceBlocking,

    /// <summary><c>Channel.CreateBounded</c> (SingleReader = true, FullMode = Wait).</summary>
    BclBounded,

    /// <summary><c>Channel.CreateUnbounded</c> (SingleReader = true).</summary>
    BclUnbounded,

    /// <summary><c>Channel.CreateUnbounded</c> (SingleReader = true, SingleWriter = true): SPSC workloads only.</summary>
    BclUnboundedSpsc,

    /// <summary><c>ConcurrentQueue&lt;T&gt;</c> + <c>SemaphoreSlim</c> (unbounded; the hand-rolled async idiom).</summary>
    QueueSemaphore,

    /// <summary><c>BlockingCollection&lt;T&gt;</c> (bounded) on dedicated threads.</summary>
    BlockingCollection,
}

/// <summary>A producer's end. Implementations are structs so each workload is JIT-specialised per channel (no interface dispatch).</summary>
public interface ISendEnd
{
    /// <summary>Sends, waiting asynchronously while full.</summary>
    ValueTask SendAsync(long item);

    /// <summary>Sends if there is room.</summary>
    bool TrySend(long item);

    /// <summary>This producer is finished (the last one closes the channel where the channel has a close).</summary>
    void Done();
}

/// <summary>The consumer's end (struct implementations, see <see cref="ISendEnd"/>).</summary>
public interface IReceiveEnd
{
    /// <summary>Receives, waiting asynchronously while empty.</summary>
    ValueTask<long> ReceiveAsync();

    /// <summary>Receives if an item is available.</summary>
    bool TryReceive(out long item);
}

/// <summary>A channel: creates producer ends (during setup) and owns the consumer end.</summary>
public interface IPipe<TSend, TReceive>
    where TSend : struct, ISendEnd
    where TReceive : struct, IReceiveEnd
{
    /// <summary>The consumer end.</summary>
    TReceive Receiver { get; }

    /// <summary>A new producer end (setup only).</summary>
    TSend NewSender();

    /// <summary>Every producer end has been created (Sluice: drop the original handle, so the last clone's Dispose closes).</summary>
    void SealSenders();
}

// ---------------------------------------------------------------- Sluice, native API

/// <summary>Sluice native sender: one cloned handle per producer; disposing the last handle closes the channel.</summary>
public readonly struct SluiceSendEnd(MpscSender<long> sender) : ISendEnd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask SendAsync(long item) => sender.SendAsync(item);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TrySend(long item) => sender.TrySend(item) == SendStatus.Sent;

    public void Done() => sender.Dispose();
}

/// <summary>Sluice native receiver.</summary>
public readonly struct SluiceReceiveEnd(MpscReceiver<long> receiver) : IReceiveEnd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<long> ReceiveAsync() => receiver.ReceiveAsync();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReceive(out long item) => receiver.TryReceive(out item) == ReceiveStatus.Received;
}

/// <summary>A Sluice bounded MPSC channel used through its native API.</summary>
public sealed class SluicePipe(int capacity) : IPipe<SluiceSendEnd, SluiceReceiveEnd>
{
    private readonly MpscChannel<long> _channel = MpscChannel.CreateBounded<long>(capacity);

    public SluiceReceiveEnd Receiver => new(_channel.Receiver);

    public SluiceSendEnd NewSender() => new(_channel.Sender.Clone());

    public void SealSenders() => _channel.Sender.Dispose();
}

// ---------------------------------------------------------------- anything that is a Channel<T>

/// <summary>Counts a channel's producers down; the last one completes the writer.</summary>
public sealed class ProducerCountdown(ChannelWriter<long> writer)
{
    private int _producers;

    public void Add() => _producers++;

    public void Signal()
    {
        if (Interlocked.Decrement(ref _producers) == 0)
            writer.TryComplete();
    }
}

/// <summary>A <see cref="ChannelWriter{T}"/> (BCL, or Sluice's adapter).</summary>
public readonly struct ChannelSendEnd(ChannelWriter<long> writer, ProducerCountdown countdown) : ISendEnd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask SendAsync(long item) => writer.WriteAsync(item);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TrySend(long item) => writer.TryWrite(item);

    public void Done() => countdown.Signal();

    /// <summary>The writer (for the WaitToWriteAsync idiom).</summary>
    public ChannelWriter<long> Writer => writer;
}

/// <summary>A <see cref="ChannelReader{T}"/>.</summary>
public readonly struct ChannelReceiveEnd(ChannelReader<long> reader) : IReceiveEnd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<long> ReceiveAsync() => reader.ReadAsync();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReceive(out long item) => reader.TryRead(out item);

    /// <summary>The reader (for the WaitToReadAsync idiom).</summary>
    public ChannelReader<long> Reader => reader;
}

/// <summary>A <see cref="Channel{T}"/>: System.Threading.Channels, or Sluice through its adapter.</summary>
public sealed class ChannelPipe : IPipe<ChannelSendEnd, ChannelReceiveEnd>
{
    private readonly Channel<long> _channel;
    private readonly ProducerCountdown _countdown;

    public ChannelPipe(Channel<long> channel)
    {
        _channel = channel;
        _countdown = new ProducerCountdown(channel.Writer);
    }

    /// <summary>The channel of <paramref name="variant"/> (capacity ignored by the unbounded ones).</summary>
    public static ChannelPipe Create(Variant variant, int capacity) => new(variant switch
    {
        Variant.SluiceAdapter => MpscChannel.CreateBounded<long>(capacity),
        Variant.BclBounded => Channel.CreateBounded<long>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        }),
        Variant.BclUnbounded => Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true }),
        Variant.BclUnboundedSpsc => Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true }),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "not a Channel<T> variant"),
    });

    public ChannelReceiveEnd Receiver => new(_channel.Reader);

    public ChannelSendEnd NewSender()
    {
        _countdown.Add();
        return new ChannelSendEnd(_channel.Writer, _countdown);
    }

    public void SealSenders()
    {
    }
}

// ---------------------------------------------------------------- ConcurrentQueue + SemaphoreSlim

/// <summary>Enqueue, then release the semaphore.</summary>
public readonly struct QueueSemaphoreSendEnd(ConcurrentQueue<long> queue, SemaphoreSlim items) : ISendEnd
{
    public ValueTask SendAsync(long item)
    {
        queue.Enqueue(item);
        items.Release();
        return default;
    }

    public bool TrySend(long item)
    {
        queue.Enqueue(item);
        items.Release();
        return true;
    }

    public void Done()
    {
    }
}

/// <summary>Wait on the semaphore, then dequeue.</summary>
public readonly struct QueueSemaphoreReceiveEnd(ConcurrentQueue<long> queue, SemaphoreSlim items) : IReceiveEnd
{
    public ValueTask<long> ReceiveAsync()
    {
        // WaitAsync returns a cached completed task when a count is available (no allocation).
        var wait = items.WaitAsync();
        return wait.IsCompletedSuccessfully ? new ValueTask<long>(Dequeue(queue)) : Slow(wait, queue);

        // Pooled builder: the idiom's best case (the semaphore still allocates its waiter task).
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        static async ValueTask<long> Slow(Task wait, ConcurrentQueue<long> queue)
        {
            await wait.ConfigureAwait(false);
            return Dequeue(queue);
        }
    }

    public bool TryReceive(out long item)
    {
        if (items.Wait(0))
        {
            item = Dequeue(queue);
            return true;
        }

        item = 0;
        return false;
    }

    private static long Dequeue(ConcurrentQueue<long> queue) =>
        queue.TryDequeue(out var item) ? item : throw new BenchmarkFailedException("semaphore count without a queued item");
}

/// <summary>An unbounded <see cref="ConcurrentQueue{T}"/> whose items are counted by a <see cref="SemaphoreSlim"/>.</summary>
public sealed class QueueSemaphorePipe : IPipe<QueueSemaphoreSendEnd, QueueSemaphoreReceiveEnd>
{
    private readonly ConcurrentQueue<long> _queue = new();
    private readonly SemaphoreSlim _items = new(0);

    public QueueSemaphoreReceiveEnd Receiver => new(_queue, _items);

    public QueueSemaphoreSendEnd NewSender() => new(_queue, _items);

    public void SealSenders()
    {
    }
}

// ---------------------------------------------------------------- blocking, for dedicated threads

/// <summary>A channel used from dedicated threads with blocking calls.</summary>
public interface IBlockingPipe
{
    void Send(long item);

    long Receive();

    /// <summary>Whether an item is left (the final check: nothing extra was delivered).</summary>
    bool HasLeftover();
}

/// <summary>Sluice's blocking <c>Send</c>/<c>Receive</c>.</summary>
public sealed class SluiceBlockingPipe(int capacity) : IBlockingPipe
{
    private readonly MpscChannel<long> _channel = MpscChannel.CreateBounded<long>(capacity);

    public void Send(long item) => _channel.Sender.Send(item);

    public long Receive() => _channel.Receiver.Receive();

    public bool HasLeftover() => _channel.Receiver.TryReceive(out _) == ReceiveStatus.Received;
}

/// <summary><see cref="BlockingCollection{T}"/> over a <see cref="ConcurrentQueue{T}"/>, bounded.</summary>
public sealed class BlockingCollectionPipe(int capacity) : IBlockingPipe
{
    private readonly BlockingCollection<long> _collection = new(new ConcurrentQueue<long>(), capacity);

    public void Send(long item) => _collection.Add(item);

    public long Receive() => _collection.Take();

    public bool HasLeftover() => _collection.TryTake(out _);
}
