using System;
using Sluice.Sync;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.SelfTests;

/// <summary>Replay is deterministic; the randomized strategies find bugs too.</summary>
public sealed class ReplayAndStrategyTests : CheckerTest
{
    public ReplayAndStrategyTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private static void LostUpdate()
    {
        var counter = new AtomicInt64(0);
        void Increment()
        {
            var v = counter.Load(MemoryOrder.Relaxed);
            counter.Store(v + 1, MemoryOrder.Relaxed);
        }

        var a = ModelThread.Spawn(Increment);
        var b = ModelThread.Spawn(Increment);
        var c = ModelThread.Spawn(Increment);
        a.Join();
        b.Join();
        c.Join();
        Assert.Equal(3, counter.Load(MemoryOrder.Relaxed));
    }

    [Fact]
    public void Replaying_a_printed_schedule_reproduces_the_identical_report()
    {
        var failure = ExpectFailure(CheckerOptions.Default, LostUpdate, FailureKind.Exception);
        var again = Checker.Replay(failure.Schedule, CheckerOptions.Default, LostUpdate).Failure!;
        var third = Checker.Replay(failure.Schedule, CheckerOptions.Default, LostUpdate).Failure!;
        Assert.Equal(again.Schedule, third.Schedule);
        Assert.Equal(Strip(again.Report), Strip(third.Report));
        Assert.Equal(failure.Schedule, again.Schedule);
    }

    private static string Strip(string report) => report[report.IndexOf("Interleaving", StringComparison.Ordinal)..];

    [Fact]
    public void A_malformed_schedule_is_rejected_with_a_clear_message()
    {
        var ex = Assert.Throws<FormatException>(() => Checker.Replay("0.1.2", CheckerOptions.Default, LostUpdate));
        Assert.Contains("v1:", ex.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Checker.Replay("v1:0.x7", CheckerOptions.Default, LostUpdate));
    }

    [Fact]
    public void Replaying_a_schedule_against_different_code_reports_nondeterminism()
    {
        var failure = ExpectFailure(CheckerOptions.Default, LostUpdate, FailureKind.Exception);
        var other = Checker.Replay(failure.Schedule, CheckerOptions.Default, () =>
        {
            var x = new AtomicInt64(0);
            var a = ModelThread.Spawn(() => x.Store(1, MemoryOrder.Relaxed));
            a.Join();
        });
        Assert.NotNull(other.Failure);
        Assert.Equal(FailureKind.Nondeterminism, other.Failure!.Kind);
        Output.WriteLine(other.Failure.Report);
    }

    [Fact]
    public void Random_strategy_finds_the_lost_update() =>
        ExpectFailure(CheckerOptions.Default with { Strategy = ExplorationStrategy.Random, Iterations = 500, Seed = 7 }, LostUpdate, FailureKind.Exception);

    [Fact]
    public void Pct_strategy_finds_the_lost_update() =>
        ExpectFailure(CheckerOptions.Default with { Strategy = ExplorationStrategy.Pct, Iterations = 500, PctDepth = 2, Seed = 7 }, LostUpdate, FailureKind.Exception);

    [Fact]
    public void Randomized_strategies_pass_a_correct_program_and_report_iterations()
    {
        void Correct()
        {
            var counter = new AtomicInt64(0);
            var a = ModelThread.Spawn(() => counter.FetchAdd(1, MemoryOrder.Relaxed));
            var b = ModelThread.Spawn(() => counter.FetchAdd(1, MemoryOrder.Relaxed));
            a.Join();
            b.Join();
            Assert.Equal(2, counter.Load(MemoryOrder.Relaxed));
        }

        var random = ExpectPass(CheckerOptions.Default with { Strategy = ExplorationStrategy.Random, Iterations = 100 }, Correct, requireExhaustive: false);
        Assert.Equal(100, random.Executions);
        var pct = ExpectPass(CheckerOptions.Default with { Strategy = ExplorationStrategy.Pct, Iterations = 100 }, Correct, requireExhaustive: false);
        Assert.Equal(100, pct.Executions);
    }

    [Fact]
    public void Budgets_stop_the_exploration_and_say_so()
    {
        var result = Checker.Run(Options(CheckerOptions.Default with { PreemptionBound = null, MaxExecutions = 5 }), () =>
        {
            var x = new AtomicInt64(0);
            var a = ModelThread.Spawn(() => { x.Store(1, MemoryOrder.Relaxed); x.Store(2, MemoryOrder.Relaxed); });
            var b = ModelThread.Spawn(() => { x.Store(3, MemoryOrder.Relaxed); x.Store(4, MemoryOrder.Relaxed); });
            a.Join();
            b.Join();
        });
        Assert.Null(result.Failure);
        Assert.Equal(5, result.Executions);
        Assert.False(result.Exhaustive);
        Assert.Contains("budget reached", result.Summary, StringComparison.Ordinal);
    }
}
