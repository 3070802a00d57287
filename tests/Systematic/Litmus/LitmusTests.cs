using System;
using System.Collections.Generic;
using Sluice.Sync;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Litmus;

/// <summary>
/// The weak-memory litmus catalogue (../shared/reference/checkers.md §9 is the oracle): each program at
/// relaxed / release-acquire / SeqCst / SeqCst-fence, asserting the exact set of reachable outcomes.
/// Semantics: RC11 (C++20). x = y = 0 initially.
/// </summary>
public sealed class LitmusTests : LitmusHarness
{
    public LitmusTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private static bool Weak(LitmusMode m, bool weakUnderReleaseAcquire) =>
        m == LitmusMode.Relaxed || (m == LitmusMode.ReleaseAcquire && weakUnderReleaseAcquire);

    // ---------------------------------------------------------------- SB: T1: x=1; r1=y · T2: y=1; r2=x

    private static void StoreBuffering(LitmusMode m, Action<string> record)
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => { x.Store(1, StoreOrder(m)); Between(m); r1 = y.Load(LoadOrder(m)); });
        var t2 = ModelThread.Spawn(() => { y.Store(1, StoreOrder(m)); Between(m); r2 = x.Load(LoadOrder(m)); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void SB(LitmusMode m) =>
        Expect("SB", m, r => StoreBuffering(m, r), Weak(m, true) ? AllBits(2) : AllBits(2, "00"));

    // ---------------------------------------------------------------- MP: T1: d=1; f=1 · T2: r1=f; r2=d

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void MP(LitmusMode m) => Expect("MP", m, record =>
    {
        var d = new AtomicInt32(0);
        var f = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => { d.Store(1, StoreOrder(m)); Between(m); f.Store(1, StoreOrder(m)); });
        var t2 = ModelThread.Spawn(() => { r1 = f.Load(LoadOrder(m)); Between(m); r2 = d.Load(LoadOrder(m)); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }, Weak(m, false) ? AllBits(2) : AllBits(2, "10"));

    // ---------------------------------------------------------------- LB: T1: r1=x; y=1 · T2: r2=y; x=1

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void LB(LitmusMode m) => Expect("LB", m, record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => { r1 = x.Load(LoadOrder(m)); Between(m); y.Store(1, StoreOrder(m)); });
        var t2 = ModelThread.Spawn(() => { r2 = y.Load(LoadOrder(m)); Between(m); x.Store(1, StoreOrder(m)); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }, AllBits(2, "11")); // RC11 forbids load buffering at every ordering (po ∪ rf acyclic)

    // ---------------------------------------------------------------- IRIW: T1: x=1 · T2: y=1 · T3: r1=x; r2=y · T4: r3=y; r4=x

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void IRIW(LitmusMode m) => Expect("IRIW", m, record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        int r1 = 0, r2 = 0, r3 = 0, r4 = 0;
        var t1 = ModelThread.Spawn(() => x.Store(1, StoreOrder(m)));
        var t2 = ModelThread.Spawn(() => y.Store(1, StoreOrder(m)));
        var t3 = ModelThread.Spawn(() => { r1 = x.Load(LoadOrder(m)); Between(m); r2 = y.Load(LoadOrder(m)); });
        var t4 = ModelThread.Spawn(() => { r3 = y.Load(LoadOrder(m)); Between(m); r4 = x.Load(LoadOrder(m)); });
        t1.Join();
        t2.Join();
        t3.Join();
        t4.Join();
        record(Bits(r1, r2, r3, r4));
    }, Weak(m, true) ? AllBits(4) : AllBits(4, "1010")); // C11 is not multi-copy atomic under release/acquire

    // ---------------------------------------------------------------- WRC: T1: x=1 · T2: r1=x; y=1 · T3: r2=y; r3=x

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void WRC(LitmusMode m) => Expect("WRC", m, record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        int r1 = 0, r2 = 0, r3 = 0;
        var t1 = ModelThread.Spawn(() => x.Store(1, StoreOrder(m)));
        var t2 = ModelThread.Spawn(() => { r1 = x.Load(LoadOrder(m)); Between(m); y.Store(1, StoreOrder(m)); });
        var t3 = ModelThread.Spawn(() => { r2 = y.Load(LoadOrder(m)); Between(m); r3 = x.Load(LoadOrder(m)); });
        t1.Join();
        t2.Join();
        t3.Join();
        record(Bits(r1, r2, r3));
    }, Weak(m, false) ? AllBits(3) : AllBits(3, "110"));

    // ---------------------------------------------------------------- 2+2W: T1: x=1; y=2 · T2: y=1; x=2 (outcome: final x, y)

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void TwoPlusTwoW(LitmusMode m) => Expect("2+2W", m, record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        var t1 = ModelThread.Spawn(() => { x.Store(1, StoreOrder(m)); Between(m); y.Store(2, StoreOrder(m)); });
        var t2 = ModelThread.Spawn(() => { y.Store(1, StoreOrder(m)); Between(m); x.Store(2, StoreOrder(m)); });
        t1.Join();
        t2.Join();
        record(Bits(x.Load(MemoryOrder.SeqCst), y.Load(MemoryOrder.SeqCst)));
    }, Weak(m, true) ? new[] { "11", "12", "21", "22" } : new[] { "12", "21", "22" });

    // ---------------------------------------------------------------- S: T1: x=2; y=1 · T2: r=y; x=1 (outcome: r, final x)

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void S(LitmusMode m) => Expect("S", m, record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        var r = 0;
        var t1 = ModelThread.Spawn(() => { x.Store(2, StoreOrder(m)); Between(m); y.Store(1, StoreOrder(m)); });
        var t2 = ModelThread.Spawn(() => { r = y.Load(LoadOrder(m)); Between(m); x.Store(1, StoreOrder(m)); });
        t1.Join();
        t2.Join();
        record(Bits(r, x.Load(MemoryOrder.SeqCst)));
    }, Weak(m, false) ? new[] { "01", "02", "11", "12" } : new[] { "01", "02", "11" });

    // ---------------------------------------------------------------- R: T1: x=1; y=1 · T2: y=2; r=x (outcome: final y, r)

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void R(LitmusMode m) => Expect("R", m, record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        var r = 0;
        var t1 = ModelThread.Spawn(() => { x.Store(1, StoreOrder(m)); Between(m); y.Store(1, StoreOrder(m)); });
        var t2 = ModelThread.Spawn(() => { y.Store(2, StoreOrder(m)); Between(m); r = x.Load(LoadOrder(m)); });
        t1.Join();
        t2.Join();
        record(Bits(y.Load(MemoryOrder.SeqCst), r));
    }, Weak(m, true) ? new[] { "10", "11", "20", "21" } : new[] { "10", "11", "21" });

    // ---------------------------------------------------------------- RWC: T1: x=1 · T2: r1=x; r2=y · T3: y=1; r3=x

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void RWC(LitmusMode m) => Expect("RWC", m, record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        int r1 = 0, r2 = 0, r3 = 0;
        var t1 = ModelThread.Spawn(() => x.Store(1, StoreOrder(m)));
        var t2 = ModelThread.Spawn(() => { r1 = x.Load(LoadOrder(m)); Between(m); r2 = y.Load(LoadOrder(m)); });
        var t3 = ModelThread.Spawn(() => { y.Store(1, StoreOrder(m)); Between(m); r3 = x.Load(LoadOrder(m)); });
        t1.Join();
        t2.Join();
        t3.Join();
        record(Bits(r1, r2, r3));
    }, Weak(m, true) ? AllBits(3) : AllBits(3, "100")); // SC fences: forbidden in C++20/RC11 (SCFix)

    // ---------------------------------------------------------------- coherence family (every ordering)

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.ReleaseAcquire)]
    [InlineData(LitmusMode.SeqCst)]
    [InlineData(LitmusMode.SeqCstFence)]
    public void CoRR(LitmusMode m) => Expect("CoRR", m, record =>
    {
        // T1: x=1 · T2: r1=x; r2=x — never 1 then 0.
        var x = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => x.Store(1, StoreOrder(m)));
        var t2 = ModelThread.Spawn(() => { r1 = x.Load(LoadOrder(m)); Between(m); r2 = x.Load(LoadOrder(m)); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }, new[] { "00", "01", "11" });

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.SeqCst)]
    public void CoRR2(LitmusMode m) => Expect("CoRR2", m, record =>
    {
        // T1: x=1; x=2 · T2: r1=x; r2=x — reads follow modification order.
        var x = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => { x.Store(1, StoreOrder(m)); x.Store(2, StoreOrder(m)); });
        var t2 = ModelThread.Spawn(() => { r1 = x.Load(LoadOrder(m)); r2 = x.Load(LoadOrder(m)); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }, new[] { "00", "01", "02", "11", "12", "22" });

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.SeqCst)]
    public void CoWR(LitmusMode m) => Expect("CoWR", m, record =>
    {
        // T1: x=1; r1=x · T2: x=2 — a thread never reads older than its own write (outcome: r1, final x).
        var x = new AtomicInt32(0);
        var r1 = 0;
        var t1 = ModelThread.Spawn(() => { x.Store(1, StoreOrder(m)); r1 = x.Load(LoadOrder(m)); });
        var t2 = ModelThread.Spawn(() => x.Store(2, StoreOrder(m)));
        t1.Join();
        t2.Join();
        record(Bits(r1, x.Load(MemoryOrder.SeqCst)));
    }, new[] { "11", "12", "22" });

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.SeqCst)]
    public void CoRW(LitmusMode m) => Expect("CoRW", m, record =>
    {
        // T1: r1=x; x=1 · T2: x=2 — a read never sees a write that is mo-after its thread's later write.
        var x = new AtomicInt32(0);
        var r1 = 0;
        var t1 = ModelThread.Spawn(() => { r1 = x.Load(LoadOrder(m)); x.Store(1, StoreOrder(m)); });
        var t2 = ModelThread.Spawn(() => x.Store(2, StoreOrder(m)));
        t1.Join();
        t2.Join();
        record(Bits(r1, x.Load(MemoryOrder.SeqCst)));
    }, new[] { "01", "02", "21" });

    [Theory]
    [InlineData(LitmusMode.Relaxed)]
    [InlineData(LitmusMode.SeqCst)]
    public void CoWW(LitmusMode m) => Expect("CoWW", m, record =>
    {
        // T1: x=1; x=2 · T2: r=x — the later write of one thread is later in mo (outcome: r, final x).
        var x = new AtomicInt32(0);
        var r = 0;
        var t1 = ModelThread.Spawn(() => { x.Store(1, StoreOrder(m)); x.Store(2, StoreOrder(m)); });
        var t2 = ModelThread.Spawn(() => r = x.Load(LoadOrder(m)));
        t1.Join();
        t2.Join();
        record(Bits(r, x.Load(MemoryOrder.SeqCst)));
    }, new[] { "02", "12", "22" });

    // ---------------------------------------------------------------- .NET rows

    [Fact]
    public void SB_with_Volatile_read_and_write_is_allowed() => Expect("SB+Volatile", ".NET", record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => { DotNetMemoryModel.VolatileWrite(ref x, 1); r1 = DotNetMemoryModel.VolatileRead(ref y); });
        var t2 = ModelThread.Spawn(() => { DotNetMemoryModel.VolatileWrite(ref y, 1); r2 = DotNetMemoryModel.VolatileRead(ref x); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }, AllBits(2)); // store-buffer forwarding: Volatile does not order a store before a later load

    [Fact]
    public void SB_with_Interlocked_exchange_is_forbidden() => Expect("SB+Interlocked", ".NET", record =>
    {
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => { DotNetMemoryModel.InterlockedExchange(ref x, 1); r1 = DotNetMemoryModel.VolatileRead(ref y); });
        var t2 = ModelThread.Spawn(() => { DotNetMemoryModel.InterlockedExchange(ref y, 1); r2 = DotNetMemoryModel.VolatileRead(ref x); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }, AllBits(2, "00")); // every Interlocked operation is a full fence

    [Fact]
    public void MP_with_Volatile_is_forbidden() => Expect("MP+Volatile", ".NET", record =>
    {
        var d = new AtomicInt32(0);
        var f = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => { d.Store(1, MemoryOrder.Relaxed); DotNetMemoryModel.VolatileWrite(ref f, 1); });
        var t2 = ModelThread.Spawn(() => { r1 = DotNetMemoryModel.VolatileRead(ref f); r2 = d.Load(MemoryOrder.Relaxed); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }, AllBits(2, "10"));

    // ---------------------------------------------------------------- mixed SC / non-SC (documented limitation)

    [Fact]
    public void IRIW_with_acquire_then_SeqCst_reads_is_not_reached_a_documented_limitation()
    {
        // RC11 allows 1010 here (GenMC IRIW-acq-sc: 16 executions vs 15 under SC). This checker orders
        // SeqCst operations by execution order, so an SC load cannot read behind an SC store that
        // already executed: it explores 15 outcomes. All-SC and all-SC-fence programs are exact; the
        // library mixes SC and non-SC accesses to one location nowhere (docs/checker.md, "Limits").
        Expect("IRIW-acq-sc", "mixed", record =>
        {
            var x = new AtomicInt32(0);
            var y = new AtomicInt32(0);
            int r1 = 0, r2 = 0, r3 = 0, r4 = 0;
            var t1 = ModelThread.Spawn(() => x.Store(1, MemoryOrder.SeqCst));
            var t2 = ModelThread.Spawn(() => y.Store(1, MemoryOrder.SeqCst));
            var t3 = ModelThread.Spawn(() => { r1 = x.Load(MemoryOrder.Acquire); r2 = y.Load(MemoryOrder.SeqCst); });
            var t4 = ModelThread.Spawn(() => { r3 = y.Load(MemoryOrder.Acquire); r4 = x.Load(MemoryOrder.SeqCst); });
            t1.Join();
            t2.Join();
            t3.Join();
            t4.Join();
            record(Bits(r1, r2, r3, r4));
        }, AllBits(4, "1010"));
    }

    [Fact]
    public void SB_with_three_SeqCst_and_one_release_store_is_allowed() => Expect("SB+3sc+rel", "mixed", record =>
    {
        // GenMC SB+3sc+rel: the weak outcome is allowed under RC11 (4 executions vs 3 under SC).
        var x = new AtomicInt32(0);
        var y = new AtomicInt32(0);
        int r1 = 0, r2 = 0;
        var t1 = ModelThread.Spawn(() => { x.Store(1, MemoryOrder.Release); r1 = y.Load(MemoryOrder.SeqCst); });
        var t2 = ModelThread.Spawn(() => { y.Store(1, MemoryOrder.SeqCst); r2 = x.Load(MemoryOrder.SeqCst); });
        t1.Join();
        t2.Join();
        record(Bits(r1, r2));
    }, AllBits(2));
}
