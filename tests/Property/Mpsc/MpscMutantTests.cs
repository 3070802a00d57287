using System;
using Sluice.Verification;
using Sluice.Verification.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Property.Mpsc;

/// <summary>
/// The suite has teeth against the real channel, not only against the controls: orderings of the MPSC
/// channel changed through the checker's ordering overrides (no rebuild).
/// </summary>
public sealed class MpscMutantTests : SuiteTest
{
    public MpscMutantTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private static readonly ChannelScenario ReRegisteringReceiver = new(1, Array.Empty<ChannelOp>(),
        new[] { new[] { ChannelOp.ReceiveAsync(), ChannelOp.ReceiveAsync() }, new[] { ChannelOp.Send(7, TimeSpan.Zero) } },
        Array.Empty<ChannelOp>());

    private static ModelOptions Weak(string? overrides, long executions, int bound = 1) => new()
    {
        Checker = CheckerOptions.WeakMemory with { PreemptionBound = bound, MaxExecutions = executions, Weaken = overrides },
    };

    /// <summary>
    /// A regression for a finding of this suite (now fixed in ReceiverWaker.Register): a receiver that
    /// completes a receive and waits again re-registers with one RMW; if that RMW is only Acquire, its
    /// waiter's state for the new wait is written without a release a notifier could acquire. A notifier
    /// (here the close that must release the second receive) locks the waker, reads the waiter's state
    /// with a relaxed load, may read the previous use's Idle, and skips the wake-up: the receive never
    /// returns (a deadlock). On .NET's hardware mapping every RMW is a full fence, which hides it; the
    /// model does not. The shipped AcqRel passes (exhaustively at preemption bound 1); the Acquire-only mutant
    /// is caught at bound 2 (since the notifier's fence, 2026-11-21: at bound 1 this harness no longer reaches
    /// it, while the systematic scenario OrderingWeakeningTests.A_re_registering_receiver_needs_the_release_half_of_the_same_waiter_RMW
    /// still does; about 13,000 executions, 4 s).
    /// </summary>
    [Fact]
    public void Under_weak_memory_a_re_registering_receiver_misses_its_wake_up_unless_the_RMW_is_AcqRel()
    {
        var options = Suite(1) with { Minimize = false };
        var shipped = ExpectPass(LinearizabilitySuite.RunModel(MpscSubjects.Checked, new[] { ReRegisteringReceiver }, options, Weak(null, 20_000)));
        Assert.Equal(1, shipped.Exhausted);

        Output.WriteLine("mutant: " + SourceSites.ReceiverWakerAcquireOnly);
        var mutant = LinearizabilitySuite.RunModel(MpscSubjects.Checked, new[] { ReRegisteringReceiver }, options, Weak(SourceSites.ReceiverWakerAcquireOnly, 20_000, bound: 2));
        var failure = ExpectFailure(mutant, ScenarioFailureKind.CheckerFailure);
        Assert.Equal(FailureKind.Deadlock, failure.CheckerFailure!.Kind);
        Assert.Contains(failure.Execution.Operations, o => o.BlockedAtQuiescence && o.Op.Kind == ChannelOpKind.ReceiveAsync);
        ExpectReplay(MpscSubjects.Checked, failure, options, Weak(SourceSites.ReceiverWakerAcquireOnly, 20_000, bound: 2));
    }

    /// <summary>
    /// Removing the SeqCst fence at the top of AfterPop (the Dekker pair with a
    /// blocked sender and with close) is caught by the CI weak-memory run.
    /// </summary>
    [Fact]
    public void Removing_the_fence_after_a_pop_is_caught_under_the_weak_memory_model()
    {
        var mutant = SourceSites.AfterPopFenceRemoved;
        Output.WriteLine("mutant: " + mutant);
        var result = LinearizabilitySuite.RunModel(MpscSubjects.Checked, Suite(20, seed: 13) with { Minimize = false }, Weak(mutant, 2_000));
        ExpectFailure(result, ScenarioFailureKind.NotLinearizable);
    }
}
