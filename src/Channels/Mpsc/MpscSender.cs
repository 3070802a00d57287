using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Internal;
using Sluice.Sync;

namespace Sluice.Channels.Mpsc;

/// <summary>
/// A sending handle of an <see cref="MpscChannel{T}"/>. Thread-safe: share it between threads, or
/// <see cref="Clone"/> it to give each producer its own handle; the channel closes when every handle has
/// been disposed.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para>A successful send wakes the receiver in the same call. A send that fails (full, closed, timed out,
/// cancelled) did not enqueue its item: the caller still owns it. Waiting senders are served in FIFO
/// order (a sender that was woken but lost the free slot to a newcomer keeps its place at the front).</para>
/// <para>No send allocates in steady state, including a send that waits for room, with or without a
/// cancellable token or a timeout. The returned ValueTasks may be awaited once.</para>
/// </remarks>
public sealed class MpscSender<T> : IDisposable
{
    private readonly BoundedChannelCore<T> _core;
    private AtomicInt32 _disposed;

    internal MpscSender(BoundedChannelCore<T> core) => _core = core;

    /// <summary>Whether the channel is closed (a snapshot: it may close right after this returns false).</summary>
    public bool IsClosed => _core.IsClosed;

    /// <summary>Sends <paramref name="item"/> if there is room. Never blocks.</summary>
    /// <param name="item">The item.</param>
    /// <returns><see cref="SendStatus.Sent"/>; <see cref="SendStatus.Full"/> or <see cref="SendStatus.Closed"/> (the item was not enqueued).</returns>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public SendStatus TrySend(T item)
    {
        ThrowIfDisposed();
        return _core.TrySend(item);
    }

    /// <summary>Sends <paramref name="item"/>, waiting asynchronously while the channel is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait. A token already canceled fails at once (even if there is room), as in System.Threading.Channels.</param>
    /// <returns>A ValueTask that completes when the item is in the channel.</returns>
    /// <exception cref="ChannelClosedException">The channel is (or becomes, while waiting) closed: the item was not enqueued.
    /// (If the channel was completed through <see cref="ChannelWriter{T}.TryComplete"/> with an <see cref="OperationCanceledException"/>,
    /// that exception is thrown instead, as System.Threading.Channels does.)</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first: the item was not enqueued.</exception>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public ValueTask SendAsync(T item, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _core.SendAsync(item, cancellationToken);
    }

    /// <summary>Sends <paramref name="item"/>, waiting asynchronously at most <paramref name="timeout"/> while the channel is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait: <see cref="TimeSpan.Zero"/> tries once, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see cref="SendStatus.Sent"/>, <see cref="SendStatus.Closed"/> or <see cref="SendStatus.TimedOut"/> (the item was then not enqueued).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or above int.MaxValue milliseconds.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first: the item was not enqueued.</exception>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public ValueTask<SendStatus> SendAsync(T item, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Argument.ValidateTimeout(timeout);
        ThrowIfDisposed();
        return _core.SendAsync(item, timeout, cancellationToken);
    }

    /// <summary>Sends <paramref name="item"/>, blocking the calling thread while the channel is full.</summary>
    /// <param name="item">The item.</param>
    /// <exception cref="ChannelClosedException">The channel is (or becomes, while blocked) closed: the item was not enqueued.</exception>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public void Send(T item)
    {
        ThrowIfDisposed();
        if (_core.Send(item, Timeout.InfiniteTimeSpan) == SendStatus.Closed)
            throw _core.CreateClosedException();
    }

    /// <summary>Sends <paramref name="item"/>, blocking the calling thread at most <paramref name="timeout"/> while the channel is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait: <see cref="TimeSpan.Zero"/> tries once, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see cref="SendStatus.Sent"/>, <see cref="SendStatus.Closed"/> or <see cref="SendStatus.TimedOut"/> (the item was then not enqueued).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or above int.MaxValue milliseconds.</exception>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public SendStatus Send(T item, TimeSpan timeout)
    {
        Argument.ValidateTimeout(timeout);
        ThrowIfDisposed();
        return _core.Send(item, timeout);
    }

    /// <summary>
    /// Closes the channel: later sends fail, waiting senders are woken and fail, and the receiver gets
    /// every item sent before the close and then sees Closed. Allowed on a disposed handle.
    /// </summary>
    /// <returns><see langword="true"/> if this call closed the channel; <see langword="false"/> if it was already closed.</returns>
    public bool Close() => _core.Close(null);

    /// <summary>Another handle for the same channel (it must be disposed too before the channel closes by disposal).</summary>
    /// <returns>A new handle.</returns>
    /// <exception cref="ObjectDisposedException">This handle was disposed.</exception>
    public MpscSender<T> Clone()
    {
        ThrowIfDisposed();
        _core.AddSenderHandle();
        return new MpscSender<T>(_core);
    }

    /// <summary>
    /// Disposes this handle (idempotent). Disposing the last undisposed handle closes the channel; the
    /// receiver still drains what was sent.
    /// </summary>
    public void Dispose()
    {
        // Relaxed: only makes one Dispose per handle count; the handle count's AcqRel orders the rest.
        if (_disposed.Exchange(1, MemoryOrder.Relaxed) == 0)
            _core.ReleaseSenderHandle();
    }

    private void ThrowIfDisposed()
    {
        // Relaxed: using a handle concurrently with its disposal is a race in the caller; this check only
        // reports use after a Dispose that happened before.
        if (_disposed.Load(MemoryOrder.Relaxed) != 0)
            Throw();

        static void Throw() => throw new ObjectDisposedException(nameof(MpscSender<T>), "This sender handle was disposed; use another handle (Clone one before disposing).");
    }
}
