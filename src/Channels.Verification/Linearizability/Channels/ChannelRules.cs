using System.Globalization;

namespace Sluice.Verification.Linearizability;

/// <summary>What the sequential channel specification may relax.</summary>
public sealed record ChannelSpecificationOptions
{
    /// <summary>
    /// Allow a receive to find the channel empty (and a waiting receive to stay blocked or time out) while
    /// the oldest message's send is still in progress at the receive's linearization point. A Vyukov-style
    /// ring (claim a slot, then publish it) has exactly this behaviour: the receiver cannot see past a
    /// claimed but unpublished slot, even when later messages were published and their sends returned.
    /// Off by default (strict FIFO linearizability).
    /// </summary>
    public bool EmptyWhileOldestSendInFlight { get; init; }

    /// <summary>
    /// A timed-out wait must linearize at a point where it could not complete (a send: open and full;
    /// a receive: open and empty). Default true. When false, a timeout may linearize anywhere (no effect).
    /// </summary>
    public bool StrictTimeouts { get; init; } = true;

    /// <summary>Strict FIFO linearizability.</summary>
    public static ChannelSpecificationOptions Strict { get; } = new();
}

/// <summary>How an accepted operation changes the channel.</summary>
internal enum ChannelEffect
{
    None,
    Enqueue,
    Dequeue,
    Close,
}

/// <summary>The sequential semantics of a bounded FIFO channel, shared by the general and the fast-path specifications.</summary>
internal static class ChannelRules
{
    /// <summary>The oldest message, as the rules need it.</summary>
    internal readonly record struct Head(bool Exists, bool ValueKnown, int Value, bool InFlight);

    public static bool Accepts(ChannelOp op, ChannelResult r, int n, int capacity, bool closed, Head head,
        ChannelSpecificationOptions options, out ChannelEffect effect, out string why)
    {
        effect = ChannelEffect.None;
        why = "";
        var emptyNow = !closed && n == 0 || options.EmptyWhileOldestSendInFlight && head.Exists && head.InFlight;
        switch (op.Kind)
        {
            case ChannelOpKind.TrySend:
            case ChannelOpKind.Send:
            case ChannelOpKind.SendAsync:
                switch (r.Outcome)
                {
                    case ChannelOutcome.Sent:
                        if (closed)
                            return Fail("the channel is closed", out why);
                        if (n >= capacity)
                            return Fail($"the channel is full ({n} of {capacity})", out why);
                        effect = ChannelEffect.Enqueue;
                        return true;
                    case ChannelOutcome.Full when op.Kind == ChannelOpKind.TrySend:
                        if (closed)
                            return Fail("the channel is closed: a send must say Closed", out why);
                        return n == capacity || Fail($"the channel is not full ({n} of {capacity})", out why);
                    case ChannelOutcome.Closed:
                        return closed || Fail("the channel is open", out why);
                    case ChannelOutcome.TimedOut when op.Kind != ChannelOpKind.TrySend && op.Timeout is not null:
                        if (!options.StrictTimeouts)
                            return true;
                        if (closed)
                            return Fail("the channel is closed: a waiting send must say Closed", out why);
                        return n == capacity || Fail($"the send could have completed: the channel is not full ({n} of {capacity})", out why);
                    case ChannelOutcome.Cancelled when op.Kind == ChannelOpKind.SendAsync && op.Token is not null:
                        return true;
                    default:
                        return Fail($"{r} is not a possible result of {op.Kind}", out why);
                }

            case ChannelOpKind.TryReceive:
            case ChannelOpKind.Receive:
            case ChannelOpKind.ReceiveAsync:
                switch (r.Outcome)
                {
                    case ChannelOutcome.Received:
                        if (n == 0)
                            return Fail("the channel is empty", out why);
                        if (!head.ValueKnown)
                            return Fail("the oldest message is one that is never received", out why);
                        if (head.Value != r.Value)
                            return Fail("the oldest message is " + head.Value.ToString(CultureInfo.InvariantCulture), out why);
                        effect = ChannelEffect.Dequeue;
                        return true;
                    case ChannelOutcome.Empty when op.Kind == ChannelOpKind.TryReceive:
                        if (emptyNow)
                            return true;
                        return Fail(closed && n == 0 ? "the channel is closed and drained: a receive must say Closed" : $"the channel holds {n} message(s)", out why);
                    case ChannelOutcome.Closed:
                        if (closed && n == 0)
                            return true;
                        return Fail(closed ? $"the channel is closed but still holds {n} message(s)" : "the channel is open", out why);
                    case ChannelOutcome.TimedOut when op.Kind != ChannelOpKind.TryReceive && op.Timeout is not null:
                        if (!options.StrictTimeouts || emptyNow)
                            return true;
                        return Fail(closed && n == 0 ? "the channel is closed and drained: the receive must say Closed" : $"the receive could have completed: the channel holds {n} message(s)", out why);
                    case ChannelOutcome.Cancelled when op.Kind == ChannelOpKind.ReceiveAsync && op.Token is not null:
                        return true;
                    default:
                        return Fail($"{r} is not a possible result of {op.Kind}", out why);
                }

            case ChannelOpKind.Close:
            case ChannelOpKind.CloseReceiver:
                if (r.Outcome == ChannelOutcome.ClosedNow)
                {
                    if (closed)
                        return Fail("the channel was already closed", out why);
                    effect = ChannelEffect.Close;
                    return true;
                }

                if (r.Outcome == ChannelOutcome.AlreadyClosed)
                    return closed || Fail("the channel was open: this call closed it", out why);
                return Fail($"{r} is not a possible result of {op.Kind}", out why);

            case ChannelOpKind.Count:
                if (r.Outcome != ChannelOutcome.Counted)
                    return Fail($"{r} is not a possible result of Count", out why);
                return r.Value == n || Fail($"the channel holds {n} message(s)", out why);

            case ChannelOpKind.Cancel:
                return r.Outcome == ChannelOutcome.Done || Fail($"{r} is not a possible result of Cancel", out why);

            default:
                return Fail("unknown operation", out why);
        }
    }

    public static bool MayRemainBlocked(ChannelOp op, int n, int capacity, bool closed, Head head, ChannelSpecificationOptions options) => op.Kind switch
    {
        ChannelOpKind.Send or ChannelOpKind.SendAsync => !closed && n >= capacity,
        ChannelOpKind.Receive or ChannelOpKind.ReceiveAsync => !closed && n == 0 || options.EmptyWhileOldestSendInFlight && head.Exists && head.InFlight,
        _ => false,
    };

    private static bool Fail(string reason, out string why)
    {
        why = reason;
        return false;
    }
}
