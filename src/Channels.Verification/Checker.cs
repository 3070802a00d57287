using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Sluice.Verification.Runtime;
using Sluice.Verification.Scheduling;

namespace Sluice.Verification;

/// <summary>
/// The systematic concurrency checker: runs a test body again and again under a controlled scheduler
/// (and, optionally, a weak memory model), exploring interleavings of the shim operations of the
/// threads it spawns, until every schedule within the bounds was explored or a failure was found.
/// </summary>
/// <example>
/// <code>
/// var result = Checker.Explore(CheckerOptions.Default with { Log = output.WriteLine }, () =>
/// {
///     var x = new AtomicInt64(0);
///     var t1 = ModelThread.Spawn(() => x.FetchAdd(1, MemoryOrder.Relaxed));
///     var t2 = ModelThread.Spawn(() => x.FetchAdd(1, MemoryOrder.Relaxed));
///     t1.Join(); t2.Join();
///     Assert.Equal(2, x.Load(MemoryOrder.Relaxed));
/// });
/// </code>
/// </example>
public static class Checker
{
    /// <summary>
    /// Explores <paramref name="body"/> (the main thread of each execution) and throws
    /// <see cref="CheckFailedException"/> with the full report if an execution fails.
    /// </summary>
    /// <param name="options">Strategy, bounds, memory model, logging.</param>
    /// <param name="body">The test: creates the objects, spawns threads with <see cref="ModelThread"/>, joins them, asserts.</param>
    /// <returns>How many executions were explored, and whether the space was exhausted.</returns>
    /// <exception cref="CheckFailedException">An execution failed; the message is the report.</exception>
    public static ExplorationResult Explore(CheckerOptions options, Action body)
    {
        var result = Run(options, body);
        if (result.Failure is not null)
            throw new CheckFailedException(result.Failure);
        return result;
    }

    /// <summary>Like <see cref="Explore(CheckerOptions, Action)"/> with an asynchronous main body (awaits inside are controlled).</summary>
    /// <param name="options">Strategy, bounds, memory model, logging.</param>
    /// <param name="body">The asynchronous test body.</param>
    /// <returns>The exploration result.</returns>
    public static ExplorationResult Explore(CheckerOptions options, Func<Task> body) => Explore(options, AsyncMain(body));

    /// <summary>
    /// Explores <paramref name="body"/> and returns the result, with <see cref="ExplorationResult.Failure"/>
    /// set instead of throwing (for tests that expect a failure).
    /// </summary>
    /// <param name="options">Strategy, bounds, memory model, logging.</param>
    /// <param name="body">The test body.</param>
    /// <returns>The exploration result.</returns>
    public static ExplorationResult Run(CheckerOptions options, Action body)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(body);
        options.Validate();
        if (ModelContext.Current is not null)
            throw new InvalidOperationException("Checker.Explore cannot be called from inside an exploration.");

        var strategy = CreateStrategy(options);
        var overrides = OrderingOverrides.Parse(options.Weaken);
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        long executions = 0, completed = 0, pruned = 0;
        var maxSteps = 0;
        var stoppedByBudget = false;
        CheckFailure? failure = null;

        while (true)
        {
            if (options.MaxExecutions is long cap && executions >= cap)
            {
                stoppedByBudget = true;
                break;
            }

            if (options.TimeBudget is TimeSpan budget && clock.Elapsed >= budget)
            {
                stoppedByBudget = true;
                break;
            }

            if (!strategy.BeginExecution())
                break;
            executions++;
            var execution = new Execution(options, strategy, executions) { Overrides = overrides };
            execution.Run(body);
            maxSteps = Math.Max(maxSteps, execution.Step);

            if (execution.Failure is not null)
            {
                failure = Describe(execution, options, body, executions, clock.Elapsed, strategy, overrides);
                break;
            }

            if (execution.Pruned)
                pruned++;
            else
                completed++;

            if (options.Log is { } log && clock.Elapsed - lastProgress >= options.ProgressInterval)
            {
                lastProgress = clock.Elapsed;
                log(string.Create(CultureInfo.InvariantCulture,
                    $"[checker{(options.Name is null ? "" : " " + options.Name)}] {executions} executions, {clock.Elapsed.TotalSeconds:0.0} s, {executions / clock.Elapsed.TotalSeconds:0} exec/s{BoundProgress(strategy)}"));
            }
        }

        clock.Stop();
        var result = new ExplorationResult(
            executions, completed, pruned,
            exhaustive: failure is null && !stoppedByBudget && strategy.Exhausted,
            clock.Elapsed, maxSteps, failure,
            strategy is IterativeBoundStrategy it ? it.PerBound.ToArray() : Array.Empty<long>(),
            DescribeStrategy(options))
        {
            WeakenedOperations = overrides?.Applied ?? 0,
        };
        options.Log?.Invoke(result.Summary);
        return result;
    }

    /// <summary>
    /// Runs exactly the execution a failure report's schedule describes, with tracing, and returns its
    /// result (its <see cref="ExplorationResult.Failure"/> is the reproduced failure, with its report).
    /// </summary>
    /// <param name="schedule">The schedule string from a report (<c>v1:…</c>).</param>
    /// <param name="options">The options of the original run (memory model and bounds matter).</param>
    /// <param name="body">The same test body.</param>
    /// <returns>The result of the single replayed execution.</returns>
    /// <exception cref="FormatException">The schedule is not a checker schedule.</exception>
    public static ExplorationResult Replay(string schedule, CheckerOptions options, Action body)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(body);
        var choices = ScheduleFormat.Decode(schedule);
        var clock = Stopwatch.StartNew();
        var execution = RunOnce(options, body, choices, lenient: false, tracing: true, OrderingOverrides.Parse(options.Weaken));
        CheckFailure? failure = null;
        if (execution.Failure is not null)
        {
            failure = execution.Failure;
            failure.Schedule = ScheduleFormat.Encode(execution.Choices);
            failure.Preemptions = execution.Preemptions;
            failure.StaleReads = execution.StaleReads;
            failure.ExecutionNumber = 1;
            failure.Report = FormatReport(failure, execution, $"replay of {schedule.Length} characters of schedule", "");
        }

        return new ExplorationResult(1, failure is null ? 1 : 0, 0, exhaustive: false, clock.Elapsed, execution.Step, failure, Array.Empty<long>(), "replay");
    }

    /// <summary>Replays an asynchronous body; see <see cref="Replay(string, CheckerOptions, Action)"/>.</summary>
    /// <param name="schedule">The schedule string.</param>
    /// <param name="options">The options of the original run.</param>
    /// <param name="body">The asynchronous test body.</param>
    /// <returns>The replayed execution's result.</returns>
    public static ExplorationResult Replay(string schedule, CheckerOptions options, Func<Task> body) => Replay(schedule, options, AsyncMain(body));

    private static Action AsyncMain(Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return () => ModelThread.SpawnAsync(body, "async main").Join();
    }

    private static IStrategy CreateStrategy(CheckerOptions options)
    {
        var sleepSets = options.Reduction == Reduction.SleepSets;
        return options.Strategy switch
        {
            ExplorationStrategy.Random => new RandomStrategy(options.Seed, options.Iterations),
            ExplorationStrategy.Pct => new PctStrategy(options.Seed, options.Iterations, options.PctDepth),
            _ when options.PreemptionBound is int bound && options.IterativeBounding => new IterativeBoundStrategy(bound, sleepSets),
            _ => new DfsStrategy(options.PreemptionBound, sleepSets),
        };
    }

    private static string BoundProgress(IStrategy strategy) =>
        strategy is IterativeBoundStrategy it ? $", preemption bound {it.CurrentBound}" : "";

    internal static string DescribeStrategy(CheckerOptions o)
    {
        var model = o.MemoryModel == MemoryModel.Weak ? $"weak memory (history {o.HistoryBound})" : "sequentially consistent";
        return o.Strategy switch
        {
            ExplorationStrategy.Random => $"random, {o.Iterations} iterations, seed {o.Seed}, {model}",
            ExplorationStrategy.Pct => $"PCT depth {o.PctDepth}, {o.Iterations} iterations, seed {o.Seed}, {model}",
            _ => $"exhaustive, {(o.PreemptionBound is int b ? $"preemption bound {b}{(o.IterativeBounding ? " (iterative)" : "")}" : "no preemption bound")}" +
                 $"{(o.Reduction == Reduction.SleepSets ? ", sleep sets" : "")}, {model}",
        };
    }

    internal static Execution RunOnce(CheckerOptions options, Action body, IReadOnlyList<ChoiceRecord> choices, bool lenient, bool tracing, OrderingOverrides? overrides)
    {
        var strategy = new ReplayStrategy(choices, lenient);
        strategy.BeginExecution();
        var execution = new Execution(options, strategy, 1) { Tracing = tracing, Overrides = overrides };
        execution.Run(body);
        if (!lenient && execution.Failure is null && strategy.Unused > 0)
        {
            execution.RecordFailure(new CheckFailure(FailureKind.Nondeterminism,
                $"The execution ended with {strategy.Unused} of the schedule's {choices.Count} choices unused: the code under test " +
                "is not the code that produced the schedule, or it has nondeterminism the checker does not control."), null);
        }

        return execution;
    }

    /// <summary>Minimises the failing schedule, replays it with tracing and builds the report.</summary>
    private static CheckFailure Describe(Execution failed, CheckerOptions options, Action body, long executionNumber, TimeSpan elapsed, IStrategy strategy, OrderingOverrides? overrides)
    {
        var original = failed.Failure!;
        var choices = failed.Choices.ToList();
        if (failed.HungOutsideChecker)
        {
            original.Schedule = ScheduleFormat.Encode(choices);
            original.ExecutionNumber = executionNumber;
            original.Report = $"══ Sluice checker: {original.Kind} ══\n{original.Message}\n\nSchedule: {original.Schedule}\n";
            return original;
        }

        if (options.Minimize)
            choices = Minimize(choices, original.Kind, options, body, overrides);

        var traced = RunOnce(options, body, choices, lenient: false, tracing: true, overrides);
        var failure = traced.Failure is { } f && f.Kind == original.Kind ? f : original;
        var note = traced.Failure is null || traced.Failure.Kind != original.Kind
            ? "\nNOTE: replaying the schedule did not reproduce the failure: the code under test has nondeterminism the checker does not control.\n"
            : "";
        failure.Schedule = ScheduleFormat.Encode(traced.Choices.Count > 0 ? traced.Choices : choices);
        failure.Preemptions = traced.Preemptions;
        failure.StaleReads = traced.StaleReads;
        failure.ExecutionNumber = executionNumber;
        var where = $"execution {executionNumber} of {DescribeStrategy(options)}" +
                    (strategy is IterativeBoundStrategy it ? $" (at preemption bound {it.CurrentBound})" : "") +
                    $", {elapsed.TotalSeconds:0.00} s";
        failure.Report = FormatReport(failure, traced, where, note);
        return failure;
    }

    /// <summary>
    /// Replaces stale-read, store-placement and spurious-failure choices by the default one by one,
    /// keeping each change that still fails the same way: the report then shows the fewest
    /// weak-memory effects needed.
    /// </summary>
    private static List<ChoiceRecord> Minimize(List<ChoiceRecord> choices, FailureKind kind, CheckerOptions options, Action body, OrderingOverrides? overrides)
    {
        var best = choices;
        var budget = Stopwatch.StartNew();
        for (var i = 0; i < best.Count && budget.Elapsed < TimeSpan.FromSeconds(5); i++)
        {
            if (best[i].Kind == ChoiceKind.Thread || best[i].Value == 0)
                continue;
            var candidate = best.ToList();
            candidate[i] = best[i] with { Value = 0 };
            var run = RunOnce(options, body, candidate, lenient: true, tracing: false, overrides);
            if (run.Failure?.Kind == kind && !run.HungOutsideChecker)
                best = run.Choices.ToList();
        }

        return best;
    }

    private static string FormatReport(CheckFailure failure, Execution traced, string where, string note)
    {
        var sb = new StringBuilder();
        sb.Append("══ Sluice checker: ").Append(failure.Kind).AppendLine(" ══");
        sb.AppendLine(failure.Message);
        sb.AppendLine();
        sb.Append("Found in ").AppendLine(where);
        sb.Append("Preemptions: ").Append(traced.Preemptions).Append(", stale reads: ").Append(traced.StaleReads)
            .Append(", steps: ").Append(traced.Step).AppendLine();
        sb.Append(note);
        sb.AppendLine();
        sb.AppendLine("Interleaving (one column per thread; \"⟵ #k\" is the store a load read; STALE marks a load that did not read the newest store):");
        sb.AppendLine(traced.FormatInterleaving());
        var locations = traced.DescribeLocations();
        if (locations.Length > 0)
        {
            sb.AppendLine("Atomic locations:");
            sb.Append(locations);
        }

        sb.AppendLine("Threads at the failure:");
        sb.Append(traced.ThreadsAtFailure.Length > 0 ? traced.ThreadsAtFailure : traced.DescribeThreads());
        if (failure.Exception is { } ex)
        {
            sb.AppendLine();
            sb.AppendLine("Exception:");
            sb.AppendLine(ex.ToString());
        }

        sb.AppendLine();
        sb.Append("Replay: Checker.Replay(\"").Append(failure.Schedule).AppendLine("\", options, body)");
        return sb.ToString();
    }
}
