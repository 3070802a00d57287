using System;
using Sluice.Sync;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Litmus;

/// <summary>
/// Synchronisation rules beyond the litmus table (release sequences, fence–fence synchronisation, RMW
/// atomicity) and the weak-memory bug catalogue: each bug must be caught with a report that names the
/// stale store a load read (or the race it causes), and each fixed twin must pass exhaustively.
/// </summary>
public sealed class WeakMemoryTests : CheckerTest
{
    private static readonly CheckerOptions Weak = CheckerOptions.WeakMemory with { PreemptionBound = 2 };
    private static readonly CheckerOptions WeakUnbounded = CheckerOptions.WeakMemory with { PreemptionBound = null };

    public WeakMemoryTests(ITestOutputHelper output)
        : base(output)
    {
    }

    // ---------------------------------------------------------------- synchronisation rules

    private static void ReleaseSequence(bool continueWithRmw)
    {
        var data = new Cell<int>(0);
        var flag = new AtomicInt32(0);
        var t1 = ModelThread.Spawn(() =>
        {
            data.Write(42);
            flag.Store(1, MemoryOrder.Release);
        }, "publisher");
        var t2 = ModelThread.Spawn(() =>
        {
            if (continueWithRmw)
                flag.FetchAdd(1, MemoryOrder.Relaxed); // an RMW continues the release sequence
            else if (flag.Load(MemoryOrder.Relaxed) == 1)
                flag.Store(2, MemoryOrder.Relaxed); // a plain store does not (C++20)
        }, "incrementer");
        var t3 = ModelThread.Spawn(() =>
        {
            if (flag.Load(MemoryOrder.Acquire) == 2)
                Assert.Equal(42, data.Read());
        }, "observer");
        t1.Join();
        t2.Join();
        t3.Join();
    }

    [Fact]
    public void A_relaxed_RMW_continues_the_release_sequence() => ExpectPass(WeakUnbounded, () => ReleaseSequence(continueWithRmw: true));

    [Fact]
    public void A_relaxed_store_breaks_the_release_sequence() =>
        ExpectFailure(WeakUnbounded, () => ReleaseSequence(continueWithRmw: false), FailureKind.DataRace);

    private static void FenceFence(bool acquireFence)
    {
        var data = new Cell<int>(0);
        var flag = new AtomicInt32(0);
        var t1 = ModelThread.Spawn(() =>
        {
            data.Write(7);
            Atomic.Fence(MemoryOrder.Release);
            flag.Store(1, MemoryOrder.Relaxed);
        }, "writer");
        var t2 = ModelThread.Spawn(() =>
        {
            if (flag.Load(MemoryOrder.Relaxed) == 1)
            {
                if (acquireFence)
                    Atomic.Fence(MemoryOrder.Acquire);
                Assert.Equal(7, data.Read());
            }
        }, "reader");
        t1.Join();
        t2.Join();
    }

    [Fact]
    public void Release_fence_and_acquire_fence_synchronise_through_relaxed_accesses() => ExpectPass(WeakUnbounded, () => FenceFence(acquireFence: true));

    [Fact]
    public void Without_the_acquire_fence_the_payload_races() => ExpectFailure(WeakUnbounded, () => FenceFence(acquireFence: false), FailureKind.DataRace);

    [Fact]
    public void Two_relaxed_fetch_adds_always_sum() => ExpectPass(WeakUnbounded, () =>
    {
        var x = new AtomicInt64(0);
        var a = ModelThread.Spawn(() => x.FetchAdd(1, MemoryOrder.Relaxed));
        var b = ModelThread.Spawn(() => x.FetchAdd(1, MemoryOrder.Relaxed));
        a.Join();
        b.Join();
        Assert.Equal(2, x.Load(MemoryOrder.Relaxed));
    });

    [Fact]
    public void A_compare_exchange_loop_never_misses_an_update() => ExpectPass(WeakUnbounded with { SpuriousFailures = true }, () =>
    {
        var x = new AtomicInt64(0);
        void Add()
        {
            var seen = x.Load(MemoryOrder.Relaxed);
            while (!x.CompareExchangeWeak(ref seen, seen + 1, MemoryOrder.Relaxed, MemoryOrder.Relaxed))
            {
            }
        }

        var a = ModelThread.Spawn(Add);
        var b = ModelThread.Spawn(Add);
        a.Join();
        b.Join();
        Assert.Equal(2, x.Load(MemoryOrder.Relaxed));
    });

    // ---------------------------------------------------------------- Dekker without the SC fence

    /// <summary>
    /// Dekker's entry protocol (as a try-lock): announce, then enter only if the other thread has not
    /// announced. It is the store-buffering pattern: without a SeqCst fence between the store and the
    /// load, both threads can read the other's flag as 0 and both enter.
    /// </summary>
    private static void Dekker(bool fence)
    {
        var flag0 = new AtomicInt32(0);
        var flag1 = new AtomicInt32(0);
        var inCritical = new AtomicInt32(0);

        void TryEnter(int me)
        {
            ref var mine = ref me == 0 ? ref flag0 : ref flag1;
            ref var theirs = ref me == 0 ? ref flag1 : ref flag0;
            mine.Store(1, MemoryOrder.Release);
            if (fence)
                Atomic.Fence(MemoryOrder.SeqCst); // orders our flag store before the load of theirs (Dekker)
            if (theirs.Load(MemoryOrder.Acquire) == 0)
            {
                Assert.True(inCritical.FetchAdd(1, MemoryOrder.AcqRel) == 0, "mutual exclusion violated: both threads entered");
                inCritical.FetchAdd(-1, MemoryOrder.AcqRel);
            }

            mine.Store(0, MemoryOrder.Release);
        }

        var t0 = ModelThread.Spawn(() => TryEnter(0), "D0");
        var t1 = ModelThread.Spawn(() => TryEnter(1), "D1");
        t0.Join();
        t1.Join();
    }

    [Fact]
    public void Dekker_without_a_SeqCst_fence_passes_under_SC_but_fails_under_weak_memory()
    {
        ExpectPass(CheckerOptions.Default with { PreemptionBound = 2 }, () => Dekker(fence: false));
        var failure = ExpectFailure(Weak, () => Dekker(fence: false), FailureKind.Exception);
        Assert.True(failure.StaleReads > 0, "the report must show the stale read");
        Assert.Contains("STALE", failure.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void Dekker_with_the_SeqCst_fence_passes_under_weak_memory() => ExpectPass(Weak, () => Dekker(fence: true));

    /// <summary>Peterson with the turn handed over by an exchange (an RMW) is correct with acquire/release alone.</summary>
    [Fact]
    public void Peterson_with_an_exchange_on_turn_passes_under_weak_memory() => ExpectPass(Weak with { PreemptionBound = 3 }, () =>
    {
        var flag0 = new AtomicInt32(0);
        var flag1 = new AtomicInt32(0);
        var turn = new AtomicInt32(0);
        var inCritical = new AtomicInt32(0);
        void Enter(int me)
        {
            ref var mine = ref me == 0 ? ref flag0 : ref flag1;
            ref var theirs = ref me == 0 ? ref flag1 : ref flag0;
            mine.Store(1, MemoryOrder.Relaxed);
            turn.Exchange(1 - me, MemoryOrder.AcqRel); // the later exchanger reads the earlier one's flag through this RMW
            var spin = new SpinWaiter();
            while (theirs.Load(MemoryOrder.Acquire) == 1 && turn.Load(MemoryOrder.Relaxed) == 1 - me)
                spin.SpinOnce();
            Assert.True(inCritical.FetchAdd(1, MemoryOrder.AcqRel) == 0, "mutual exclusion violated");
            inCritical.FetchAdd(-1, MemoryOrder.AcqRel);
            mine.Store(0, MemoryOrder.Release);
        }

        var t0 = ModelThread.Spawn(() => Enter(0), "P0");
        var t1 = ModelThread.Spawn(() => Enter(1), "P1");
        t0.Join();
        t1.Join();
    });

    // ---------------------------------------------------------------- message passing with a relaxed flag

    private static void MessagePassing(MemoryOrder publish, MemoryOrder observe, bool plainPayload)
    {
        var payload = new AtomicInt32(0);
        var plain = new Cell<int>(0);
        var ready = new AtomicInt32(0);
        var producer = ModelThread.Spawn(() =>
        {
            if (plainPayload)
                plain.Write(42);
            else
                payload.Store(42, MemoryOrder.Relaxed);
            ready.Store(1, publish);
        }, "producer");
        var consumer = ModelThread.Spawn(() =>
        {
            var spin = new SpinWaiter();
            while (ready.Load(observe) == 0)
                spin.SpinOnce();
            Assert.Equal(42, plainPayload ? plain.Read() : payload.Load(MemoryOrder.Relaxed));
        }, "consumer");
        producer.Join();
        consumer.Join();
    }

    [Fact]
    public void Message_passing_with_a_relaxed_flag_reads_a_stale_payload()
    {
        var failure = ExpectFailure(Weak, () => MessagePassing(MemoryOrder.Relaxed, MemoryOrder.Relaxed, plainPayload: false), FailureKind.Exception);
        Assert.Contains("STALE", failure.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_passing_with_a_relaxed_flag_races_on_a_plain_payload() =>
        ExpectFailure(Weak, () => MessagePassing(MemoryOrder.Relaxed, MemoryOrder.Relaxed, plainPayload: true), FailureKind.DataRace);

    [Fact]
    public void Message_passing_with_release_and_acquire_passes()
    {
        ExpectPass(Weak, () => MessagePassing(MemoryOrder.Release, MemoryOrder.Acquire, plainPayload: false));
        ExpectPass(Weak, () => MessagePassing(MemoryOrder.Release, MemoryOrder.Acquire, plainPayload: true));
    }

    // ---------------------------------------------------------------- SPSC ring publishing its tail relaxed

    /// <summary>A two-slot single-producer single-consumer ring; the slots are atomics so a stale read shows.</summary>
    private sealed class SpscRing
    {
        private readonly AtomicInt32[] _slots = new AtomicInt32[2];
        private readonly MemoryOrder _publish;
        private readonly MemoryOrder _observe;
        private AtomicInt32 _head;
        private AtomicInt32 _tail;

        public SpscRing(MemoryOrder publish, MemoryOrder observe)
        {
            _publish = publish;
            _observe = observe;
        }

        public bool TryPush(int value)
        {
            var tail = _tail.Load(MemoryOrder.Relaxed); // only the producer writes the tail
            if (tail - _head.Load(MemoryOrder.Acquire) == _slots.Length)
                return false;
            _slots[tail % 2].Store(value, MemoryOrder.Relaxed);
            _tail.Store(tail + 1, _publish); // must be Release: pairs with TryPop's acquire load of the tail
            return true;
        }

        public bool TryPop(out int value)
        {
            var head = _head.Load(MemoryOrder.Relaxed); // only the consumer writes the head
            if (_tail.Load(_observe) == head)
            {
                value = 0;
                return false;
            }

            value = _slots[head % 2].Load(MemoryOrder.Relaxed);
            _head.Store(head + 1, MemoryOrder.Release); // pairs with TryPush's acquire load: the slot was read out
            return true;
        }
    }

    private static void SpscRingTransfer(MemoryOrder publish, MemoryOrder observe)
    {
        var ring = new SpscRing(publish, observe);
        var producer = ModelThread.Spawn(() =>
        {
            for (var i = 1; i <= 3; i++)
            {
                var spin = new SpinWaiter();
                while (!ring.TryPush(i))
                    spin.SpinOnce();
            }
        }, "producer");
        var consumer = ModelThread.Spawn(() =>
        {
            for (var expected = 1; expected <= 3; expected++)
            {
                var spin = new SpinWaiter();
                int got;
                while (!ring.TryPop(out got))
                    spin.SpinOnce();
                Assert.Equal(expected, got);
            }
        }, "consumer");
        producer.Join();
        consumer.Join();
    }

    [Fact]
    public void SPSC_ring_publishing_its_tail_relaxed_hands_out_a_stale_slot()
    {
        var failure = ExpectFailure(Weak, () => SpscRingTransfer(MemoryOrder.Relaxed, MemoryOrder.Acquire), FailureKind.Exception);
        Assert.Contains("STALE", failure.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void SPSC_ring_with_a_release_tail_passes() => ExpectPass(Weak, () => SpscRingTransfer(MemoryOrder.Release, MemoryOrder.Acquire));

    // ---------------------------------------------------------------- double-checked initialisation without acquire

    private sealed class Box
    {
        public AtomicInt32 Value;
    }

    private static void DoubleCheckedInit(MemoryOrder fastPathLoad)
    {
        var instance = new AtomicRef<Box>(null);
        var gate = new MutexLock();
        Box Get()
        {
            var box = instance.Load(fastPathLoad); // must be Acquire: pairs with the release store below
            if (box is not null)
                return box;
            gate.Enter();
            box = instance.Load(MemoryOrder.Relaxed); // under the lock
            if (box is null)
            {
                box = new Box();
                box.Value.Store(42, MemoryOrder.Relaxed);
                instance.Store(box, MemoryOrder.Release);
            }

            gate.Exit();
            return box;
        }

        var a = ModelThread.Spawn(() => Assert.Equal(42, Get().Value.Load(MemoryOrder.Relaxed)), "A");
        var b = ModelThread.Spawn(() => Assert.Equal(42, Get().Value.Load(MemoryOrder.Relaxed)), "B");
        a.Join();
        b.Join();
    }

    [Fact]
    public void Double_checked_initialisation_without_acquire_sees_an_uninitialised_object()
    {
        var failure = ExpectFailure(Weak, () => DoubleCheckedInit(MemoryOrder.Relaxed), FailureKind.Exception);
        Assert.Contains("STALE", failure.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void Double_checked_initialisation_with_acquire_passes() => ExpectPass(Weak, () => DoubleCheckedInit(MemoryOrder.Acquire));
}
