using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Sluice.Channels.Mpsc;

/// <summary>
/// The <see cref="ChannelReader{T}"/> of an <see cref="MpscChannel{T}"/>: the same receiver as
/// <see cref="MpscChannel{T}.Receiver"/>, with the observable behaviour of the BCL's bounded channel
/// reader (System.Threading.Channels).
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para>As in the BCL: <see cref="WaitToReadAsync"/> returns true while an item is available (even after
/// completion), false once the channel is completed and drained, and throws the completion error itself
/// if the writer completed with one; <see cref="ReadAsync"/> throws <see cref="ChannelClosedException"/>
/// (wrapping the completion error) once completed and drained, or is canceled if the writer completed with
/// an <see cref="OperationCanceledException"/>; <see cref="Completion"/> completes only after the drain.
/// A canceled token fails an operation at once, even if an item is available.</para>
/// <para>Unlike the BCL (which allows several readers), this channel has a single consumer: one read at a
/// time, and a <see cref="ReadAsync"/> or <see cref="WaitToReadAsync"/> that has to wait holds the reader
/// until its ValueTask is awaited; concurrent reads throw <see cref="InvalidOperationException"/>. The
/// usual loops (<c>await foreach</c> over <see cref="ReadAllAsync"/>, or
/// <c>while (await WaitToReadAsync()) while (TryRead(out x))</c>) satisfy this.</para>
/// </remarks>
public sealed class MpscChannelReader<T> : ChannelReader<T>
{
    private readonly BoundedChannelCore<T> _core;

    internal MpscChannelReader(BoundedChannelCore<T> core) => _core = core;

    /// <summary>Completes when the channel is completed and every item was read: successfully, canceled (completed
    /// with an <see cref="OperationCanceledException"/>) or faulted (with the completion error).</summary>
    public override Task Completion => _core.Completion;

    /// <summary>Always true.</summary>
    public override bool CanCount => true;

    /// <summary>Always true: <see cref="TryPeek"/> is supported.</summary>
    public override bool CanPeek => true;

    /// <summary>The number of items in the channel (a snapshot).</summary>
    public override int Count => _core.Count;

    /// <summary>Reads an item if one is available.</summary>
    /// <param name="item">The item, when true.</param>
    /// <returns>Whether an item was read.</returns>
    /// <exception cref="InvalidOperationException">Another read is in progress (single consumer).</exception>
    public override bool TryRead([MaybeNullWhen(false)] out T item) => _core.TryReceive(out item) == ReceiveStatus.Received;

    /// <summary>Reads the next item without removing it, if one is available.</summary>
    /// <param name="item">The item, when true.</param>
    /// <returns>Whether an item is available.</returns>
    /// <exception cref="InvalidOperationException">Another read is in progress (single consumer).</exception>
    public override bool TryPeek([MaybeNullWhen(false)] out T item) => _core.TryPeek(out item);

    /// <summary>Reads an item, waiting asynchronously while the channel is empty. Cancel-safe: a canceled read removed nothing.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ChannelClosedException">The channel is completed and drained.</exception>
    /// <exception cref="OperationCanceledException">The token fired first.</exception>
    public override ValueTask<T> ReadAsync(CancellationToken cancellationToken = default) => _core.ReceiveAsync(cancellationToken);

    /// <summary>Waits until an item is available (true) or the channel is completed and drained (false, or the completion error).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Whether an item is available.</returns>
    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _core.WaitToReceiveAsync(cancellationToken);

    /// <summary>Enumerates the items until the channel is completed and drained (throwing the completion error, if any).</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The items in order.</returns>
    public override IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => _core.ReadAllAsync(cancellationToken);
}
