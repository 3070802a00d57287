using System;
using System.Diagnostics;
using System.Threading;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// The cost of moving a cache line between the machine's two CPUs, measured from .NET: two threads bounce one
/// line (a store, then a spin until the other answers), ns per round trip. On the 2-core development VM it
/// flips between about 70 ns and about 350 ns for seconds at a time (the host places the two vCPUs on cores that
/// share a cache, or not), and every contended channel's speed follows it (bench/results/2026-11-22-dev-2core/
/// ANALYSIS.md). Measured before each benchmark invocation, it tells which state of the host an invocation ran in
/// (stats field 13), so code can be compared within one state. <c>bench/probe/c2c.c</c> measures the same with
/// pinned threads, outside .NET.
/// </summary>
public static class CacheLineRoundTrip
{
    /// <summary>A round trip below this (ns) is the host's fast state (its slow state reads 290–420 ns).</summary>
    public const double FastBelowNs = 150;

    /// <summary>
    /// ns per round trip: the fastest chunk of 1,000 among <paramref name="rounds"/> round trips (20,000 take
    /// 1.5–7 ms), enough to tell ~70 ns from ~350 ns; with nothing else running the two threads run on different
    /// CPUs. When they cannot (a busy machine) the measurement gives up after <see cref="Budget"/> and returns the
    /// (large) average so far, which reads as "not fast": an invocation is then left out of the fast band, never
    /// misfiled into it. NaN on one CPU.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rounds"/> is below one chunk (1,000).</exception>
    public static double MeasureNs(int rounds = 20_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, Chunk);
        if (Environment.ProcessorCount < 2)
            return double.NaN;
        var flag = new long[32]; // flag[8]: the bounced line, away from the array's header; flag[24]: "give up", on another line
        var other = new Thread(() =>
        {
            for (long k = 0; k < rounds; k++)
            {
                while (Volatile.Read(ref flag[8]) != 2 * k + 1)
                {
                    if (Volatile.Read(ref flag[24]) != 0)
                        return;
                }

                Volatile.Write(ref flag[8], 2 * k + 2);
            }
        })
        {
            IsBackground = true,
            Name = "c2c probe",
        };
        other.Start();
        var watch = Stopwatch.StartNew();
        var best = double.PositiveInfinity;
        var chunkStart = TimeSpan.Zero;
        var spins = 0;
        for (long done = 0; done < rounds; done++)
        {
            Volatile.Write(ref flag[8], 2 * done + 1);
            while (Volatile.Read(ref flag[8]) != 2 * done + 2)
            {
                if ((++spins & 1023) == 0 && watch.Elapsed > Budget)
                {
                    // A separate line: a give-up written into the bounced line could be overwritten by the other
                    // thread's answer, which it may be about to store, and it would then wait forever.
                    Volatile.Write(ref flag[24], 1);
                    other.Join();
                    return Math.Min(best, watch.Elapsed.TotalNanoseconds / Math.Max(done, 1));
                }
            }

            if ((done + 1) % Chunk == 0)
            {
                var now = watch.Elapsed;
                best = Math.Min(best, (now - chunkStart).TotalNanoseconds / Chunk);
                chunkStart = now;
            }
        }

        other.Join();
        return best;
    }

    // Timed in chunks and the fastest chunk kept: whatever else runs on the CPUs (pool threads spinning down after
    // an invocation, a timer) only adds time, so the fastest chunk is the host's state, and the slow state's
    // ~350 ns is never faster than ~300 ns in any chunk.
    private const int Chunk = 1_000;

    /// <summary>How long <see cref="MeasureNs"/> may take before it gives up (the normal case takes under 10 ms).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(100);
}
