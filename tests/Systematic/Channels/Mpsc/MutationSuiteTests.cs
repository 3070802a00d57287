using Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Channels.Mpsc;

/// <summary>
/// The fast subset of the channel scenarios (small bounds, a few seconds in all) that Stryker's second stage
/// runs against each surviving mutant of the checked build (<c>./verify.sh --mutation</c>, mutation/README.md).
/// The same scenarios run at larger bounds in the other classes.
/// </summary>
[Trait("Category", "Mutation")]
public sealed class MutationSuiteTests : CheckerTest
{
    private static readonly CheckerOptions B1 = CheckerOptions.Default with { PreemptionBound = 1, Reduction = Reduction.SleepSets, Name = "mutation" };

    public MutationSuiteTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public void Ring() => ExpectPass(B1, () =>
    {
        RingScenarios.PushPop(2, 2, 1, closeAfter: -1);
    });

    [Fact]
    public void Ring_close() => ExpectPass(B1, () => RingScenarios.PushPop(2, 2, 2, closeAfter: 1));

    [Fact]
    public void Ring_capacity() => ExpectPass(B1, () => RingScenarios.FillWithoutConsumer(2, 2, 3));

    [Fact]
    public void Waker() => ExpectPass(B1 with { PreemptionBound = 2 }, () => WakerScenarios.Sink(2, 3));

    // The waker's waiter-switching paths (Register with another waiter while a notifier may hold the lock, the
    // holder's re-lock): the slot hand-off, checked as data races on the two slots. Added after the waker's
    // mutation run left twelve survivors there (docs/evidence/mutation-2026-11-21-waker.md).
    [Fact]
    public void Waker_switching_waiters() => ExpectPass(B1 with { PreemptionBound = 3 }, () => WakerScenarios.SinkSwitchingWaiters(2, 3));

    // Waiting on A, B, then A again: the same-waiter fast path must compare with the slot a notifier will read
    // (slot[I], or the other one while U is set), not with a stale copy of A in the other slot.
    [Fact]
    public void Waker_returning_to_an_earlier_waiter() => ExpectPass(B1, () => WakerScenarios.Sink(3, 2));

    // Three notifies while the sink waits on three waiters in turn: a lock holder asked to wake again (N) while
    // the sink withdraws and re-registers. Catches a re-lock that takes a failed CAS for a success (it wakes
    // a slot the sink may be writing: a data race, found at bound 3 in about 9,000 executions); 50,000 executions.
    [Fact]
    public void Waker_waking_again_while_the_sink_switches_waiters() => ExpectPass(B1 with { PreemptionBound = 3 }, () => WakerScenarios.Sink(3, 3));

    [Fact]
    public void One_item_race() => ExpectPass(B1 with { PreemptionBound = 2 }, ChannelScenarios.OneItemRace);

    [Fact]
    public void Async_close_by_receiver() => ExpectPass(B1, () => ChannelScenarios.AsyncSendersAndReceiver(2, 1, 1, Closer.Receiver));

    [Fact]
    public void Async_close_by_sender() => ExpectPass(B1, () => ChannelScenarios.AsyncSendersAndReceiver(2, 1, 1, Closer.Sender));

    [Fact]
    public void Cancellation_and_timeout() => ExpectPass(B1 with { PreemptionBound = 0 }, () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Cancel, SendMode.Plain, SendMode.Timeout }));

    [Fact]
    public void Blocking() => ExpectPass(B1, () => ChannelScenarios.BlockingSendersAndReceiver(2, 1, 1));

    [Fact]
    public void Receive_timeout_and_cancellation() => ExpectPass(B1 with { PreemptionBound = 0 }, ChannelScenarios.ReceivesWithTimeoutAndCancellation);

    [Fact]
    public void Completion() => ExpectPass(B1, ChannelScenarios.CompletionRacesTheDrain);

    [Fact]
    public void Adapters() => ExpectPass(B1, ChannelScenarios.AdapterWaitLoops);

    // PCT (random priorities, two change points) reaches the deeper windows a preemption bound of 1 misses, in a
    // few thousand executions: a notification dropped or not forwarded by the sender's retry loop (the
    // CancelDropsNotification twin is found this way), a blocked sender whose signal arrives while it runs.
    private static readonly CheckerOptions Pct = CheckerOptions.Default with { Strategy = ExplorationStrategy.Pct, PctDepth = 3, Seed = 1, Iterations = 3000, Name = "mutation/pct" };

    [Fact]
    public void Cancellation_under_random_priorities() =>
        ExpectPass(Pct, () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Cancel, SendMode.Plain, SendMode.Plain }), requireExhaustive: false);

    [Fact]
    public void Blocking_under_random_priorities() =>
        ExpectPass(Pct, () => ChannelScenarios.BlockingSendersAndReceiver(3, 1, 1), requireExhaustive: false);

    [Fact]
    public void Async_senders_under_random_priorities() =>
        ExpectPass(Pct, () => ChannelScenarios.AsyncSendersAndReceiver(3, 1, 1, Closer.Sender), requireExhaustive: false);

    // The two weak-memory checks that catch the library's SeqCst fences in the ordering analysis
    // (docs/orderings.md): the sender's and the receiver's Dekker fences (sampled), and the close's fence.
    [Fact]
    public void Timeout_send_under_weak_memory() =>
        ExpectPass(CheckerOptions.WeakMemory with { Strategy = ExplorationStrategy.Random, Iterations = 10_000, Seed = 1, Reduction = Reduction.None, Name = "mutation/weak random" },
            () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Plain, SendMode.Timeout }), requireExhaustive: false);

    [Fact]
    public void Close_while_a_sender_waits_under_weak_memory() =>
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = 0, IterativeBounding = false, Name = "mutation/weak" }, ChannelScenarios.CloseWhileASenderWaits);

    [Fact]
    public void Re_registering_receiver_under_weak_memory() =>
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = 1, Name = "mutation/weak" }, ChannelScenarios.ReRegisteringReceiver);
}
