using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Numerics;

namespace Sluice.Verification.Linearizability;

/// <summary>
/// Decides whether a concurrent history is linearizable with respect to a sequential specification:
/// Wing and Gong's backtracking search with Lowe's memoisation of configurations (WGL), as in Porcupine.
/// </summary>
/// <remarks>
/// <para>The search walks a doubly linked list of call and return events in time order. At a call it tries to
/// linearize that operation next (the specification must accept its output); at a return it must backtrack,
/// because the returning operation has not been linearized yet and nothing after its return may come before
/// it. Every configuration reached — the set of linearized operations and the model state — is cached, and a
/// configuration seen before is not explored again, which makes the search polynomial whenever the number of
/// distinct states per linearized set is small (see <see cref="UniqueFifoChannelSpecification"/>).</para>
/// <para>The linearized set is stored compactly as (p, S): every operation invoked before the p-th is
/// linearized, plus the few later ones in S; S is bounded by how many operations overlap the p-th.</para>
/// <para>Checking linearizability is NP-complete in general: the search has a time and a size budget and
/// answers <see cref="LinearizabilityVerdict.Unknown"/> instead of running on.</para>
/// </remarks>
public static class LinearizabilityChecker
{
    /// <summary>Checks <paramref name="history"/> against <paramref name="specification"/>.</summary>
    /// <typeparam name="TState">The model state (with value equality).</typeparam>
    /// <typeparam name="TInput">Operation input.</typeparam>
    /// <typeparam name="TOutput">Operation output.</typeparam>
    /// <param name="history">The history.</param>
    /// <param name="specification">The sequential specification.</param>
    /// <param name="options">Budgets; <see cref="LinearizabilityOptions.Default"/> when null.</param>
    /// <param name="method">A name for the search, for reports.</param>
    /// <returns>The verdict with a linearization, or the longest prefix and the rejected results.</returns>
    public static LinearizabilityResult Check<TState, TInput, TOutput>(
        History<TInput, TOutput> history,
        ISequentialSpecification<TState, TInput, TOutput> specification,
        LinearizabilityOptions? options = null,
        string method = "WGL")
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(specification);
        return new Search<TState, TInput, TOutput>(history, specification, options ?? LinearizabilityOptions.Default, method).Run();
    }

    private sealed class Search<TState, TInput, TOutput>
    {
        private readonly History<TInput, TOutput> _history;
        private readonly ISequentialSpecification<TState, TInput, TOutput> _spec;
        private readonly LinearizabilityOptions _options;
        private readonly string _method;

        // Entries: 0..n-1 operations, n..n+m-1 quiescence points; positions: entries sorted by invocation time.
        private readonly int _n;
        private readonly int[] _entryAt;       // position -> entry
        private readonly int[] _posOf;         // entry -> position
        private readonly long[] _invoked;      // by position
        private readonly long[] _responded;    // by position

        // Event list: node 0 is the head; node 1 + 2k is the call of position k, node 2 + 2k its return.
        private readonly int[] _next;
        private readonly int[] _prev;

        private readonly ulong[] _linearized;  // by position
        private int _lowest;                   // p: the first position not linearized
        private int _count;                    // positions linearized

        public Search(History<TInput, TOutput> history, ISequentialSpecification<TState, TInput, TOutput> spec, LinearizabilityOptions options, string method)
        {
            _history = history;
            _spec = spec;
            _options = options;
            _method = method;
            var ops = history.Operations;
            var quiescence = history.Quiescence;
            _n = ops.Count + quiescence.Count;

            long Inv(int e) => e < ops.Count ? ops[e].Invoked : quiescence[e - ops.Count].Time;
            long Resp(int e) => e < ops.Count ? ops[e].Responded : quiescence[e - ops.Count].Time;

            _entryAt = Enumerable.Range(0, _n).OrderBy(Inv).ThenBy(e => e).ToArray();
            _posOf = new int[_n];
            for (var k = 0; k < _n; k++)
                _posOf[_entryAt[k]] = k;
            _invoked = _entryAt.Select(Inv).ToArray();
            _responded = _entryAt.Select(Resp).ToArray();

            // Events in time order; at equal times calls come first (closed intervals: equal means concurrent).
            var events = new List<(long Time, int Kind, int Pos)>(2 * _n);
            for (var k = 0; k < _n; k++)
            {
                events.Add((_invoked[k], 0, k));
                events.Add((_responded[k], 1, k));
            }

            events.Sort();
            _next = new int[2 * _n + 1];
            _prev = new int[2 * _n + 1];
            var last = 0;
            foreach (var (_, kind, pos) in events)
            {
                var node = kind == 0 ? CallNode(pos) : ReturnNode(pos);
                _next[last] = node;
                _prev[node] = last;
                last = node;
            }

            _next[last] = -1;
            _linearized = new ulong[(_n + 63) / 64];
        }

        private static int CallNode(int pos) => 1 + 2 * pos;

        private static int ReturnNode(int pos) => 2 + 2 * pos;

        private static bool IsCall(int node) => (node & 1) == 1;

        private static int PosOf(int node) => (node - 1) / 2;

        private void Lift(int call)
        {
            var ret = call + 1;
            _next[_prev[call]] = _next[call];
            if (_next[call] >= 0)
                _prev[_next[call]] = _prev[call];
            _next[_prev[ret]] = _next[ret];
            if (_next[ret] >= 0)
                _prev[_next[ret]] = _prev[ret];
        }

        private void Unlift(int call)
        {
            var ret = call + 1;
            if (_next[ret] >= 0)
                _prev[_next[ret]] = ret;
            _next[_prev[ret]] = ret;
            if (_next[call] >= 0)
                _prev[_next[call]] = call;
            _next[_prev[call]] = call;
        }

        private bool IsLinearized(int pos) => (_linearized[pos >> 6] & (1UL << pos)) != 0;

        private void SetLinearized(int pos)
        {
            _linearized[pos >> 6] |= 1UL << pos;
            _count++;
            while (_lowest < _n && IsLinearized(_lowest))
                _lowest++;
        }

        private void ClearLinearized(int pos)
        {
            _linearized[pos >> 6] &= ~(1UL << pos);
            _count--;
            if (pos < _lowest)
                _lowest = pos;
        }

        /// <summary>The positions linearized beyond the lowest unlinearized one (the S of the compact key).</summary>
        private int[] Beyond()
        {
            var remaining = _count - _lowest;
            if (remaining == 0)
                return Array.Empty<int>();
            var s = new int[remaining];
            var i = 0;
            var start = _lowest + 1;
            var word = start >> 6;
            var bits = _linearized[word] & (~0UL << (start & 63));
            while (i < remaining)
            {
                while (bits == 0)
                    bits = _linearized[++word];
                var b = BitOperations.TrailingZeroCount(bits);
                s[i++] = (word << 6) + b;
                bits &= bits - 1;
            }

            return s;
        }

        private bool TryApply(int pos, TState state, out TState next, out string? reason)
        {
            var entry = _entryAt[pos];
            var ops = _history.Operations;
            reason = null;
            if (entry < ops.Count)
            {
                if (_spec.TryApply(state, ops[entry], out next))
                    return true;
                reason = _spec.Explain(state, ops[entry]) ?? "the specification rejects this result in state " + _spec.Describe(state);
                return false;
            }

            next = state;
            var q = _history.Quiescence[entry - ops.Count];
            foreach (var pending in q.Pending)
            {
                if (IsLinearized(_posOf[pending]))
                    continue;
                if (!_spec.MayRemainBlocked(state, ops[pending], q.Time))
                {
                    reason = $"{ops[pending].Input} (thread {ops[pending].Thread}) was still blocked, but it could have completed in state {_spec.Describe(state)}: a lost wake-up";
                    return false;
                }
            }

            return true;
        }

        private sealed class Frame
        {
            public Frame(int pos, TState before, Frame? parent)
            {
                Pos = pos;
                Before = before;
                Parent = parent;
                Depth = (parent?.Depth ?? 0) + 1;
            }

            public int Pos { get; }

            public TState Before { get; }

            public Frame? Parent { get; }

            public int Depth { get; }
        }

        private readonly struct Key : IEquatable<Key>
        {
            private readonly int _lowest;
            private readonly int[] _beyond;
            private readonly TState _state;
            private readonly int _hash;

            public Key(int lowest, int[] beyond, TState state)
            {
                _lowest = lowest;
                _beyond = beyond;
                _state = state;
                var h = new HashCode();
                h.Add(lowest);
                foreach (var b in beyond)
                    h.Add(b);
                h.Add(state);
                _hash = h.ToHashCode();
            }

            public bool Equals(Key other) =>
                _hash == other._hash && _lowest == other._lowest && _beyond.AsSpan().SequenceEqual(other._beyond) &&
                EqualityComparer<TState>.Default.Equals(_state, other._state);

            public override bool Equals(object? obj) => obj is Key k && Equals(k);

            public override int GetHashCode() => _hash;
        }

        public LinearizabilityResult Run()
        {
            var clock = Stopwatch.StartNew();
            var result = new LinearizabilityResult(LinearizabilityVerdict.NotLinearizable, _method);
            var cache = new HashSet<Key>();
            var state = _spec.InitialState;
            Frame? top = null;
            Frame? best = null;
            var bestState = state;
            var stuckRecorded = false;
            long steps = 0;
            var node = _next[0];

            while (_next[0] >= 0)
            {
                if ((++steps & 1023) == 0 && (clock.Elapsed > _options.TimeBudget || cache.Count > _options.MaxConfigurations))
                {
                    result.Verdict = LinearizabilityVerdict.Unknown;
                    result.Reason = clock.Elapsed > _options.TimeBudget
                        ? $"gave up after {_options.TimeBudget.TotalSeconds:0.###} s (time budget) with {cache.Count} configurations cached"
                        : $"gave up after caching {cache.Count} configurations (size budget)";
                    break;
                }

                if (node >= 0 && IsCall(node))
                {
                    var pos = PosOf(node);
                    if (TryApply(pos, state, out var next, out _))
                    {
                        SetLinearized(pos);
                        if (cache.Add(new Key(_lowest, Beyond(), next)))
                        {
                            top = new Frame(pos, state, top);
                            state = next;
                            Lift(node);
                            node = _next[0];
                            if (top.Depth > (best?.Depth ?? 0))
                            {
                                best = top;
                                bestState = state;
                                stuckRecorded = false;
                            }

                            continue;
                        }

                        ClearLinearized(pos);
                    }

                    node = _next[node];
                    continue;
                }

                // A return (or the end of the list): the operations before it were all tried; backtrack.
                if (!stuckRecorded && top == best)
                {
                    stuckRecorded = true;
                    RecordStuck(result, state, node);
                }

                if (top is null)
                    break; // nothing left to undo: no linearization exists

                var undone = top;
                top = top.Parent;
                state = undone.Before;
                ClearLinearized(undone.Pos);
                Unlift(CallNode(undone.Pos));
                node = _next[CallNode(undone.Pos)];
            }

            result.Steps = steps;
            result.Configurations = cache.Count;
            if (_next[0] < 0)
            {
                result.Verdict = LinearizabilityVerdict.Linearizable;
                result.Linearization = Sequence(top);
            }
            else
            {
                result.LongestPrefix = Sequence(best);
                result.StateAfterPrefix = _spec.Describe(bestState);
            }

            result.Elapsed = clock.Elapsed;
            return result;
        }

        private void RecordStuck(LinearizabilityResult result, TState state, int deadlineNode)
        {
            var rejected = new List<(int, string)>();
            for (var node = _next[0]; node >= 0 && node != deadlineNode; node = _next[node])
            {
                if (!IsCall(node))
                    continue;
                var pos = PosOf(node);
                var reason = TryApply(pos, state, out _, out var why)
                    ? "accepted here, but every continuation from the resulting configuration fails"
                    : why!;
                rejected.Add((Public(pos), reason));
            }

            result.Rejected = rejected;
            result.Deadline = deadlineNode >= 0 ? Public(PosOf(deadlineNode)) : null;
        }

        /// <summary>Operation index, or −(k+1) for quiescence point k.</summary>
        private int Public(int pos)
        {
            var e = _entryAt[pos];
            var ops = _history.Operations.Count;
            return e < ops ? e : -(e - ops + 1);
        }

        private int[] Sequence(Frame? top)
        {
            var list = new List<int>();
            for (var f = top; f is not null; f = f.Parent)
            {
                var e = _entryAt[f.Pos];
                if (e < _history.Operations.Count)
                    list.Add(e);
            }

            list.Reverse();
            return list.ToArray();
        }
    }
}
