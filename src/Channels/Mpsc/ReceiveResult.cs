using System;
using System.Collections.Generic;

namespace Sluice.Channels.Mpsc;

/// <summary>The result of <see cref="MpscReceiver{T}.ReceiveAsync(TimeSpan, System.Threading.CancellationToken)"/>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="status">How the receive ended.</param>
/// <param name="item">The item when <paramref name="status"/> is <see cref="ReceiveStatus.Received"/>; otherwise default.</param>
public readonly struct ReceiveResult<T>(ReceiveStatus status, T item) : IEquatable<ReceiveResult<T>>
{
    /// <summary><see cref="ReceiveStatus.Received"/>, <see cref="ReceiveStatus.Closed"/> or <see cref="ReceiveStatus.TimedOut"/>.</summary>
    public ReceiveStatus Status { get; } = status;

    /// <summary>The item received; default unless <see cref="Status"/> is <see cref="ReceiveStatus.Received"/>.</summary>
    public T Item { get; } = item;

    /// <summary>Deconstructs into status and item.</summary>
    /// <param name="status">The status.</param>
    /// <param name="item">The item.</param>
    public void Deconstruct(out ReceiveStatus status, out T item)
    {
        status = Status;
        item = Item;
    }

    /// <inheritdoc/>
    public bool Equals(ReceiveResult<T> other) =>
        Status == other.Status && EqualityComparer<T>.Default.Equals(Item, other.Item);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ReceiveResult<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Status, Item);

    /// <inheritdoc/>
    public override string ToString() => Status == ReceiveStatus.Received ? $"Received({Item})" : Status.ToString();

    /// <summary>Equality of status and item.</summary>
    /// <param name="left">One result.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(ReceiveResult<T> left, ReceiveResult<T> right) => left.Equals(right);

    /// <summary>Inequality of status or item.</summary>
    /// <param name="left">One result.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(ReceiveResult<T> left, ReceiveResult<T> right) => !left.Equals(right);
}
