using Sluice.Tests.Property.Controls;
using Sluice.Verification.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Property.Linearizability;

/// <summary>
/// The negative controls: deliberately broken channels written against the shim. The suite must FAIL on
/// each, in both modes, with a minimised scenario; model-mode failures must replay from their schedule.
/// </summary>
public sealed class NegativeControlTests : SuiteTest
{
    public NegativeControlTests(ITestOutputHelper output)
        : base(output)
    {
    }

    // Every control is caught in model mode with every generator seed from 1 to 12 (a sweep run while
    // writing this suite: within 1–22 scenarios); seed 7 is simply one of the cheaper ones.
    private static readonly ModelOptions Model = new() { Checker = Sluice.Verification.CheckerOptions.Default with { PreemptionBound = 1, MaxExecutions = 1_000 } };

    private ScenarioFailure CaughtInModel(ReferenceBug bug, int seed = 7)
    {
        var subject = ReferenceChannel.Subject(bug);
        var options = Suite(scenarios: 200, seed) with { MinimizeBudget = System.TimeSpan.FromSeconds(15) };
        var failure = ExpectFailure(LinearizabilitySuite.RunModel(subject, options, Model), ScenarioFailureKind.NotLinearizable);
        ExpectReplay(subject, failure, options, Model);
        return failure;
    }

    private ScenarioFailure CaughtInStress(ReferenceBug bug, int seed = 7) =>
        ExpectFailure(LinearizabilitySuite.RunStress(ReferenceChannel.Subject(bug), Suite(scenarios: 400, seed) with { MinimizeBudget = System.TimeSpan.FromSeconds(10) },
            new StressOptions { Repetitions = 30, MinimizationRepetitions = 100 }), ScenarioFailureKind.NotLinearizable);

    [Fact]
    public void A_queue_that_occasionally_reorders_two_items_is_caught_in_model_mode() => CaughtInModel(ReferenceBug.ReorderUnderContention);

    [Fact]
    public void A_queue_that_occasionally_reorders_two_items_is_caught_in_stress_mode() => CaughtInStress(ReferenceBug.ReorderUnderContention);

    [Fact]
    public void TryReceive_saying_Empty_while_an_item_is_committed_is_caught_in_model_mode() => CaughtInModel(ReferenceBug.EmptyWhileCommitted);

    [Fact]
    public void TryReceive_saying_Empty_while_an_item_is_committed_is_caught_in_stress_mode() => CaughtInStress(ReferenceBug.EmptyWhileCommitted);

    [Fact]
    public void A_channel_admitting_capacity_plus_one_items_is_caught_in_model_mode() => CaughtInModel(ReferenceBug.AdmitsCapacityPlusOne);

    [Fact]
    public void A_channel_admitting_capacity_plus_one_items_is_caught_in_stress_mode() => CaughtInStress(ReferenceBug.AdmitsCapacityPlusOne);

    [Fact]
    public void A_cancelled_receive_that_consumes_an_item_is_caught_in_model_mode() => CaughtInModel(ReferenceBug.CancelledReceiveConsumes);

    [Fact]
    public void A_cancelled_receive_that_consumes_an_item_is_caught_in_stress_mode() => CaughtInStress(ReferenceBug.CancelledReceiveConsumes);
}
