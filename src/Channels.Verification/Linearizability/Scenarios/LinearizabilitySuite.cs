using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace Sluice.Verification.Linearizability;

/// <summary>What kind of failure a scenario showed.</summary>
public enum ScenarioFailureKind
{
    /// <summary>An execution's history is not linearizable (or an operation threw).</summary>
    NotLinearizable,

    /// <summary>Stress mode: operations did not return even after the teardown close.</summary>
    Hung,

    /// <summary>Model mode: the checker reported a failure of its own (deadlock, lost continuation, data race, livelock, exception).</summary>
    CheckerFailure,
}

/// <summary>A failing scenario: the minimised scenario, the failing execution and the readable report.</summary>
public sealed class ScenarioFailure
{
    internal ScenarioFailure(ScenarioFailureKind kind, ChannelScenario scenario, ScenarioExecution execution)
    {
        Kind = kind;
        Scenario = scenario;
        Original = scenario;
        Execution = execution;
    }

    /// <summary>The kind of failure.</summary>
    public ScenarioFailureKind Kind { get; }

    /// <summary>The scenario that fails (minimised when minimisation ran).</summary>
    public ChannelScenario Scenario { get; internal set; }

    /// <summary>The scenario as generated.</summary>
    public ChannelScenario Original { get; internal set; }

    /// <summary>Smaller scenarios tried during minimisation.</summary>
    public int MinimizationAttempts { get; internal set; }

    /// <summary>The failing execution of <see cref="Scenario"/>.</summary>
    public ScenarioExecution Execution { get; internal set; }

    /// <summary>The linearizability check of <see cref="Execution"/>, when the execution completed.</summary>
    public LinearizabilityResult? Check { get; internal set; }

    /// <summary>Model mode: the checker's failure (its report holds the interleaving and the replay schedule).</summary>
    public CheckFailure? CheckerFailure { get; internal set; }

    /// <summary>Which execution of the scenario failed (stress: repetition number; model: execution number).</summary>
    public long ExecutionNumber { get; internal set; }

    /// <summary>The full readable report.</summary>
    public string Report { get; internal set; } = "";

    internal bool SameKindAs(ScenarioFailure other) =>
        Kind == other.Kind && (Kind != ScenarioFailureKind.CheckerFailure || CheckerFailure?.Kind == other.CheckerFailure?.Kind);

    /// <inheritdoc />
    public override string ToString() => Report;
}

/// <summary>The outcome of a suite run.</summary>
public sealed class SuiteResult
{
    internal SuiteResult(string subject, string mode)
    {
        Subject = subject;
        Mode = mode;
    }

    /// <summary>The channel.</summary>
    public string Subject { get; }

    /// <summary>"stress" or "model", with settings.</summary>
    public string Mode { get; }

    /// <summary>Scenarios run.</summary>
    public int Scenarios { get; internal set; }

    /// <summary>Executions run (stress: repetitions; model: explored executions), all scenarios together.</summary>
    public long Executions { get; internal set; }

    /// <summary>Histories whose check answered Unknown (budget exhausted).</summary>
    public long Unknown { get; internal set; }

    /// <summary>Model mode: scenarios whose exploration exhausted its bounds (the others hit the execution cap).</summary>
    public int Exhausted { get; internal set; }

    /// <summary>Histories where some operation was blocked at the quiescence point (model) or the teardown close was needed (stress).</summary>
    public long TornDown { get; internal set; }

    /// <summary>Wall time.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>The first failure (minimised), or null.</summary>
    public ScenarioFailure? Failure { get; internal set; }

    /// <summary>One line.</summary>
    public string Summary
    {
        get
        {
            var exhausted = Mode.StartsWith("model", StringComparison.Ordinal)
                ? string.Create(CultureInfo.InvariantCulture, $" ({Exhausted} scenarios explored exhaustively within the bound)")
                : "";
            var outcome = Failure is null ? "all linearizable" : "FAILED: " + Failure.Kind;
            return string.Create(CultureInfo.InvariantCulture,
                $"[linearizability] {Subject}, {Mode}: {Scenarios} scenarios, {Executions} executions{exhausted}, {TornDown} with blocked operations released by the teardown close, {Unknown} histories Unknown, {outcome}, {Elapsed.TotalSeconds:0.0} s");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Summary;
}

/// <summary>Thrown inside a model-mode execution whose history is not linearizable (the checker then reports the interleaving).</summary>
public sealed class LinearizabilityViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LinearizabilityViolationException()
        : base("The history is not linearizable.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What cannot be linearized.</param>
    public LinearizabilityViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What cannot be linearized.</param>
    /// <param name="innerException">The cause.</param>
    public LinearizabilityViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Runs generated (or given) scenarios against a channel in stress mode (real threads) or model mode (the
/// checker), checks every history for linearizability, and minimises and reports the first failure.
/// </summary>
public static class LinearizabilitySuite
{
    private sealed class ScenarioRun
    {
        public ScenarioFailure? Failure { get; set; }

        public long Executions { get; set; }

        public long Unknown { get; set; }

        public long TornDown { get; set; }

        public bool Exhausted { get; set; }
    }

    /// <summary>Generates scenarios and runs each in stress mode.</summary>
    /// <param name="subject">The channel (its release build).</param>
    /// <param name="options">Generation, checking and budgets.</param>
    /// <param name="stress">Repetitions and timing.</param>
    /// <returns>The result (with the minimised failure, if any).</returns>
    public static SuiteResult RunStress(ChannelSubject subject, SuiteOptions? options = null, StressOptions? stress = null)
    {
        var o = options ?? new SuiteOptions();
        return RunStress(subject, ScenarioGenerator.Sample(o.Scenarios, o.Seed, o.ScenarioCount), o, stress);
    }

    /// <summary>Runs the given scenarios in stress mode.</summary>
    /// <param name="subject">The channel (its release build).</param>
    /// <param name="scenarios">The scenarios.</param>
    /// <param name="options">Checking and budgets.</param>
    /// <param name="stress">Repetitions and timing.</param>
    /// <returns>The result.</returns>
    public static SuiteResult RunStress(ChannelSubject subject, IEnumerable<ChannelScenario> scenarios, SuiteOptions? options = null, StressOptions? stress = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var o = options ?? new SuiteOptions();
        var so = stress ?? new StressOptions();
        System.Threading.ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < 16)
            System.Threading.ThreadPool.SetMinThreads(16, io); // blocking operations on pool threads must not starve continuations
        return Run(subject, scenarios, o, string.Create(CultureInfo.InvariantCulture, $"stress ({so.Repetitions} repetitions per scenario)"),
            s => StressScenario(subject, s, o, so, so.Repetitions),
            s => StressScenario(subject, s, o, so, so.MinimizationRepetitions));
    }

    /// <summary>Generates scenarios and explores each in model mode.</summary>
    /// <param name="subject">The channel (its checked build).</param>
    /// <param name="options">Generation, checking and budgets.</param>
    /// <param name="model">The exploration of each scenario.</param>
    /// <returns>The result (with the minimised failure, if any).</returns>
    public static SuiteResult RunModel(ChannelSubject subject, SuiteOptions? options = null, ModelOptions? model = null)
    {
        var o = options ?? new SuiteOptions();
        return RunModel(subject, ScenarioGenerator.Sample(o.Scenarios, o.Seed, o.ScenarioCount), o, model);
    }

    /// <summary>Explores the given scenarios in model mode.</summary>
    /// <param name="subject">The channel (its checked build).</param>
    /// <param name="scenarios">The scenarios.</param>
    /// <param name="options">Checking and budgets.</param>
    /// <param name="model">The exploration of each scenario.</param>
    /// <returns>The result.</returns>
    public static SuiteResult RunModel(ChannelSubject subject, IEnumerable<ChannelScenario> scenarios, SuiteOptions? options = null, ModelOptions? model = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var o = options ?? new SuiteOptions();
        var mo = model ?? new ModelOptions();
        return Run(subject, scenarios, o, "model (" + Checker.DescribeStrategy(mo.Checker) +
            (mo.Checker.MaxExecutions is long cap ? string.Create(CultureInfo.InvariantCulture, $", ≤ {cap} executions per scenario") : "") + ")",
            s => ModelScenario(subject, s, o, mo),
            s => ModelScenario(subject, s, o, mo with
            {
                Checker = mo.Checker with { MaxExecutions = Math.Min(mo.Checker.MaxExecutions ?? long.MaxValue, mo.MinimizationMaxExecutions) },
            }));
    }

    /// <summary>
    /// Replays one model-mode execution of <paramref name="scenario"/> from a checker schedule (the one in a
    /// failure report) and returns the failure it reproduces, or null if the replay passes.
    /// </summary>
    /// <param name="subject">The channel (its checked build).</param>
    /// <param name="scenario">The scenario of the failure.</param>
    /// <param name="schedule">The schedule (<see cref="CheckFailure.Schedule"/>).</param>
    /// <param name="options">Checking options.</param>
    /// <param name="model">The options of the original exploration (memory model and bounds matter).</param>
    /// <returns>The reproduced failure, or null.</returns>
    public static ScenarioFailure? ReplayModel(ChannelSubject subject, ChannelScenario scenario, string schedule, SuiteOptions? options = null, ModelOptions? model = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(scenario);
        var o = options ?? new SuiteOptions();
        var mo = model ?? new ModelOptions();
        return ModelScenario(subject, scenario, o, mo, schedule).Failure;
    }

    private static SuiteResult Run(ChannelSubject subject, IEnumerable<ChannelScenario> scenarios, SuiteOptions o, string mode,
        Func<ChannelScenario, ScenarioRun> run, Func<ChannelScenario, ScenarioRun> rerun)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        var result = new SuiteResult(subject.Name, mode);
        var clock = Stopwatch.StartNew();
        var lastLog = TimeSpan.Zero;
        foreach (var scenario in scenarios)
        {
            if (o.TimeBudget is TimeSpan budget && clock.Elapsed > budget)
                break;
            if (scenario.Validate(o.Scenarios.SingleConsumer) is { } invalid)
                throw new ArgumentException("Invalid scenario: " + invalid + "\n" + scenario, nameof(scenarios));
            var r = run(scenario);
            result.Scenarios++;
            result.Executions += r.Executions;
            result.Unknown += r.Unknown;
            result.TornDown += r.TornDown;
            if (r.Exhausted)
                result.Exhausted++;
            if (r.Failure is { } failure)
            {
                o.Log?.Invoke($"[linearizability] {subject.Name}: scenario {result.Scenarios} fails ({failure.Kind}); minimising…");
                if (o.Minimize)
                    Minimize(failure, rerun, o);
                failure.Report = ScenarioReport.Format(failure, subject, mode, o.Seed, result.Scenarios);
                result.Failure = failure;
                break;
            }

            if (o.Log is { } log && clock.Elapsed - lastLog > TimeSpan.FromSeconds(10))
            {
                lastLog = clock.Elapsed;
                log(string.Create(CultureInfo.InvariantCulture, $"[linearizability] {subject.Name}: {result.Scenarios} scenarios, {result.Executions} executions, {clock.Elapsed.TotalSeconds:0} s"));
            }
        }

        result.Elapsed = clock.Elapsed;
        o.Log?.Invoke(result.Summary);
        return result;
    }

    private static void Minimize(ScenarioFailure failure, Func<ChannelScenario, ScenarioRun> run, SuiteOptions o)
    {
        var clock = Stopwatch.StartNew();
        var improved = true;
        while (improved && clock.Elapsed < o.MinimizeBudget)
        {
            improved = false;
            foreach (var candidate in failure.Scenario.Simplifications())
            {
                if (clock.Elapsed >= o.MinimizeBudget)
                    break;
                if (candidate.Validate(o.Scenarios.SingleConsumer) is not null)
                    continue;
                failure.MinimizationAttempts++;
                if (run(candidate).Failure is { } smaller && smaller.SameKindAs(failure))
                {
                    failure.Scenario = candidate;
                    failure.Execution = smaller.Execution;
                    failure.Check = smaller.Check;
                    failure.CheckerFailure = smaller.CheckerFailure;
                    failure.ExecutionNumber = smaller.ExecutionNumber;
                    improved = true;
                    break;
                }
            }
        }
    }

    internal static LinearizabilityResult CheckExecution(ScenarioExecution execution, ChannelSubject subject, LinearizabilityOptions options) =>
        ChannelLinearizability.Check(execution.ToHistory(out _), execution.Scenario.Capacity, subject.Specification, options);

    private static ScenarioRun StressScenario(ChannelSubject subject, ChannelScenario scenario, SuiteOptions o, StressOptions so, int repetitions)
    {
        var run = new ScenarioRun();
        for (var rep = 1; rep <= repetitions; rep++)
        {
            var harness = new ScenarioHarness(scenario, subject, model: false, fences: false, so);
            harness.RunAsync().GetAwaiter().GetResult();
            run.Executions++;
            var e = harness.Execution;
            if (e.Teardown.Started)
                run.TornDown++;
            if (e.HarnessFailure is not null)
            {
                run.Failure = new ScenarioFailure(ScenarioFailureKind.Hung, scenario, e) { ExecutionNumber = rep };
                return run;
            }

            var check = CheckExecution(e, subject, o.Check);
            if (check.Verdict == LinearizabilityVerdict.Unknown)
                run.Unknown++;
            if (check.Verdict == LinearizabilityVerdict.NotLinearizable)
            {
                run.Failure = new ScenarioFailure(ScenarioFailureKind.NotLinearizable, scenario, e) { Check = check, ExecutionNumber = rep };
                return run;
            }
        }

        return run;
    }

    private static ScenarioRun ModelScenario(ChannelSubject subject, ChannelScenario scenario, SuiteOptions o, ModelOptions mo, string? replay = null)
    {
        var run = new ScenarioRun();
        ScenarioExecution? last = null;
        LinearizabilityResult? lastCheck = null;
        long unknown = 0, tornDown = 0;
        var checker = mo.Checker with { Log = null };
        var fences = checker.MemoryModel == MemoryModel.Weak;
        void Body()
        {
            var harness = new ScenarioHarness(scenario, subject, model: true, fences, null);
            last = harness.Execution;
            lastCheck = null;
            ModelThread.SpawnAsync(harness.RunAsync, "scenario").Join();
            if (harness.Execution.QuiescentAt is not null)
                tornDown++;
            var check = CheckExecution(harness.Execution, subject, o.Check);
            lastCheck = check;
            if (check.Verdict == LinearizabilityVerdict.Unknown)
                unknown++;
            if (check.Verdict == LinearizabilityVerdict.NotLinearizable)
                throw new LinearizabilityViolationException(ScenarioReport.ShortReason(check));
        }

        var result = replay is null ? Checker.Run(checker, Body) : Checker.Replay(replay, checker, Body);
        run.Executions = result.Executions;
        run.Unknown = unknown;
        run.TornDown = tornDown;
        run.Exhausted = result.Exhaustive;
        if (result.Failure is { } f)
        {
            var kind = f.Kind == FailureKind.Exception && f.Exception is LinearizabilityViolationException
                ? ScenarioFailureKind.NotLinearizable
                : ScenarioFailureKind.CheckerFailure;
            run.Failure = new ScenarioFailure(kind, scenario, last!)
            {
                Check = lastCheck,
                CheckerFailure = f,
                ExecutionNumber = f.ExecutionNumber,
            };
        }

        return run;
    }
}
