using System;

namespace Sluice.Verification.Linearizability;

/// <summary>Stress mode: real threads, many repetitions of each scenario.</summary>
public sealed record StressOptions
{
    /// <summary>Executions of each scenario. Default 50.</summary>
    public int Repetitions { get; init; } = 50;

    /// <summary>
    /// When no operation of the parallel part has returned for this long and some are still running, the
    /// harness closes the channel to release operations that are presumably blocked. Not an oracle: closing
    /// is linearizable at any moment, so a thread that was merely slow only sees Closed sooner. Default 3 ms.
    /// </summary>
    public TimeSpan QuiescenceGrace { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>
    /// Executions of each smaller scenario tried during minimisation (a race that showed up once in
    /// <see cref="Repetitions"/> needs more tries to show up again). Default 150.
    /// </summary>
    public int MinimizationRepetitions { get; init; } = 150;

    /// <summary>How long after that close an operation may take to return before the run is reported as hung. Default 10 s.</summary>
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>Model mode: each scenario explored by the checker.</summary>
public sealed record ModelOptions
{
    /// <summary>
    /// The exploration of each scenario. Default: exhaustive, preemption bound 2 (iterative), sequentially
    /// consistent, at most 3,000 executions per scenario.
    /// </summary>
    public CheckerOptions Checker { get; init; } = CheckerOptions.Default with { MaxExecutions = 3_000, ExecutionTimeout = TimeSpan.FromSeconds(20) };

    /// <summary>
    /// Executions explored for each smaller scenario tried during minimisation (a candidate that does not
    /// fail costs the whole budget; failures are usually found within the first few hundred). Default 1,000.
    /// </summary>
    public long MinimizationMaxExecutions { get; init; } = 1_000;
}

/// <summary>What a suite run generates, how it checks, and how long it may take.</summary>
public sealed record SuiteOptions
{
    /// <summary>The scenario generator's options.</summary>
    public ScenarioGeneratorOptions Scenarios { get; init; } = ScenarioGeneratorOptions.Default;

    /// <summary>How many scenarios. Default 50.</summary>
    public int ScenarioCount { get; init; } = 50;

    /// <summary>Seed of the scenario generator (printed with a failure). Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Stop starting new scenarios after this much time (the summary says how many ran). Default none.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Budgets of each history check.</summary>
    public LinearizabilityOptions Check { get; init; } = new() { TimeBudget = TimeSpan.FromSeconds(2) };

    /// <summary>Minimise a failing scenario (drop threads, then operations, while it still fails). Default true.</summary>
    public bool Minimize { get; init; } = true;

    /// <summary>Time allowed for minimisation. Default 90 s.</summary>
    public TimeSpan MinimizeBudget { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Progress and summary lines (for example xunit's ITestOutputHelper.WriteLine).</summary>
    public Action<string>? Log { get; init; }
}
