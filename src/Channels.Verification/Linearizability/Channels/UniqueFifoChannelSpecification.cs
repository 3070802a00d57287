using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sluice.Verification.Linearizability;

/// <summary>
/// State of the FIFO fast path: how many of the received messages have been sent and received, how many
/// never-received messages have been sent, and whether the channel is closed. With unique payloads and a
/// single consumer this determines the queue exactly.
/// </summary>
/// <param name="Sent">Sends of received messages linearized (a prefix of the receive order).</param>
/// <param name="Received">Successful receives linearized.</param>
/// <param name="Unreceived">Sends of never-received messages linearized (they sit behind every received message).</param>
/// <param name="UnreceivedHeadSentAt">Response time of the first never-received message's send (for the in-flight relaxation).</param>
/// <param name="Closed">Whether the channel is closed.</param>
/// <param name="Clock">Latest invocation time applied (relaxed specification only).</param>
public readonly record struct UniqueFifoState(int Sent, int Received, int Unreceived, long UnreceivedHeadSentAt, bool Closed, long Clock)
{
    /// <summary>Messages queued.</summary>
    public int Count => Sent - Received + Unreceived;
}

/// <summary>
/// The fast path for FIFO channels with unique payloads and one consumer: a specification built from the
/// history itself, so that the WGL cache holds about one state per linearized set.
/// </summary>
/// <remarks>
/// <para>With unique payloads, every successful receive names its send. With one consumer the successful
/// receives are totally ordered in real time, so FIFO fixes the order of their sends: the send of the i-th
/// received message must be linearized i-th among them. A message that is never received must be sent after
/// every received one (otherwise it would be at the head of the queue when a later one is taken). The queue
/// is then determined by three counters — there are no permutations of queued messages to remember — and the
/// search over (linearized set, state) configurations collapses to (almost) one state per set.</para>
/// <para>Some histories are rejected before any search: a value received that no send sent, a value received
/// twice, a value received whose send did not report success. Histories where the shortcut does not apply
/// (duplicate payloads, overlapping successful receives) are left to <see cref="BoundedChannelSpecification"/>.</para>
/// </remarks>
public sealed class UniqueFifoChannelSpecification : ISequentialSpecification<UniqueFifoState, ChannelOp, ChannelResult>
{
    private readonly int[] _order;                 // received values, in receive order
    private readonly Dictionary<int, int> _index;  // value -> its index in _order
    private readonly long[] _sentAt;               // by receive index: response time of its send

    private UniqueFifoChannelSpecification(int capacity, ChannelSpecificationOptions options, int[] order, long[] sentAt)
    {
        Capacity = capacity;
        Options = options;
        _order = order;
        _sentAt = sentAt;
        _index = new Dictionary<int, int>(order.Length);
        for (var i = 0; i < order.Length; i++)
            _index[order[i]] = i;
    }

    /// <summary>The capacity.</summary>
    public int Capacity { get; }

    /// <summary>The relaxations in force.</summary>
    public ChannelSpecificationOptions Options { get; }

    /// <summary>
    /// Builds the fast-path specification for <paramref name="history"/>. Returns false when the fast path does
    /// not apply (<paramref name="violation"/> null) or when the history is not linearizable on its face
    /// (<paramref name="violation"/> says why).
    /// </summary>
    /// <param name="history">The history (Cancel operations are ignored).</param>
    /// <param name="capacity">The channel's capacity.</param>
    /// <param name="options">Relaxations; strict when null.</param>
    /// <param name="specification">The specification, when it applies.</param>
    /// <param name="violation">Why the history cannot be linearizable, when that is evident.</param>
    /// <returns>Whether the fast path applies.</returns>
    public static bool TryCreate(History<ChannelOp, ChannelResult> history, int capacity, ChannelSpecificationOptions? options,
        out UniqueFifoChannelSpecification? specification, out string? violation)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        specification = null;
        violation = null;
        var ops = history.Operations;
        var sends = new Dictionary<int, HistoryOperation<ChannelOp, ChannelResult>>();
        foreach (var op in ops)
        {
            if (!op.Input.IsSend)
                continue;
            if (!sends.TryAdd(op.Input.Value, op))
                return false; // duplicate payloads: the general search decides
        }

        var receives = ops.Where(o => o.Input.IsReceive && o.Output.Outcome == ChannelOutcome.Received).OrderBy(o => o.Invoked).ToList();
        for (var i = 1; i < receives.Count; i++)
        {
            if (!receives[i - 1].Precedes(receives[i]))
                return false; // concurrent receives: the receive order is not fixed
        }

        var seen = new HashSet<int>();
        var sentAt = new long[receives.Count];
        for (var i = 0; i < receives.Count; i++)
        {
            var v = receives[i].Output.Value;
            var text = v.ToString(CultureInfo.InvariantCulture);
            if (!seen.Add(v))
            {
                violation = $"{text} was received twice (a message duplicated)";
                return false;
            }

            if (!sends.TryGetValue(v, out var send))
            {
                violation = $"{text} was received but never sent";
                return false;
            }

            if (send.Output.Outcome != ChannelOutcome.Sent)
            {
                violation = $"{text} was received, but its send {send.Input} returned {send.Output}";
                return false;
            }

            if (receives[i].Precedes(send))
            {
                violation = $"{text} was received before its send was invoked";
                return false;
            }

            sentAt[i] = send.Responded;
        }

        specification = new UniqueFifoChannelSpecification(capacity, options ?? ChannelSpecificationOptions.Strict,
            receives.Select(r => r.Output.Value).ToArray(), sentAt);
        return true;
    }

    /// <inheritdoc />
    public UniqueFifoState InitialState => new(0, 0, 0, 0, false, long.MinValue);

    private ChannelRules.Head HeadOf(UniqueFifoState s, long at)
    {
        if (s.Sent > s.Received)
            return new ChannelRules.Head(true, true, _order[s.Received], _sentAt[s.Received] > at);
        if (s.Unreceived > 0)
            return new ChannelRules.Head(true, false, 0, s.UnreceivedHeadSentAt > at);
        return default;
    }

    private long ClockAfter(UniqueFifoState s, HistoryOperation<ChannelOp, ChannelResult> op) =>
        Options.EmptyWhileOldestSendInFlight ? Math.Max(s.Clock, op.Invoked) : s.Clock;

    /// <inheritdoc />
    public bool TryApply(UniqueFifoState state, HistoryOperation<ChannelOp, ChannelResult> operation, out UniqueFifoState next) =>
        Apply(state, operation, out next, out _);

    private bool Apply(UniqueFifoState s, HistoryOperation<ChannelOp, ChannelResult> operation, out UniqueFifoState next, out string why)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var clock = ClockAfter(s, operation);
        next = s;
        if (!ChannelRules.Accepts(operation.Input, operation.Output, s.Count, Capacity, s.Closed, HeadOf(s, clock), Options, out var effect, out why))
            return false;
        switch (effect)
        {
            case ChannelEffect.Enqueue:
                var v = operation.Input.Value;
                if (_index.TryGetValue(v, out var i))
                {
                    if (i != s.Sent)
                    {
                        why = $"FIFO: {v.ToString(CultureInfo.InvariantCulture)} is received after {_order[s.Sent].ToString(CultureInfo.InvariantCulture)}, whose send must come first";
                        return false;
                    }

                    next = s with { Sent = s.Sent + 1, Clock = clock };
                    return true;
                }

                if (s.Sent < _order.Length)
                {
                    why = $"{v.ToString(CultureInfo.InvariantCulture)} is never received, so it must be sent after {_order[s.Sent].ToString(CultureInfo.InvariantCulture)}, which is";
                    return false;
                }

                next = s with
                {
                    Unreceived = s.Unreceived + 1,
                    UnreceivedHeadSentAt = s.Unreceived == 0 ? operation.Responded : s.UnreceivedHeadSentAt,
                    Clock = clock,
                };
                return true;
            case ChannelEffect.Dequeue:
                next = s with { Received = s.Received + 1, Clock = clock };
                return true;
            case ChannelEffect.Close:
                next = s with { Closed = true, Clock = clock };
                return true;
            default:
                next = s with { Clock = clock };
                return true;
        }
    }

    /// <inheritdoc />
    public bool MayRemainBlocked(UniqueFifoState state, HistoryOperation<ChannelOp, ChannelResult> operation, long time)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ChannelRules.MayRemainBlocked(operation.Input, state.Count, Capacity, state.Closed, HeadOf(state, time), Options);
    }

    /// <inheritdoc />
    public string Describe(UniqueFifoState state)
    {
        var items = new List<string>();
        for (var i = state.Received; i < state.Sent; i++)
            items.Add(_order[i].ToString(CultureInfo.InvariantCulture));
        if (state.Unreceived > 0)
            items.Add($"{state.Unreceived} never-received message(s)");
        return "[" + string.Join(", ", items) + "]" + (state.Closed ? " closed" : " open");
    }

    /// <inheritdoc />
    public string? Explain(UniqueFifoState state, HistoryOperation<ChannelOp, ChannelResult> operation)
    {
        Apply(state, operation, out _, out var why);
        return why + " — model " + Describe(state);
    }
}
