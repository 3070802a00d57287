using System;
using System.Collections.Generic;

namespace Sluice.Verification.Linearizability;

/// <summary>
/// The reference oracle: tries every permutation of the operations (and quiescence points) that respects
/// real-time order and replays it through the specification. Exponential; for histories of at most ten
/// entries. It exists to check <see cref="LinearizabilityChecker"/> (and specialised specifications) by brute force.
/// </summary>
public static class BruteForceChecker
{
    /// <summary>The most entries (operations plus quiescence points) accepted.</summary>
    public const int MaxEntries = 10;

    /// <summary>Whether some real-time-respecting order of the history is accepted by the specification.</summary>
    /// <typeparam name="TState">Model state.</typeparam>
    /// <typeparam name="TInput">Operation input.</typeparam>
    /// <typeparam name="TOutput">Operation output.</typeparam>
    /// <param name="history">The history (at most <see cref="MaxEntries"/> entries).</param>
    /// <param name="specification">The specification.</param>
    /// <returns>True when a linearization exists.</returns>
    public static bool IsLinearizable<TState, TInput, TOutput>(History<TInput, TOutput> history, ISequentialSpecification<TState, TInput, TOutput> specification)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(specification);
        var ops = history.Operations;
        var q = history.Quiescence;
        var n = ops.Count + q.Count;
        if (n > MaxEntries)
            throw new ArgumentException($"Brute force is limited to {MaxEntries} entries; this history has {n}.", nameof(history));

        long Inv(int e) => e < ops.Count ? ops[e].Invoked : q[e - ops.Count].Time;
        long Resp(int e) => e < ops.Count ? ops[e].Responded : q[e - ops.Count].Time;

        // Every permutation of 0..n-1 (Heap's algorithm), filtered by real-time order, replayed.
        var perm = new int[n];
        for (var i = 0; i < n; i++)
            perm[i] = i;

        bool Valid()
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    if (Resp(perm[j]) < Inv(perm[i]))
                        return false; // perm[j] returned before perm[i] was invoked, yet comes after it
                }
            }

            var state = specification.InitialState;
            var done = new bool[ops.Count];
            for (var i = 0; i < n; i++)
            {
                var e = perm[i];
                if (e < ops.Count)
                {
                    if (!specification.TryApply(state, ops[e], out state))
                        return false;
                    done[e] = true;
                    continue;
                }

                var point = q[e - ops.Count];
                foreach (var p in point.Pending)
                {
                    if (!done[p] && !specification.MayRemainBlocked(state, ops[p], point.Time))
                        return false;
                }
            }

            return true;
        }

        if (Valid())
            return true;
        var c = new int[n];
        var k = 0;
        while (k < n)
        {
            if (c[k] < k)
            {
                if (k % 2 == 0)
                    (perm[0], perm[k]) = (perm[k], perm[0]);
                else
                    (perm[c[k]], perm[k]) = (perm[k], perm[c[k]]);
                if (Valid())
                    return true;
                c[k]++;
                k = 0;
            }
            else
            {
                c[k] = 0;
                k++;
            }
        }

        return false;
    }
}
