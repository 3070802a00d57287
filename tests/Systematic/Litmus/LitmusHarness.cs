using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sluice.Sync;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Litmus;

/// <summary>The four ordering columns of the litmus table (../shared/reference/checkers.md §9).</summary>
public enum LitmusMode
{
    /// <summary>Every access relaxed.</summary>
    Relaxed,

    /// <summary>Stores release, loads acquire.</summary>
    ReleaseAcquire,

    /// <summary>Every access SeqCst.</summary>
    SeqCst,

    /// <summary>Relaxed accesses with a SeqCst fence between each thread's two accesses.</summary>
    SeqCstFence,
}

/// <summary>
/// Runs a litmus program exhaustively under the weak memory model and collects the set of outcomes it
/// reaches; a test compares that set with the oracle exactly (allowed outcomes reached, forbidden never).
/// </summary>
public abstract class LitmusHarness : CheckerTest
{
    protected LitmusHarness(ITestOutputHelper output)
        : base(output)
    {
    }

    protected static MemoryOrder LoadOrder(LitmusMode m) => m switch
    {
        LitmusMode.ReleaseAcquire => MemoryOrder.Acquire,
        LitmusMode.SeqCst => MemoryOrder.SeqCst,
        _ => MemoryOrder.Relaxed,
    };

    protected static MemoryOrder StoreOrder(LitmusMode m) => m switch
    {
        LitmusMode.ReleaseAcquire => MemoryOrder.Release,
        LitmusMode.SeqCst => MemoryOrder.SeqCst,
        _ => MemoryOrder.Relaxed,
    };

    /// <summary>The fence between a thread's two accesses (only in <see cref="LitmusMode.SeqCstFence"/>).</summary>
    protected static void Between(LitmusMode m)
    {
        if (m == LitmusMode.SeqCstFence)
            Atomic.Fence(MemoryOrder.SeqCst);
    }

    /// <summary>
    /// Explores <paramref name="body"/> (which reports its outcome through the callback) and returns the
    /// set of outcomes reached. Prints one LITMUS line: name, mode, executions, time, outcomes.
    /// </summary>
    protected SortedSet<string> Outcomes(string name, string mode, Action<Action<string>> body, CheckerOptions? options = null)
    {
        var outcomes = new SortedSet<string>(StringComparer.Ordinal);
        var opts = (options ?? CheckerOptions.WeakMemory) with { PreemptionBound = null, Log = null };
        var result = Checker.Run(opts, () => body(o => outcomes.Add(o)));
        if (result.Failure is not null)
            Assert.Fail($"{name}/{mode}: an execution failed:\n{result.Failure.Report}");
        Assert.True(result.Exhaustive, result.Summary);
        Assert.True(result.CompletedExecutions > 0, result.Summary);
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LITMUS | {name} | {mode} | {result.Executions} executions | {result.Elapsed.TotalMilliseconds:0} ms | outcomes {{{string.Join(" ", outcomes)}}}"));
        return outcomes;
    }

    /// <summary>Asserts the reached outcome set equals <paramref name="expected"/> exactly.</summary>
    protected void Expect(string name, LitmusMode mode, Action<Action<string>> body, IEnumerable<string> expected) =>
        Expect(name, mode.ToString(), body, expected);

    protected void Expect(string name, string mode, Action<Action<string>> body, IEnumerable<string> expected, CheckerOptions? options = null)
    {
        var want = new SortedSet<string>(expected, StringComparer.Ordinal);
        var got = Outcomes(name, mode, body, options);
        var missing = want.Except(got).ToList();
        var extra = got.Except(want).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{name}/{mode}: allowed but never reached: [{string.Join(", ", missing)}]; reached but forbidden: [{string.Join(", ", extra)}]");
        Output.WriteLine($"LITMUS-ORACLE | {name} | {mode} | expected {{{string.Join(" ", want)}}} | match");
    }

    /// <summary>Every combination of <paramref name="n"/> binary digits, minus <paramref name="except"/>.</summary>
    protected static IEnumerable<string> AllBits(int n, params string[] except) =>
        Enumerable.Range(0, 1 << n)
            .Select(i => Convert.ToString(i, 2).PadLeft(n, '0'))
            .Where(s => !except.Contains(s));

    protected static string Bits(params long[] values) => string.Concat(values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
