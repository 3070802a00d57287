using System;
using System.Collections.Immutable;
using System.Linq;
using Sluice.Verification.Linearizability;

namespace Sluice.Tests.Property.Sequential;

/// <summary>
/// The pure sequential model of a bounded FIFO channel, for the FsCheck state-machine tests: the queue,
/// whether it is closed, and the result the last command must have returned.
/// </summary>
public sealed record SequentialModel(int Capacity, ImmutableQueue<int> Items, int Count, bool Closed, int NextValue, ChannelResult Expected)
{
    public static SequentialModel Empty(int capacity) => new(capacity, ImmutableQueue<int>.Empty, 0, false, 1, default);

    public bool Full => Count >= Capacity;

    /// <summary>Whether <paramref name="op"/> would wait in this state (such commands are not generated: a sequential test cannot release them).</summary>
    public bool WouldWait(ChannelOp op) => op.IsWaiting && op.Timeout != TimeSpan.Zero && !Closed && (op.IsSend ? Full : Count == 0);

    /// <summary>Applies <paramref name="op"/>; a cancelled token makes a waiting operation return Cancelled before it tries.</summary>
    public SequentialModel Apply(ChannelOp op, bool cancelledToken)
    {
        ArgumentNullException.ThrowIfNull(op);
        var next = this with { NextValue = Math.Max(NextValue, op.Value + 1) };
        if (cancelledToken && op.Kind is ChannelOpKind.SendAsync or ChannelOpKind.ReceiveAsync)
            return next with { Expected = ChannelOutcome.Cancelled };
        switch (op.Kind)
        {
            case ChannelOpKind.TrySend:
            case ChannelOpKind.Send:
            case ChannelOpKind.SendAsync:
                if (Closed)
                    return next with { Expected = ChannelOutcome.Closed };
                if (Full)
                    return next with { Expected = op.Kind == ChannelOpKind.TrySend ? ChannelOutcome.Full : ChannelOutcome.TimedOut };
                return next with { Items = Items.Enqueue(op.Value), Count = Count + 1, Expected = ChannelOutcome.Sent };
            case ChannelOpKind.TryReceive:
            case ChannelOpKind.Receive:
            case ChannelOpKind.ReceiveAsync:
                if (Count > 0)
                    return next with { Items = Items.Dequeue(out var v), Count = Count - 1, Expected = ChannelResult.Received(v) };
                if (Closed)
                    return next with { Expected = ChannelOutcome.Closed };
                return next with { Expected = op.Kind == ChannelOpKind.TryReceive ? ChannelOutcome.Empty : ChannelOutcome.TimedOut };
            case ChannelOpKind.Close:
            case ChannelOpKind.CloseReceiver:
                return next with { Closed = true, Expected = Closed ? ChannelOutcome.AlreadyClosed : ChannelOutcome.ClosedNow };
            case ChannelOpKind.Count:
                return next with { Expected = new ChannelResult(ChannelOutcome.Counted, Count) };
            default:
                throw new NotSupportedException(op.Kind.ToString());
        }
    }

    public override string ToString() =>
        $"[{string.Join(", ", Items.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]{(Closed ? " closed" : "")} (capacity {Capacity})";
}
