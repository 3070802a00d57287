using System;
using Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Channels.Mpsc;

/// <summary>
/// Scenarios added for orderings the ordering-necessity analysis (tools/OrderingAnalysis) found weakenable
/// without any check failing: each scenario passes on the real code and fails once the named ordering is
/// weakened by one step (the checker's ordering overrides: no rebuild). The same scenarios are checks of the
/// analysis, so those weakenings are reported as necessary.
/// </summary>
public sealed class OrderingWeakeningTests : CheckerTest
{
    public OrderingWeakeningTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private static CheckerOptions Weak(int bound) => CheckerOptions.WeakMemory with { PreemptionBound = bound, IterativeBounding = false, Name = "ordering" };

    private static string Site(string file, string anchor, string code, string order) =>
        SourceTree.OrderingOverride(file, anchor, code, order);

    private void Caught(CheckerOptions options, Action body, string weaken, FailureKind kind)
    {
        Output.WriteLine("mutant: " + weaken);
        ExpectFailure(options with { Weaken = weaken }, body, kind);
    }

    /// <summary>
    /// Waiter.IsWaiting's Acquire load and the Release half of Waiter.Signal's CAS: a blocked sender that
    /// finds itself signalled before it parks (no unpark to synchronise with) reads SignalWasNotification,
    /// which the notifier wrote under the list lock before signalling.
    /// </summary>
    [Fact]
    public void A_blocked_sender_signalled_before_it_parks_needs_IsWaiting_acquire_and_Signal_release()
    {
        var options = CheckerOptions.Default with { PreemptionBound = 1, IterativeBounding = false, Reduction = Reduction.SleepSets, Name = "ordering/sc" };
        Action body = () => ChannelScenarios.BlockingSendersAndReceiver(2, 1, 1);
        ExpectPass(options, body);
        Caught(options, body, Site("Internal/Waiter.cs", "public bool IsWaiting", "(_state.Load(MemoryOrder.Acquire) & StateMask) == Waiting;", "Relaxed"), FailureKind.DataRace);
        Caught(options, body, Site("Internal/Waiter.cs", "public bool Signal()", "var observed = _state.CompareExchange(s, next, MemoryOrder.AcqRel, MemoryOrder.Relaxed);", "Acquire"), FailureKind.DataRace);
    }

    /// <summary>NotifyAll's SeqCst fence: without it a close misses a sender that has just listed itself, and nobody else wakes it.</summary>
    [Fact]
    public void A_close_with_nobody_receiving_needs_the_fence_in_NotifyAll()
    {
        var options = Weak(0);
        ExpectPass(options, ChannelScenarios.CloseWhileASenderWaits);
        Caught(options, ChannelScenarios.CloseWhileASenderWaits,
            Site("Mpsc/SenderWaiterList.cs", "public void NotifyAll()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed"), FailureKind.Deadlock);
    }

    /// <summary>
    /// The receive waiter cache's Release store and Acquire exchange: when a late timer callback recycles the
    /// waiter, the renter's relaxed stores in BeginUse may otherwise be ordered before the callback's Idle
    /// store, leaving the waiter Idle: its runner can never park and spins.
    /// </summary>
    [Fact]
    public void A_receive_waiter_recycled_by_a_late_timer_needs_the_cache_hand_off()
    {
        var options = Weak(2) with { MaxSteps = 2_000 }; // the spin is reported sooner (a passing execution takes < 100 steps)
        ExpectPass(options, ChannelScenarios.TwoReceiveTimeouts);
        Caught(options, ChannelScenarios.TwoReceiveTimeouts,
            Site("Mpsc/BoundedChannelCore.cs", "void ReturnReceiveOperation(", "_cachedReceive.Store(op, MemoryOrder.Release);", "Relaxed"), FailureKind.StepBoundExceeded);
        Caught(options, ChannelScenarios.TwoReceiveTimeouts,
            Site("Mpsc/BoundedChannelCore.cs", "ReceiveOperation<T> RentReceive()", "_cachedReceive.Exchange(null, MemoryOrder.Acquire) ?? new ReceiveOperation<T>(this);", "Relaxed"), FailureKind.StepBoundExceeded);
    }

    /// <summary>
    /// The Release half of the locking notifier's CAS in ReceiverWaker.Notify: a registration made while the
    /// notifier holds the lock (a different waiter, which the holder does not wake) must still see its push.
    /// </summary>
    [Fact]
    public void A_receiver_switching_waiters_needs_the_locking_notify_to_release()
    {
        var options = Weak(2);
        ExpectPass(options, ChannelScenarios.BlockingReceiveThenAsync);
        Caught(options, ChannelScenarios.BlockingReceiveThenAsync,
            Site("Mpsc/ReceiverWaker.cs", "public void Notify()", "var observed = _state.CompareExchange(s, n, MemoryOrder.AcqRel, MemoryOrder.Relaxed);", "Acquire"), FailureKind.Deadlock);
    }

    /// <summary>
    /// The waker's slot hand-off: a notifier's read of a slot must happen before the sink overwrites it. Caught
    /// as data races on the slot: the unlock's Release, the re-lock's Release half, Register's Acquire load and
    /// the Acquire of the withdrawal in Register's slow path.
    /// </summary>
    [Fact]
    public void A_sink_switching_waiters_needs_every_edge_of_the_slot_hand_off()
    {
        var options = Weak(3) with { Reduction = Reduction.SleepSets };
        Action body = () => WakerScenarios.SinkSwitchingWaiters(2, 3);
        ExpectPass(options, body);
        Caught(options, body, Site("Mpsc/ReceiverWaker.cs", "private void WakeWhileLocked(", "var observed = _state.CompareExchange(s, s & ~Locked, MemoryOrder.Release, MemoryOrder.Relaxed);", "Relaxed"), FailureKind.DataRace);
        Caught(options, body, Site("Mpsc/ReceiverWaker.cs", "// Another notify arrived while we held the lock", "var observed = _state.CompareExchange(s, n, MemoryOrder.AcqRel, MemoryOrder.Relaxed);", "Acquire"), FailureKind.DataRace);
        Caught(options, body, Site("Mpsc/ReceiverWaker.cs", "public void Register(IWakeable waiter)", "var s = _state.Load(MemoryOrder.Acquire);", "Relaxed"), FailureKind.DataRace);
        Caught(options, body, Site("Mpsc/ReceiverWaker.cs", "public void Register(IWakeable waiter)", "var before = _state.FetchAnd(~(Registered | Notification), MemoryOrder.Acquire);", "Relaxed"), FailureKind.DataRace);
    }

    /// <summary>
    /// ProbeSpace's Acquire stamp load: without it, a probe that found its slot refilled for a later lap may
    /// re-read the stale enqueue position forever (the checker reports the unbounded loop).
    /// </summary>
    [Fact]
    public void A_probe_racing_a_refill_needs_the_acquire_stamp_load_to_progress()
    {
        var options = Weak(1) with { MaxSteps = 2_000 }; // the unbounded loop is reported sooner (a passing execution takes < 20 steps)
        ExpectPass(options, RingScenarios.ProbeRacesPopAndPush);
        Caught(options, RingScenarios.ProbeRacesPopAndPush,
            Site("Mpsc/Ring.cs", "public PushResult ProbeSpace()", "var d = slot.Stamp.Load(MemoryOrder.Acquire) - pos;", "Relaxed"), FailureKind.StepBoundExceeded);
    }

    /// <summary>
    /// The drain check after the last pop: removing either SeqCst fence of the Dekker pair (AfterPop's, NotifyAll's)
    /// leaves the Completion task incomplete. Relaxing the release/acquire pair on <c>_closing</c> (both halves at
    /// once) still passes: the evidence for the written argument that the pair is redundant given the fences
    /// (tools/OrderingAnalysis/justifications.txt).
    /// </summary>
    [Fact]
    public void The_drain_after_the_last_pop_rests_on_the_two_fences_not_on_the_closing_flag()
    {
        var options = Weak(2);
        ExpectPass(options, ChannelScenarios.CompletionAfterTheLastReceive);
        Caught(options, ChannelScenarios.CompletionAfterTheLastReceive,
            Site("Mpsc/BoundedChannelCore.cs", "private void AfterPop()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed"), FailureKind.Exception);
        Caught(options, ChannelScenarios.CompletionAfterTheLastReceive,
            Site("Mpsc/SenderWaiterList.cs", "public void NotifyAll()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed"), FailureKind.Exception);
        var both = Site("Mpsc/BoundedChannelCore.cs", "private void AfterPop()", "if (_closing.Load(MemoryOrder.Acquire) != 0 && _ring.IsDrained())", "Relaxed") + ";" +
                   Site("Mpsc/BoundedChannelCore.cs", "public bool Close(Exception? error)", "_closing.Store(1, MemoryOrder.Release);", "Relaxed");
        var relaxed = ExpectPass(options with { Weaken = both }, ChannelScenarios.CompletionAfterTheLastReceive);
        Assert.True(relaxed.WeakenedOperations > 0, "the weakened operations never ran");
    }
}
