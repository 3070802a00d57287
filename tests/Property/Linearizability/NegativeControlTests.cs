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

    private static readonly ModelOptions Model = new();

    private ScenarioFailure CaughtInModel(ReferenceBug bug, int seed = 11)
    {
        var subject = ReferenceChannel.Subject(bug);
        var options = Suite(scenarios: 200, seed);
        var failure = ExpectFailure(LinearizabilitySuite.RunModel(subject, options, Model), ScenarioFailureKind.NotLinearizable);
        ExpectReplay(subject, failure, options, Model);
        return failure;
    }

    private ScenarioFailure CaughtInStress(ReferenceBug bug, int seed = 11) =>
        ExpectFailure(LinearizabilitySuite.RunStress(ReferenceChannel.Subject(bug), Suite(scenarios: 400, seed), new StressOptions { Repetitions = 30 }),
            ScenarioFailureKind.NotLinearizable);

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
