using Sluice.Sync;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.SelfTests;

/// <summary>
/// Classic concurrency bugs the checker must find (each test must FAIL with a replayable report), and
/// their fixed twins, which must pass exhaustively at preemption bound ≥ 2.
/// </summary>
public sealed class BugCatalogueTests : CheckerTest
{
    private static readonly CheckerOptions Bound2 = CheckerOptions.Default with { PreemptionBound = 2 };
    private static readonly CheckerOptions Bound3 = CheckerOptions.Default with { PreemptionBound = 3 };

    public BugCatalogueTests(ITestOutputHelper output)
        : base(output)
    {
    }

    // ---------------------------------------------------------------- lost update

    private static void Increments(bool atomic)
    {
        var counter = new AtomicInt64(0);
        void Increment()
        {
            if (atomic)
            {
                counter.FetchAdd(1, MemoryOrder.Relaxed);
            }
            else
            {
                var v = counter.Load(MemoryOrder.SeqCst); // read …
                counter.Store(v + 1, MemoryOrder.SeqCst); // … then write: not atomic
            }
        }

        var a = ModelThread.Spawn(Increment, "incrementer A");
        var b = ModelThread.Spawn(Increment, "incrementer B");
        a.Join();
        b.Join();
        Assert.Equal(2, counter.Load(MemoryOrder.SeqCst));
    }

    [Fact]
    public void Lost_update_with_a_non_atomic_increment_is_found() =>
        ExpectFailure(Bound2, () => Increments(atomic: false), FailureKind.Exception);

    [Fact]
    public void Atomic_increment_passes() => ExpectPass(Bound2, () => Increments(atomic: true));

    // ---------------------------------------------------------------- Peterson's lock

    private static void Peterson(bool flagBeforeTurn)
    {
        var flag0 = new AtomicInt32(0);
        var flag1 = new AtomicInt32(0);
        var turn = new AtomicInt32(0);
        var inCritical = new AtomicInt32(0);
        var shared = new Cell<int>(0);

        void Enter(int me)
        {
            ref var mine = ref me == 0 ? ref flag0 : ref flag1;
            ref var theirs = ref me == 0 ? ref flag1 : ref flag0;
            if (flagBeforeTurn)
            {
                mine.Store(1, MemoryOrder.SeqCst);
                turn.Store(1 - me, MemoryOrder.SeqCst);
            }
            else
            {
                turn.Store(1 - me, MemoryOrder.SeqCst); // the bug: giving way before announcing interest
                mine.Store(1, MemoryOrder.SeqCst);
            }

            var spin = new SpinWaiter();
            while (theirs.Load(MemoryOrder.SeqCst) == 1 && turn.Load(MemoryOrder.SeqCst) == 1 - me)
                spin.SpinOnce();

            Assert.True(inCritical.FetchAdd(1, MemoryOrder.SeqCst) == 0, "mutual exclusion violated: two threads in the critical section");
            shared.Write(shared.Read() + 1);
            inCritical.FetchAdd(-1, MemoryOrder.SeqCst);
            mine.Store(0, MemoryOrder.SeqCst);
        }

        var t0 = ModelThread.Spawn(() => Enter(0), "P0");
        var t1 = ModelThread.Spawn(() => Enter(1), "P1");
        t0.Join();
        t1.Join();
        Assert.Equal(2, shared.Read());
    }

    [Fact]
    public void Peterson_with_turn_written_before_flag_breaks_mutual_exclusion() =>
        ExpectFailure(Bound2, () => Peterson(flagBeforeTurn: false), FailureKind.Exception);

    [Fact]
    public void Peterson_passes() => ExpectPass(Bound3, () => Peterson(flagBeforeTurn: true));

    // ---------------------------------------------------------------- check-then-act data race

    private static void CheckThenAct(bool locked)
    {
        var owner = new Cell<int>(0);
        var gate = new MutexLock();
        void Claim(int me)
        {
            if (locked)
                gate.Enter();
            if (owner.Read() == 0)
                owner.Write(me);
            if (locked)
                gate.Exit();
        }

        var a = ModelThread.Spawn(() => Claim(1), "claimer 1");
        var b = ModelThread.Spawn(() => Claim(2), "claimer 2");
        a.Join();
        b.Join();
        Assert.NotEqual(0, owner.Read());
    }

    [Fact]
    public void Check_then_act_on_a_plain_cell_is_a_data_race() =>
        ExpectFailure(Bound2, () => CheckThenAct(locked: false), FailureKind.DataRace);

    [Fact]
    public void Check_then_act_under_a_lock_passes() => ExpectPass(Bound2, () => CheckThenAct(locked: true));

    // ---------------------------------------------------------------- lock-order inversion

    private static void TwoLocks(bool sameOrder)
    {
        var a = new MutexLock();
        var b = new MutexLock();
        var t1 = ModelThread.Spawn(() =>
        {
            a.Enter();
            b.Enter();
            b.Exit();
            a.Exit();
        }, "a then b");
        var t2 = ModelThread.Spawn(() =>
        {
            var (first, second) = sameOrder ? (a, b) : (b, a);
            first.Enter();
            second.Enter();
            second.Exit();
            first.Exit();
        }, sameOrder ? "a then b" : "b then a");
        t1.Join();
        t2.Join();
    }

    [Fact]
    public void Lock_order_inversion_deadlocks() => ExpectFailure(Bound2, () => TwoLocks(sameOrder: false), FailureKind.Deadlock);

    [Fact]
    public void Same_lock_order_passes() => ExpectPass(Bound2, () => TwoLocks(sameOrder: true));

    // ---------------------------------------------------------------- spin loop that never sees its flag

    private static void SpinOnFlag(bool setTheRightFlag, bool hint)
    {
        var flag = new AtomicInt32(0);
        var other = new AtomicInt32(0);
        var waiter = ModelThread.Spawn(() =>
        {
            var spin = new SpinWaiter();
            while (flag.Load(MemoryOrder.Acquire) == 0)
            {
                if (hint)
                    spin.SpinOnce();
            }
        }, "spinner");
        var setter = ModelThread.Spawn(() =>
        {
            if (setTheRightFlag)
                flag.Store(1, MemoryOrder.Release);
            else
                other.Store(1, MemoryOrder.Release); // the bug: the spinner waits on a flag nobody sets
        }, "setter");
        waiter.Join();
        setter.Join();
    }

    [Fact]
    public void Spin_loop_on_a_flag_nobody_sets_is_a_livelock() =>
        ExpectFailure(Bound2, () => SpinOnFlag(setTheRightFlag: false, hint: true), FailureKind.Livelock);

    [Fact]
    public void Busy_loop_without_spin_hint_exceeds_the_step_bound() =>
        ExpectFailure(Bound2 with { MaxSteps = 500 }, () => SpinOnFlag(setTheRightFlag: false, hint: false), FailureKind.StepBoundExceeded);

    [Fact]
    public void Spin_loop_on_a_flag_that_is_set_passes() =>
        ExpectPass(Bound2, () => SpinOnFlag(setTheRightFlag: true, hint: true));

    // ---------------------------------------------------------------- lost wake-up

    private static void ParkHandshake(bool announceBeforeCheck)
    {
        var ready = new AtomicInt32(0);
        var waiting = new AtomicInt32(0);
        var parker = new Parker();
        var consumer = ModelThread.Spawn(() =>
        {
            if (announceBeforeCheck)
            {
                waiting.Store(1, MemoryOrder.SeqCst);
                if (ready.Load(MemoryOrder.SeqCst) == 0)
                    parker.Park();
            }
            else if (ready.Load(MemoryOrder.SeqCst) == 0)
            {
                waiting.Store(1, MemoryOrder.SeqCst); // the bug: announced after checking
                parker.Park();
            }

            Assert.Equal(1, ready.Load(MemoryOrder.SeqCst));
        }, "consumer");
        var producer = ModelThread.Spawn(() =>
        {
            ready.Store(1, MemoryOrder.SeqCst);
            if (waiting.Load(MemoryOrder.SeqCst) == 1)
                parker.Unpark();
        }, "producer");
        consumer.Join();
        producer.Join();
    }

    [Fact]
    public void Naive_park_unpark_handshake_loses_the_wake_up() =>
        ExpectFailure(Bound2, () => ParkHandshake(announceBeforeCheck: false), FailureKind.Deadlock);

    [Fact]
    public void Dekker_style_park_handshake_passes() => ExpectPass(Bound2, () => ParkHandshake(announceBeforeCheck: true));

    // ---------------------------------------------------------------- the same catalogue with reduction

    public static TheoryData<string> Bugs() => new() { "lost update", "peterson", "check-then-act", "lock order", "spin", "lost wake-up" };

    private static (System.Action Body, FailureKind Kind) Bug(string name) => name switch
    {
        "lost update" => (() => Increments(atomic: false), FailureKind.Exception),
        "peterson" => (() => Peterson(flagBeforeTurn: false), FailureKind.Exception),
        "check-then-act" => (() => CheckThenAct(locked: false), FailureKind.DataRace),
        "lock order" => (() => TwoLocks(sameOrder: false), FailureKind.Deadlock),
        "spin" => (() => SpinOnFlag(setTheRightFlag: false, hint: true), FailureKind.Livelock),
        _ => (() => ParkHandshake(announceBeforeCheck: false), FailureKind.Deadlock),
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Every_bug_is_still_found_with_sleep_set_reduction(string name)
    {
        var (body, kind) = Bug(name);
        ExpectFailure(Bound2 with { Reduction = Reduction.SleepSets }, body, kind);
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Every_bug_is_found_under_weak_memory_too(string name)
    {
        var (body, kind) = Bug(name);
        ExpectFailure(Bound2 with { MemoryModel = MemoryModel.Weak }, body, kind);
    }
}
