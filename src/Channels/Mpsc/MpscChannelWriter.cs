using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Sluice.Channels.Mpsc;

/// <summary>
/// The <see cref="ChannelWriter{T}"/> of an <see cref="MpscChannel{T}"/>, with the observable behaviour
/// of the BCL's bounded channel writer in <see cref="BoundedChannelFullMode.Wait"/> mode. Thread-safe.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// As in the BCL: <see cref="TryWrite"/> returns false when full or completed; <see cref="WriteAsync"/>
/// waits while full and throws <see cref="ChannelClosedException"/> (wrapping the completion error, or the
/// <see cref="OperationCanceledException"/> the channel was completed with) once completed;
/// <see cref="WaitToWriteAsync"/> returns false once completed, or throws the completion error itself;
/// <see cref="TryComplete"/> succeeds once. A canceled token fails an operation at once. A write that was
/// canceled did not enqueue its item. Completing from here, closing either native handle, or disposing the
/// receiver or the last sender handle all complete the same channel.
/// <para>One difference in a race: when a read frees room for a waiting <see cref="WriteAsync"/> or
/// <see cref="WaitToWriteAsync"/> and the channel is completed before that waiter's retry (on the thread
/// pool) runs, the waiter observes the completion (the write fails, the wait returns false or the
/// completion error). The BCL, which moves the waiting writer's item into the channel inside the read,
/// reports success. Both are valid outcomes for an operation still pending at completion; neither loses
/// an item.</para>
/// </remarks>
public sealed class MpscChannelWriter<T> : ChannelWriter<T>
{
    private readonly BoundedChannelCore<T> _core;

    internal MpscChannelWriter(BoundedChannelCore<T> core) => _core = core;

    /// <summary>Writes <paramref name="item"/> if there is room.</summary>
    /// <param name="item">The item.</param>
    /// <returns>Whether it was written (false when full or completed).</returns>
    public override bool TryWrite(T item) => _core.TrySend(item) == SendStatus.Sent;

    /// <summary>Waits until a write could succeed (true) or the channel is completed (false, or the completion error).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Whether there is room. A true result is a hint: another writer may take the room first.</returns>
    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => _core.WaitToSendAsync(cancellationToken);

    /// <summary>Writes <paramref name="item"/>, waiting asynchronously while the channel is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait (the item is then not written).</param>
    /// <returns>Completes when written.</returns>
    /// <exception cref="ChannelClosedException">The channel is completed.</exception>
    /// <exception cref="OperationCanceledException">The token fired first.</exception>
    public override ValueTask WriteAsync(T item, CancellationToken cancellationToken = default) => _core.SendAsync(item, cancellationToken);

    /// <summary>Completes the channel, optionally with an error: readers drain what was written, then see the completion.</summary>
    /// <param name="error">Null, or the error readers observe after the drain (an <see cref="OperationCanceledException"/> cancels <see cref="ChannelReader{T}.Completion"/>).</param>
    /// <returns>True if this call completed the channel; false if it was already completed or closed.</returns>
    public override bool TryComplete(Exception? error = null) => _core.Close(error);
}
