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

    /// <summary>
    /// The closer's fence between setting CLOSED and reading the sender list: without it a close with nobody
    /// receiving misses a sender that has just listed itself, and nobody else wakes it. Close issues two such
    /// fences, the waker's Notify's and then NotifyAll's own; either one is enough (each alone weakened passes:
    /// the evidence for NotifyAll's [weaker is correct] argument in tools/OrderingAnalysis/justifications.txt),
    /// and removing both is caught.
    /// </summary>
    [Fact]
    public void A_close_with_nobody_receiving_needs_a_fence_before_the_sender_list_check()
    {
        var options = Weak(0);
        ExpectPass(options, ChannelScenarios.CloseWhileASenderWaits);
        var notifyAllFence = Site("Mpsc/SenderWaiterList.cs", "public void NotifyAll()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed");
        var notifyFence = Site("Mpsc/ReceiverWaker.cs", "public void Notify()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed");
        Assert.True(ExpectPass(options with { Weaken = notifyAllFence }, ChannelScenarios.CloseWhileASenderWaits).WeakenedOperations > 0, "NotifyAll's fence never ran");
        Assert.True(ExpectPass(options with { Weaken = notifyFence }, ChannelScenarios.CloseWhileASenderWaits).WeakenedOperations > 0, "Notify's fence never ran");
        Caught(options, ChannelScenarios.CloseWhileASenderWaits, notifyAllFence + ";" + notifyFence, FailureKind.Deadlock);
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
    /// The locking notifier's CAS in ReceiverWaker.Notify is Acquire: it reads the waiter the sink published
    /// (Register's AcqRel RMW) in the slot it is about to wake. Relaxed, the slot read races with the sink's
    /// write. (It was AcqRel until the notifier's fence arrived: its Release half carried the push to a
    /// registration made while the lock was held, which the fence pair now does; with the fence, weakening it
    /// to Acquire passed this scenario, which is why it is Acquire now.)
    /// </summary>
    [Fact]
    public void The_locking_notify_needs_acquire_to_read_the_published_waiter()
    {
        var options = Weak(2);
        ExpectPass(options, ChannelScenarios.BlockingReceiveThenAsync);
        Caught(options, ChannelScenarios.BlockingReceiveThenAsync,
            Site("Mpsc/ReceiverWaker.cs", "public void Notify()", "var observed = _state.CompareExchange(s, n, MemoryOrder.Acquire, MemoryOrder.Relaxed);", "Relaxed"), FailureKind.DataRace);
    }

    /// <summary>
    /// The waker's store-buffering pair: the SeqCst fence in Notify (between the notifier's write and its read
    /// of the state; with nobody registered that read is all a notify does) and the one after each of
    /// Register's publications (before the sink's re-check). Without any one of them the notifier can read R
    /// clear while the sink's re-check misses the notifier's token: the sink parks with a token waiting and
    /// nobody left to wake it. Two notifiers and one waiter: the second registration takes the same-waiter
    /// fast path, so both of Register's fences are reached.
    /// </summary>
    [Fact]
    public void A_notify_that_finds_nobody_registered_needs_the_fences_in_Notify_and_Register()
    {
        var options = Weak(2);
        Action body = () => WakerScenarios.Sink(2, 1);
        ExpectPass(options, body);
        Caught(options, body, Site("Mpsc/ReceiverWaker.cs", "public void Notify()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed"), FailureKind.Deadlock);
        Caught(options, body, Site("Mpsc/ReceiverWaker.cs", "// The same waiter is already stored", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed"), FailureKind.Deadlock);
        Caught(options, body, Site("Mpsc/ReceiverWaker.cs", "_state.FetchOr(Update | Registered, MemoryOrder.AcqRel);", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed"), FailureKind.Deadlock);
    }

    /// <summary>
    /// The Release half of Register's same-waiter RMW, which the fences do not replace: a notifier whose fence
    /// preceded the registration can still find R set afterwards, lock, and read the waiter's state for this
    /// wait; only the RMW's release (acquired by the lock CAS) makes that read see Running, not the previous
    /// use's Idle. Acquire-only, the notifier skips the wake and the close that follows finds R consumed.
    /// (The same bug as the broken twin WakerFastPathAcquireOnly, here as a one-site weakening of the real code.)
    /// </summary>
    [Fact]
    public void A_re_registering_receiver_needs_the_release_half_of_the_same_waiter_RMW()
    {
        var options = CheckerOptions.WeakMemory with { PreemptionBound = 1, Name = "ordering" };
        ExpectPass(options, ChannelScenarios.ReRegisteringReceiver);
        Caught(options, ChannelScenarios.ReRegisteringReceiver,
            Site("Mpsc/ReceiverWaker.cs", "// The same waiter is already stored", "_state.FetchOr(Registered, MemoryOrder.AcqRel);", "Acquire"), FailureKind.Deadlock);
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
    /// The drain check after the last pop: removing the consumer's SeqCst fence (AfterPop's) or the closer's (Close
    /// issues two, Notify's and NotifyAll's; removing both) leaves the Completion task incomplete. Relaxing the release/acquire pair on <c>_closing</c> (both halves at
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
            Site("Mpsc/SenderWaiterList.cs", "public void NotifyAll()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed") + ";" +
            Site("Mpsc/ReceiverWaker.cs", "public void Notify()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed"), FailureKind.Exception);
        var both = Site("Mpsc/BoundedChannelCore.cs", "private void AfterPop()", "if (_closing.Load(MemoryOrder.Acquire) != 0 && _ring.IsDrained())", "Relaxed") + ";" +
                   Site("Mpsc/BoundedChannelCore.cs", "public bool Close(Exception? error)", "_closing.Store(1, MemoryOrder.Release);", "Relaxed");
        var relaxed = ExpectPass(options with { Weaken = both }, ChannelScenarios.CompletionAfterTheLastReceive);
        Assert.True(relaxed.WeakenedOperations > 0, "the weakened operations never ran");
    }
}
