using System;
using Sluice.Verification.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Property;

/// <summary>
/// Base for suite tests: the house rules. A pass must have run scenarios and executions (and says how many);
/// an expected failure must be found, is printed, and in model mode must replay from its schedule.
/// </summary>
public abstract class SuiteTest
{
    protected SuiteTest(ITestOutputHelper output) => Output = output;

    protected ITestOutputHelper Output { get; }

    /// <summary>Deeper settings when SLUICE_DEEP=1 (./verify.sh --deep).</summary>
    protected static bool Deep => Environment.GetEnvironmentVariable("SLUICE_DEEP") == "1";

    protected SuiteOptions Suite(int scenarios, int seed = 1, ScenarioGeneratorOptions? generator = null) => new()
    {
        ScenarioCount = scenarios,
        Seed = seed,
        Scenarios = generator ?? ScenarioGeneratorOptions.Default,
        Log = Output.WriteLine,
    };

    protected SuiteResult ExpectPass(SuiteResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Failure is not null)
            Assert.Fail("Expected every history to be linearizable, but:\n" + result.Failure.Report);
        Assert.True(result.Scenarios > 0, "No scenario ran: a pass with nothing run is a failure.");
        Assert.True(result.Executions >= result.Scenarios, "Fewer executions than scenarios.");
        return result;
    }

    protected ScenarioFailure ExpectFailure(SuiteResult result, ScenarioFailureKind kind)
    {
        ArgumentNullException.ThrowIfNull(result);
        Assert.True(result.Failure is not null, "Expected the suite to fail, but every history was linearizable: " + result.Summary);
        var failure = result.Failure!;
        Output.WriteLine(failure.Report);
        Assert.Equal(kind, failure.Kind);
        Assert.True(failure.Scenario.OperationCount <= failure.Original.OperationCount);
        return failure;
    }

    /// <summary>A model-mode failure must replay from the schedule in its report.</summary>
    protected void ExpectReplay(ChannelSubject subject, ScenarioFailure failure, SuiteOptions options, ModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Assert.NotNull(failure.CheckerFailure);
        var replayed = LinearizabilitySuite.ReplayModel(subject, failure.Scenario, failure.CheckerFailure!.Schedule, options with { Log = null }, model);
        Assert.True(replayed is not null, "Replaying the printed schedule did not reproduce the failure.");
        Assert.Equal(failure.Kind, replayed!.Kind);
    }
}
