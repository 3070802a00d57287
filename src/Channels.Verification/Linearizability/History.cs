using System;
using System.Collections.Generic;
using System.Linq;

namespace Sluice.Verification.Linearizability;

/// <summary>
/// One completed operation of a concurrent history: who called it, with what, what it returned, and the
/// interval between its invocation and its response.
/// </summary>
/// <typeparam name="TInput">What the operation was asked to do.</typeparam>
/// <typeparam name="TOutput">What it returned.</typeparam>
/// <remarks>
/// Intervals are closed: an operation whose response time equals another's invocation time counts as
/// concurrent with it, so equal timestamps never create a real-time order that did not exist. The interval
/// must contain the operation's linearization point: take the invocation time before the call and the
/// response time after the return (see docs/linearizability.md for fences under real threads).
/// </remarks>
public sealed class HistoryOperation<TInput, TOutput>
{
    /// <summary>Creates a completed operation.</summary>
    /// <param name="thread">The calling thread (any label; used in reports).</param>
    /// <param name="input">What was called.</param>
    /// <param name="output">What it returned.</param>
    /// <param name="invoked">When it was invoked.</param>
    /// <param name="responded">When it returned; not earlier than <paramref name="invoked"/>.</param>
    public HistoryOperation(int thread, TInput input, TOutput output, long invoked, long responded)
    {
        if (responded < invoked)
            throw new ArgumentOutOfRangeException(nameof(responded), responded, "An operation cannot respond before it was invoked.");
        Thread = thread;
        Input = input;
        Output = output;
        Invoked = invoked;
        Responded = responded;
    }

    /// <summary>The calling thread.</summary>
    public int Thread { get; }

    /// <summary>What was called.</summary>
    public TInput Input { get; }

    /// <summary>What it returned.</summary>
    public TOutput Output { get; }

    /// <summary>Invocation time.</summary>
    public long Invoked { get; }

    /// <summary>Response time.</summary>
    public long Responded { get; }

    /// <summary>Whether this operation returned before <paramref name="other"/> was invoked (real-time order).</summary>
    /// <param name="other">The other operation.</param>
    /// <returns>True when this one precedes the other.</returns>
    public bool Precedes(HistoryOperation<TInput, TOutput> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Responded < other.Invoked;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Input} → {Output}";
}

/// <summary>
/// A moment at which the system was quiescent: every operation that had been invoked had either returned or
/// was blocked waiting for something only a later action could provide. The operations in
/// <see cref="Pending"/> (invoked before <see cref="Time"/>, returned after it) must each be allowed to block
/// in the state of some linearization of everything that happened before: a pending operation that could
/// have completed is a lost wake-up.
/// </summary>
public sealed class QuiescencePoint
{
    /// <summary>Creates the point.</summary>
    /// <param name="time">When the system was quiescent.</param>
    /// <param name="pending">Indices (into the history's operations) of the operations blocked at that time.</param>
    public QuiescencePoint(long time, IReadOnlyList<int> pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        Time = time;
        Pending = pending;
    }

    /// <summary>When the system was quiescent.</summary>
    public long Time { get; }

    /// <summary>Indices of the operations blocked at that time.</summary>
    public IReadOnlyList<int> Pending { get; }
}

/// <summary>A concurrent history: completed operations with their intervals, and quiescence points.</summary>
/// <typeparam name="TInput">Operation input.</typeparam>
/// <typeparam name="TOutput">Operation output.</typeparam>
public sealed class History<TInput, TOutput>
{
    private readonly List<HistoryOperation<TInput, TOutput>> _operations = new();
    private readonly List<QuiescencePoint> _quiescence = new();

    /// <summary>Creates an empty history.</summary>
    public History()
    {
    }

    /// <summary>Creates a history holding <paramref name="operations"/>.</summary>
    /// <param name="operations">The operations.</param>
    public History(IEnumerable<HistoryOperation<TInput, TOutput>> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        _operations.AddRange(operations);
    }

    /// <summary>The operations, in the order they were added (indices are used by quiescence points and results).</summary>
    public IReadOnlyList<HistoryOperation<TInput, TOutput>> Operations => _operations;

    /// <summary>The quiescence points.</summary>
    public IReadOnlyList<QuiescencePoint> Quiescence => _quiescence;

    /// <summary>Adds an operation and returns its index.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>Its index in <see cref="Operations"/>.</returns>
    public int Add(HistoryOperation<TInput, TOutput> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        _operations.Add(operation);
        return _operations.Count - 1;
    }

    /// <summary>Adds a quiescence point.</summary>
    /// <param name="point">The point; its pending operations must be invoked before and respond after its time.</param>
    public void AddQuiescence(QuiescencePoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        foreach (var i in point.Pending)
        {
            if (i < 0 || i >= _operations.Count)
                throw new ArgumentOutOfRangeException(nameof(point), i, "A pending operation index is out of range.");
            var op = _operations[i];
            if (op.Invoked > point.Time || op.Responded < point.Time)
                throw new ArgumentException($"Operation {i} ({op}) was not pending at time {point.Time}.", nameof(point));
        }

        _quiescence.Add(point);
    }

    /// <summary>A copy without the operations <paramref name="keep"/> rejects (quiescence points keep the pending operations that remain).</summary>
    /// <param name="keep">Which operations to keep.</param>
    /// <returns>The filtered history and, for each new index, the old one.</returns>
    public (History<TInput, TOutput> History, int[] OldIndex) Where(Func<HistoryOperation<TInput, TOutput>, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var map = new Dictionary<int, int>();
        var old = new List<int>();
        var h = new History<TInput, TOutput>();
        for (var i = 0; i < _operations.Count; i++)
        {
            if (!keep(_operations[i]))
                continue;
            map[i] = h.Add(_operations[i]);
            old.Add(i);
        }

        foreach (var q in _quiescence)
            h.AddQuiescence(new QuiescencePoint(q.Time, q.Pending.Where(map.ContainsKey).Select(i => map[i]).ToArray()));
        return (h, old.ToArray());
    }
}
