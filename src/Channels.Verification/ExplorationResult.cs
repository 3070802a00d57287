using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sluice.Verification;

/// <summary>The outcome of an exploration: how much was explored, how fast, and the failure if any.</summary>
public sealed class ExplorationResult
{
    internal ExplorationResult(long executions, long completed, long pruned, bool exhaustive, TimeSpan elapsed, int maxSteps,
        CheckFailure? failure, IReadOnlyList<long> perBound, string strategy)
    {
        Executions = executions;
        CompletedExecutions = completed;
        PrunedExecutions = pruned;
        Exhaustive = exhaustive;
        Elapsed = elapsed;
        MaxSteps = maxSteps;
        Failure = failure;
        ExecutionsPerBound = perBound;
        Strategy = strategy;
    }

    /// <summary>Executions run (completed + pruned + the failing one).</summary>
    public long Executions { get; }

    /// <summary>Executions that ran to the end and passed every check.</summary>
    public long CompletedExecutions { get; }

    /// <summary>Executions cut short by partial-order reduction (equivalent to one already explored).</summary>
    public long PrunedExecutions { get; }

    /// <summary>True when every schedule within the bounds was explored (exhaustive strategy, no failure, no budget hit).</summary>
    public bool Exhaustive { get; }

    /// <summary>Wall time of the exploration (minimisation and report included).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Executions per second.</summary>
    public double ExecutionsPerSecond => Elapsed.TotalSeconds > 0 ? Executions / Elapsed.TotalSeconds : Executions;

    /// <summary>The most scheduling points any execution needed.</summary>
    public int MaxSteps { get; }

    /// <summary>The failure, or null if every execution passed.</summary>
    public CheckFailure? Failure { get; }

    /// <summary>For iterative bounding: executions explored at preemption bound 0, 1, ….</summary>
    public IReadOnlyList<long> ExecutionsPerBound { get; }

    /// <summary>How many operations had their ordering weakened by <see cref="CheckerOptions.Weaken"/> (0 without overrides).</summary>
    public int WeakenedOperations { get; init; }

    /// <summary>The strategy and model, in words.</summary>
    public string Strategy { get; }

    /// <summary>One line: what was explored and how it ended.</summary>
    public string Summary
    {
        get
        {
            var perBound = ExecutionsPerBound.Count > 0
                ? " [" + string.Join(", ", ExecutionsPerBound.Select((n, b) => $"bound {b}: {n}")) + "]"
                : "";
            var outcome = Failure is not null ? $"FAILED ({Failure.Kind}) in execution {Failure.ExecutionNumber}"
                : Exhaustive ? "passed, space exhausted"
                : "passed, budget reached before the space was exhausted";
            return string.Create(CultureInfo.InvariantCulture,
                $"[checker] {Strategy}: {Executions} executions ({CompletedExecutions} complete, {PrunedExecutions} pruned){perBound}, " +
                $"{outcome}, {Elapsed.TotalSeconds:0.000} s ({ExecutionsPerSecond:0} exec/s), max {MaxSteps} steps");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Summary;
}
