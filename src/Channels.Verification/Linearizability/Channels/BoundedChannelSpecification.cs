using System;
using System.Globalization;
using System.Linq;

namespace Sluice.Verification.Linearizability;

/// <summary>The state of the general bounded-channel model: the queued messages (oldest first), whether it is closed.</summary>
public sealed class BoundedChannelState : IEquatable<BoundedChannelState>
{
    private readonly int[] _values;
    private readonly long[] _sentAt;
    private readonly int _hash;

    internal BoundedChannelState(int[] values, long[] sentAt, bool closed, long clock)
    {
        _values = values;
        _sentAt = sentAt;
        Closed = closed;
        Clock = clock;
        var h = new HashCode();
        foreach (var v in values)
            h.Add(v);
        foreach (var t in sentAt)
            h.Add(t);
        h.Add(closed);
        h.Add(clock);
        _hash = h.ToHashCode();
    }

    /// <summary>The empty, open channel.</summary>
    public static BoundedChannelState Empty { get; } = new(Array.Empty<int>(), Array.Empty<long>(), false, long.MinValue);

    /// <summary>Messages queued.</summary>
    public int Count => _values.Length;

    /// <summary>Whether the channel is closed.</summary>
    public bool Closed { get; }

    /// <summary>The latest invocation time among the operations applied (the earliest possible current linearization point); tracked only for the relaxed specification.</summary>
    public long Clock { get; }

    /// <summary>The queued messages, oldest first.</summary>
    public ReadOnlySpan<int> Values => _values;

    internal long OldestSentAt => _sentAt[0];

    internal BoundedChannelState Enqueue(int value, long sentAt, long clock) =>
        new(_values.Append(value).ToArray(), _sentAt.Append(sentAt).ToArray(), Closed, clock);

    internal BoundedChannelState Dequeue(long clock) => new(_values[1..], _sentAt[1..], Closed, clock);

    internal BoundedChannelState With(bool closed, long clock) => closed == Closed && clock == Clock ? this : new(_values, _sentAt, closed, clock);

    /// <inheritdoc />
    public bool Equals(BoundedChannelState? other) =>
        other is not null && _hash == other._hash && Closed == other.Closed && Clock == other.Clock &&
        _values.AsSpan().SequenceEqual(other._values) && _sentAt.AsSpan().SequenceEqual(other._sentAt);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as BoundedChannelState);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <inheritdoc />
    public override string ToString() =>
        "[" + string.Join(", ", _values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]" + (Closed ? " closed" : " open");
}

/// <summary>
/// The sequential specification of a bounded FIFO channel (any payloads, duplicates allowed): the general
/// model, whose state is the full queue. Used by the plain WGL search; see
/// <see cref="UniqueFifoChannelSpecification"/> for the fast path with unique payloads.
/// </summary>
public sealed class BoundedChannelSpecification : ISequentialSpecification<BoundedChannelState, ChannelOp, ChannelResult>
{
    /// <summary>Creates the specification.</summary>
    /// <param name="capacity">The channel's capacity (≥ 1).</param>
    /// <param name="options">Relaxations; strict when null.</param>
    public BoundedChannelSpecification(int capacity, ChannelSpecificationOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        Options = options ?? ChannelSpecificationOptions.Strict;
    }

    /// <summary>The capacity.</summary>
    public int Capacity { get; }

    /// <summary>The relaxations in force.</summary>
    public ChannelSpecificationOptions Options { get; }

    /// <inheritdoc />
    public BoundedChannelState InitialState => BoundedChannelState.Empty;

    private ChannelRules.Head HeadOf(BoundedChannelState s, long at) =>
        s.Count == 0 ? default : new ChannelRules.Head(true, true, s.Values[0], s.OldestSentAt > at);

    private long ClockAfter(BoundedChannelState s, HistoryOperation<ChannelOp, ChannelResult> op) =>
        Options.EmptyWhileOldestSendInFlight ? Math.Max(s.Clock, op.Invoked) : s.Clock;

    /// <inheritdoc />
    public bool TryApply(BoundedChannelState state, HistoryOperation<ChannelOp, ChannelResult> operation, out BoundedChannelState next)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(operation);
        var clock = ClockAfter(state, operation);
        next = state;
        if (!ChannelRules.Accepts(operation.Input, operation.Output, state.Count, Capacity, state.Closed, HeadOf(state, clock), Options, out var effect, out _))
            return false;
        next = effect switch
        {
            ChannelEffect.Enqueue => state.Enqueue(operation.Input.Value, operation.Responded, clock),
            ChannelEffect.Dequeue => state.Dequeue(clock),
            ChannelEffect.Close => state.With(closed: true, clock),
            _ => state.With(state.Closed, clock),
        };
        return true;
    }

    /// <inheritdoc />
    public bool MayRemainBlocked(BoundedChannelState state, HistoryOperation<ChannelOp, ChannelResult> operation, long time)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(operation);
        return ChannelRules.MayRemainBlocked(operation.Input, state.Count, Capacity, state.Closed, HeadOf(state, time), Options);
    }

    /// <inheritdoc />
    public string Describe(BoundedChannelState state) => state?.ToString() ?? "";

    /// <inheritdoc />
    public string? Explain(BoundedChannelState state, HistoryOperation<ChannelOp, ChannelResult> operation)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(operation);
        ChannelRules.Accepts(operation.Input, operation.Output, state.Count, Capacity, state.Closed, HeadOf(state, ClockAfter(state, operation)), Options, out _, out var why);
        return why + " — model " + state;
    }
}
