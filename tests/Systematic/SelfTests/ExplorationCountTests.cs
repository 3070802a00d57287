using System.Collections.Concurrent;
using System.Linq;
using Sluice.Sync;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.SelfTests;

/// <summary>
/// The checker explores exactly the interleavings it should: counted against combinatorics, with and
/// without reduction, at each preemption bound.
/// </summary>
public sealed class ExplorationCountTests : CheckerTest
{
    public ExplorationCountTests(ITestOutputHelper output)
        : base(output)
    {
    }

    /// <summary>Two threads, each storing to three locations of its own (six independent steps).</summary>
    private static void TwoByThreeIndependent()
    {
        var a = new AtomicInt32[3];
        var b = new AtomicInt32[3];
        var t1 = ModelThread.Spawn(() =>
        {
            for (var i = 0; i < 3; i++)
                a[i].Store(1, MemoryOrder.Relaxed);
        }, "A");
        var t2 = ModelThread.Spawn(() =>
        {
            for (var i = 0; i < 3; i++)
                b[i].Store(1, MemoryOrder.Relaxed);
        }, "B");
        t1.Join();
        t2.Join();
    }

    [Fact]
    public void Two_threads_times_three_steps_explore_exactly_C_6_3_interleavings_without_reduction()
    {
        var result = ExpectPass(CheckerOptions.Default with { PreemptionBound = null }, TwoByThreeIndependent);
        Assert.Equal(20, result.Executions);
        Assert.Equal(20, result.CompletedExecutions);
    }

    [Fact]
    public void Sleep_sets_collapse_independent_interleavings()
    {
        var result = ExpectPass(CheckerOptions.Default with { PreemptionBound = null, Reduction = Reduction.SleepSets }, TwoByThreeIndependent);
        Assert.Equal(1, result.CompletedExecutions); // all 20 interleavings are one Mazurkiewicz trace
        Assert.True(result.Executions < 20, result.Summary);
    }

    [Fact]
    public void Preemption_bounds_count_as_combinatorics_predict()
    {
        // X^i Y^3 X^(3-i): bound 0 → 2; bound 1 → 6; bound 2 adds X^i Y^j X^(3-i) Y^(3-j), i,j ∈ {1,2} → 14 in all.
        Assert.Equal(2, ExpectPass(CheckerOptions.Default with { PreemptionBound = 0 }, TwoByThreeIndependent).Executions);
        Assert.Equal(6, ExpectPass(CheckerOptions.Default with { PreemptionBound = 1, IterativeBounding = false }, TwoByThreeIndependent).Executions);
        Assert.Equal(14, ExpectPass(CheckerOptions.Default with { PreemptionBound = 2, IterativeBounding = false }, TwoByThreeIndependent).Executions);
        var iterative = ExpectPass(CheckerOptions.Default with { PreemptionBound = 2 }, TwoByThreeIndependent);
        Assert.Equal(new long[] { 2, 6, 14 }, iterative.ExecutionsPerBound.ToArray());
    }

    [Fact]
    public void Sleep_sets_keep_every_order_of_conflicting_operations()
    {
        // Two writers to one location and a reader: every outcome of the race must still be reached.
        var outcomes = new ConcurrentDictionary<(long, long), bool>();
        var result = ExpectPass(CheckerOptions.Default with { PreemptionBound = null, Reduction = Reduction.SleepSets }, () =>
        {
            var x = new AtomicInt64(0);
            long seen = -1;
            var w1 = ModelThread.Spawn(() => x.Store(1, MemoryOrder.SeqCst));
            var w2 = ModelThread.Spawn(() => x.Store(2, MemoryOrder.SeqCst));
            var r = ModelThread.Spawn(() => seen = x.Load(MemoryOrder.SeqCst));
            w1.Join();
            w2.Join();
            r.Join();
            outcomes[(seen, x.Load(MemoryOrder.SeqCst))] = true;
        });
        // read before both, between (either writer first), after both; final value either writer's.
        var expected = new[] { (0L, 1L), (0L, 2L), (1L, 2L), (2L, 1L), (1L, 1L), (2L, 2L) };
        Assert.Equal(expected.OrderBy(e => e), outcomes.Keys.OrderBy(e => e));
        var unreduced = ExpectPass(CheckerOptions.Default with { PreemptionBound = null }, () =>
        {
            var x = new AtomicInt64(0);
            var w1 = ModelThread.Spawn(() => x.Store(1, MemoryOrder.SeqCst));
            var w2 = ModelThread.Spawn(() => x.Store(2, MemoryOrder.SeqCst));
            var r = ModelThread.Spawn(() => x.Load(MemoryOrder.SeqCst));
            w1.Join();
            w2.Join();
            r.Join();
        });
        Assert.Equal(6, unreduced.CompletedExecutions); // 3! orders, all pairwise conflicting
        Assert.Equal(6, result.CompletedExecutions);
    }
}
