using System;
using System.Runtime.CompilerServices;
using Sluice.Sync;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.SelfTests;

/// <summary>The ordering overrides behind the ordering-necessity analysis weaken exactly the named site.</summary>
public sealed class OrderingOverrideTests : CheckerTest
{
    private static int _storeLine;
    private static int _fenceLine;

    public OrderingOverrideTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private static int LineHere([CallerLineNumber] int line = 0) => line;

    private static void MessagePassing()
    {
        var payload = new Cell<int>(0);
        var ready = new AtomicInt32(0);
        var producer = ModelThread.Spawn(() =>
        {
            payload.Write(42);
            ready.Store(1, MemoryOrder.Release); _storeLine = LineHere();
        });
        var consumer = ModelThread.Spawn(() =>
        {
            if (ready.Load(MemoryOrder.Acquire) == 1)
                Assert.Equal(42, payload.Read());
        });
        producer.Join();
        consumer.Join();
    }

    private static void Dekker()
    {
        var flag0 = new AtomicInt32(0);
        var flag1 = new AtomicInt32(0);
        var both = new AtomicInt32(0);
        void Enter(ref AtomicInt32 mine, ref AtomicInt32 theirs)
        {
            mine.Store(1, MemoryOrder.Relaxed);
            Atomic.Fence(MemoryOrder.SeqCst); _fenceLine = LineHere();
            if (theirs.Load(MemoryOrder.Relaxed) == 0)
                Assert.True(both.FetchAdd(1, MemoryOrder.Relaxed) == 0, "both entered");
        }

        var a = ModelThread.Spawn(() => Enter(ref flag0, ref flag1));
        var b = ModelThread.Spawn(() => Enter(ref flag1, ref flag0));
        a.Join();
        b.Join();
    }

    private static readonly CheckerOptions Weak = CheckerOptions.WeakMemory with { PreemptionBound = 2, Weaken = null };

    [Fact]
    public void Weakening_a_release_store_to_relaxed_breaks_message_passing()
    {
        ExpectPass(Weak, MessagePassing);
        var failure = ExpectFailure(Weak with { Weaken = $"SelfTests/OrderingOverrideTests.cs:{_storeLine}=Relaxed" }, MessagePassing, FailureKind.DataRace);
        Assert.Contains("race", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Removing_a_SeqCst_fence_breaks_Dekker()
    {
        ExpectPass(Weak, Dekker);
        ExpectFailure(Weak with { Weaken = $"OrderingOverrideTests.cs:{_fenceLine}=Relaxed" }, Dekker, FailureKind.Exception);
    }

    [Fact]
    public void An_override_that_matches_nothing_changes_nothing_and_says_so()
    {
        var result = ExpectPass(Weak with { Weaken = "NoSuchFile.cs:1=Relaxed" }, MessagePassing);
        Assert.Equal(0, result.WeakenedOperations);
        var applied = ExpectPass(Weak with { Weaken = $"OrderingOverrideTests.cs:{_storeLine}=SeqCst" }, MessagePassing);
        Assert.True(applied.WeakenedOperations > 0);
    }

    [Fact]
    public void A_malformed_override_is_rejected_with_the_expected_format()
    {
        var ex = Assert.Throws<FormatException>(() => Checker.Run(Weak with { Weaken = "Ring.cs=Relaxed" }, MessagePassing));
        Assert.Contains("path:line=Order", ex.Message, StringComparison.Ordinal);
    }
}
