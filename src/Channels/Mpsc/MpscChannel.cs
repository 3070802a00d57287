using System;
using System.Threading;
using System.Threading.Channels;
using Sluice.Channels.Internal;

namespace Sluice.Channels.Mpsc;

/// <summary>Creates bounded multi-producer single-consumer channels.</summary>
public static class MpscChannel
{
    /// <summary>
    /// Creates a bounded channel for any number of senders and one receiver. Nothing is allocated per
    /// message afterwards, including while senders wait for room or the receiver waits for items.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="capacity">The number of items the channel holds; at least 1 (need not be a power of two).</param>
    /// <returns>The channel: its native <see cref="MpscChannel{T}.Sender"/> and <see cref="MpscChannel{T}.Receiver"/>,
    /// and the <see cref="Channel{T}"/> adapters <see cref="Channel{TWrite, TRead}.Writer"/> and <see cref="Channel{TWrite, TRead}.Reader"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public static MpscChannel<T> CreateBounded<T>(int capacity)
    {
        Argument.ValidateCapacity(capacity);
        return new MpscChannel<T>(new BoundedChannelCore<T>(capacity));
    }

    /// <summary>Tests only: a channel whose waiter retries go to <paramref name="dispatch"/> instead of the thread pool.</summary>
    internal static MpscChannel<T> CreateBounded<T>(int capacity, Action<IThreadPoolWorkItem> dispatch)
    {
        Argument.ValidateCapacity(capacity);
        return new MpscChannel<T>(new BoundedChannelCore<T>(capacity, dispatch));
    }
}

/// <summary>
/// A bounded multi-producer single-consumer channel (tachyonix's design: a lock-free ring of stamped
/// slots, a spinlock-free receiver waker, a FIFO list of blocked senders). Also a drop-in
/// <see cref="Channel{T}"/>: <see cref="Channel{TWrite, TRead}.Reader"/> and <see cref="Channel{TWrite, TRead}.Writer"/>
/// behave like the BCL's bounded channel (<see cref="Channel.CreateBounded{T}(int)"/>).
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para><b>Ordering.</b> Items from one sender (one thread, or one logical sequence of awaited sends) are
/// received in the order they were sent. Items from different senders interleave in the order their
/// sends took effect.</para>
/// <para><b>Single consumer.</b> Any number of threads may send; only one receive may run at a time, and
/// a receive that waits holds the receiver until its ValueTask is awaited. Concurrent use of the receiver
/// throws <see cref="InvalidOperationException"/> instead of corrupting the channel.</para>
/// <para><b>Closing.</b> Either side may close (<see cref="MpscSender{T}.Close"/>,
/// <see cref="MpscReceiver{T}.Close"/>, <see cref="ChannelWriter{T}.TryComplete"/>, or disposing the last
/// sender handle or the receiver). After a close every send fails without enqueuing its item, every
/// waiting sender is woken and fails, and the receiver still gets every item sent before the close; only
/// then does it see Closed.</para>
/// <para><b>Cancellation and timeouts</b> never lose an item: a send that was cancelled or timed out did
/// not enqueue its item; a receive that was cancelled or timed out did not dequeue one.</para>
/// <para>The <see cref="Sender"/> handle and the <see cref="Channel{TWrite, TRead}.Writer"/> adapter
/// share the channel; the adapter does not count as a sender handle (disposing every handle closes the
/// channel even if the adapter is still in use).</para>
/// </remarks>
public sealed class MpscChannel<T> : Channel<T>
{
    private readonly BoundedChannelCore<T> _core;

    internal MpscChannel(BoundedChannelCore<T> core)
    {
        _core = core;
        Sender = new MpscSender<T>(core);
        Receiver = new MpscReceiver<T>(core);
        Reader = new MpscChannelReader<T>(core);
        Writer = new MpscChannelWriter<T>(core);
    }

    /// <summary>The first sender handle. Clone it for more; the channel closes when every handle is disposed.</summary>
    public MpscSender<T> Sender { get; }

    /// <summary>The receiver (single consumer).</summary>
    public MpscReceiver<T> Receiver { get; }

    /// <summary>The number of items the channel holds.</summary>
    public int Capacity => _core.Capacity;

    /// <summary>Tests only: the channel's core.</summary>
    internal BoundedChannelCore<T> Core => _core;
}
