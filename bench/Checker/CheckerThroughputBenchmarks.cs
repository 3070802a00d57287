using System;
using BenchmarkDotNet.Attributes;
using Sluice.Sync;
using Sluice.Verification;

namespace Sluice.Benchmarks.CheckerThroughput;

/// <summary>
/// How fast the checker explores. Each benchmark is one whole exploration; the execution count of each
/// is fixed (printed in the description), so time per execution = Mean / executions.
/// </summary>
[MemoryDiagnoser]
public class CheckerThroughputBenchmarks
{
    private static readonly CheckerOptions Unbounded = CheckerOptions.Default with { PreemptionBound = null };
    private static readonly CheckerOptions Bound3 = CheckerOptions.Default with { PreemptionBound = 3, IterativeBounding = false };

    [Benchmark(Description = "2 threads x 3 independent stores, no bound (20 executions)")]
    public long TwentyInterleavings() => Checker.Explore(Unbounded, () =>
    {
        var a = new AtomicInt32[3];
        var b = new AtomicInt32[3];
        var t1 = ModelThread.Spawn(() => { for (var i = 0; i < 3; i++) a[i].Store(1, MemoryOrder.Relaxed); });
        var t2 = ModelThread.Spawn(() => { for (var i = 0; i < 3; i++) b[i].Store(1, MemoryOrder.Relaxed); });
        t1.Join();
        t2.Join();
    }).Executions;

    [Benchmark(Description = "Peterson, SC, preemption bound 3")]
    public long Peterson() => Checker.Explore(Bound3, () =>
    {
        var flag0 = new AtomicInt32(0);
        var flag1 = new AtomicInt32(0);
        var turn = new AtomicInt32(0);
        var inCritical = new AtomicInt32(0);
        void Enter(int me)
        {
            ref var mine = ref me == 0 ? ref flag0 : ref flag1;
            ref var theirs = ref me == 0 ? ref flag1 : ref flag0;
            mine.Store(1, MemoryOrder.SeqCst);
            turn.Store(1 - me, MemoryOrder.SeqCst);
            var spin = new SpinWaiter();
            while (theirs.Load(MemoryOrder.SeqCst) == 1 && turn.Load(MemoryOrder.SeqCst) == 1 - me)
                spin.SpinOnce();
            if (inCritical.FetchAdd(1, MemoryOrder.SeqCst) != 0)
                throw new InvalidOperationException("mutual exclusion violated");
            inCritical.FetchAdd(-1, MemoryOrder.SeqCst);
            mine.Store(0, MemoryOrder.SeqCst);
        }

        var t0 = ModelThread.Spawn(() => Enter(0));
        var t1 = ModelThread.Spawn(() => Enter(1));
        t0.Join();
        t1.Join();
    }).Executions;
}
