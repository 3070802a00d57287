using System;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic;

/// <summary>
/// Base for systematic tests: runs the checker with its log going to the test output, and asserts
/// that a passing exploration actually explored something and that a failure replays.
/// </summary>
public abstract class CheckerTest
{
    protected CheckerTest(ITestOutputHelper output) => Output = output;

    protected ITestOutputHelper Output { get; }

    /// <summary>Options with the log wired to the test output.</summary>
    protected CheckerOptions Options(CheckerOptions? options = null) =>
        (options ?? CheckerOptions.Default) with { Log = Output.WriteLine };

    /// <summary>Explores and requires every execution to pass and the space within the bounds to be exhausted.</summary>
    protected ExplorationResult ExpectPass(CheckerOptions options, Action body, bool requireExhaustive = true)
    {
        var result = Checker.Run(Options(options), body);
        if (result.Failure is not null)
            Assert.Fail("Expected every execution to pass, but:\n" + result.Failure.Report);
        Assert.True(result.Executions > 0, "The exploration ran no execution: a pass with nothing explored is a failure.");
        Assert.True(result.CompletedExecutions > 0, "No execution ran to completion.");
        if (requireExhaustive)
            Assert.True(result.Exhaustive, "The exploration stopped before exhausting its bounds: " + result.Summary);
        return result;
    }

    /// <summary>
    /// Explores and requires a failure of <paramref name="kind"/>; prints the report; replays the
    /// printed schedule and requires the same failure and the same interleaving.
    /// </summary>
    protected CheckFailure ExpectFailure(CheckerOptions options, Action body, FailureKind kind)
    {
        var result = Checker.Run(Options(options), body);
        Assert.True(result.Failure is not null, "Expected the checker to find a " + kind + ", but every execution passed: " + result.Summary);
        var failure = result.Failure!;
        Output.WriteLine(failure.Report);
        Assert.Equal(kind, failure.Kind);
        Assert.StartsWith("v1:", failure.Schedule, StringComparison.Ordinal);

        var replay = Checker.Replay(failure.Schedule, options with { Log = null }, body);
        Assert.True(replay.Failure is not null, "Replaying the printed schedule did not reproduce the failure.");
        Assert.Equal(kind, replay.Failure!.Kind);
        Assert.Equal(Interleaving(failure.Report), Interleaving(replay.Failure.Report));
        return failure;
    }

    private static string Interleaving(string report)
    {
        var start = report.IndexOf("Interleaving", StringComparison.Ordinal);
        var end = report.IndexOf("Replay:", StringComparison.Ordinal);
        return start >= 0 && end > start ? report[start..end] : report;
    }
}
