using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Internal;

namespace Sluice.Channels.Mpsc;

/// <summary>
/// The receiving end of an <see cref="MpscChannel{T}"/>: a single consumer.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para><b>Single consumer.</b> One receive at a time. A receive that has to wait
/// (<see cref="ReceiveAsync(CancellationToken)"/>, the timeout overload, <see cref="ChannelReader{T}.WaitToReadAsync"/>)
/// keeps the receiver until its ValueTask is awaited; a blocking <see cref="Receive()"/> keeps it while it
/// blocks. Any other receive meanwhile throws <see cref="InvalidOperationException"/>. The receiver may move
/// between threads between receives.</para>
/// <para><b>Drain before Closed.</b> After the channel is closed the receiver still gets every item sent
/// before the close, in order; only then do receives report Closed.</para>
/// <para><b>Cancel-safety.</b> A receive that is cancelled or times out did not remove an item. Nothing is
/// allocated per message in steady state, including a receive that waits (with or without a cancellable
/// token or timeout).</para>
/// </remarks>
public sealed class MpscReceiver<T> : IDisposable
{
    private readonly BoundedChannelCore<T> _core;

    internal MpscReceiver(BoundedChannelCore<T> core) => _core = core;

    /// <summary>The number of items sent and not yet received (a snapshot; it counts a send in progress that has claimed its slot).</summary>
    public int Count => _core.Count;

    /// <summary>Receives an item if one is available. Never blocks.</summary>
    /// <param name="item">The item on <see cref="ReceiveStatus.Received"/>; otherwise default.</param>
    /// <returns><see cref="ReceiveStatus.Received"/>, <see cref="ReceiveStatus.Empty"/>, or <see cref="ReceiveStatus.Closed"/> (closed and drained).</returns>
    /// <exception cref="InvalidOperationException">Another receive is in progress.</exception>
    public ReceiveStatus TryReceive(out T item) => _core.TryReceive(out item);

    /// <summary>Receives an item, waiting asynchronously while the channel is empty.</summary>
    /// <param name="cancellationToken">Cancels the wait (no item is removed). A token already canceled fails at once, as in System.Threading.Channels.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ChannelClosedException">The channel is closed and every item was received. (If it was completed through
    /// <see cref="ChannelWriter{T}.TryComplete"/> with an <see cref="OperationCanceledException"/>, the ValueTask is canceled instead, as in System.Threading.Channels.)</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    /// <exception cref="InvalidOperationException">Another receive is in progress.</exception>
    public ValueTask<T> ReceiveAsync(CancellationToken cancellationToken = default) => _core.ReceiveAsync(cancellationToken);

    /// <summary>Receives an item, waiting asynchronously at most <paramref name="timeout"/> while the channel is empty.</summary>
    /// <param name="timeout">How long to wait: <see cref="TimeSpan.Zero"/> tries once, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="cancellationToken">Cancels the wait (no item is removed).</param>
    /// <returns><see cref="ReceiveStatus.Received"/> with the item, <see cref="ReceiveStatus.Closed"/> (closed and drained) or <see cref="ReceiveStatus.TimedOut"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or above int.MaxValue milliseconds.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    /// <exception cref="InvalidOperationException">Another receive is in progress.</exception>
    public ValueTask<ReceiveResult<T>> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Argument.ValidateTimeout(timeout);
        return _core.ReceiveAsync(timeout, cancellationToken);
    }

    /// <summary>Receives an item, blocking the calling thread while the channel is empty.</summary>
    /// <returns>The item.</returns>
    /// <exception cref="ChannelClosedException">The channel is closed and every item was received.</exception>
    /// <exception cref="InvalidOperationException">Another receive is in progress.</exception>
    public T Receive()
    {
        if (_core.Receive(out var item, Timeout.InfiniteTimeSpan) != ReceiveStatus.Received)
            throw _core.CreateClosedException();
        return item;
    }

    /// <summary>Receives an item, blocking the calling thread at most <paramref name="timeout"/> while the channel is empty.</summary>
    /// <param name="item">The item on <see cref="ReceiveStatus.Received"/>; otherwise default.</param>
    /// <param name="timeout">How long to wait: <see cref="TimeSpan.Zero"/> tries once, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see cref="ReceiveStatus.Received"/>, <see cref="ReceiveStatus.Closed"/> (closed and drained) or <see cref="ReceiveStatus.TimedOut"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or above int.MaxValue milliseconds.</exception>
    /// <exception cref="InvalidOperationException">Another receive is in progress.</exception>
    public ReceiveStatus Receive(out T item, TimeSpan timeout)
    {
        Argument.ValidateTimeout(timeout);
        return _core.Receive(out item, timeout);
    }

    /// <summary>
    /// Enumerates the items as they arrive, until the channel is closed and drained (then the enumeration
    /// ends; if the channel was completed with an error through the adapter, that error is thrown). One
    /// enumeration at a time; it holds the receiver only while it waits.
    /// </summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/> (no item is lost).</param>
    /// <returns>The items in order.</returns>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => _core.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Closes the channel from the receiving side: senders fail from now on (waiting ones are woken); items
    /// already sent can still be received, then receives report Closed.
    /// </summary>
    /// <returns><see langword="true"/> if this call closed the channel; <see langword="false"/> if it was already closed.</returns>
    public bool Close() => _core.Close(null);

    /// <summary>Closes the channel (see <see cref="Close"/>). Items already sent can still be received.</summary>
    public void Dispose() => _core.Close(null);
}
