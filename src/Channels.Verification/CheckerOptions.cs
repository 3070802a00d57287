using System;

namespace Sluice.Verification;

/// <summary>How the checker chooses among interleavings.</summary>
public enum ExplorationStrategy
{
    /// <summary>Depth-first search over every schedule (and, in weak mode, every store a load may read), within the preemption bound.</summary>
    Exhaustive,

    /// <summary>Uniformly random choices, <see cref="CheckerOptions.Iterations"/> executions.</summary>
    Random,

    /// <summary>Probabilistic concurrency testing (Burckhardt et al. 2010): random thread priorities with <see cref="CheckerOptions.PctDepth"/> − 1 priority change points.</summary>
    Pct,
}

/// <summary>Partial-order reduction used by <see cref="ExplorationStrategy.Exhaustive"/>.</summary>
public enum Reduction
{
    /// <summary>Every interleaving of scheduling points is explored.</summary>
    None,

    /// <summary>
    /// Sleep sets: an interleaving that only reorders independent operations of one already explored is
    /// cut short (counted as pruned). Exact without a preemption bound; with a bound it may skip a schedule
    /// whose only equivalent explored schedule needs more preemptions than the bound.
    /// </summary>
    SleepSets,
}

/// <summary>The memory model under which atomic operations are explored.</summary>
public enum MemoryModel
{
    /// <summary>
    /// Every load reads the newest store and every store goes last in modification order: only thread
    /// interleavings are explored (fast). Happens-before still follows the declared orderings, so data
    /// races on <c>Cell&lt;T&gt;</c> caused by weak orderings are still reported.
    /// </summary>
    SequentiallyConsistent,

    /// <summary>
    /// C11/RC11 semantics: a load may read any store that coherence and happens-before allow, a store may
    /// take any coherent place in modification order, SeqCst operations and fences share one total order.
    /// </summary>
    Weak,
}

/// <summary>When a timer (timeout) may fire in the model (virtual time).</summary>
public enum TimeoutMode
{
    /// <summary>At any scheduling point: explores a timeout racing with everything else.</summary>
    AnyPoint,

    /// <summary>Only when no thread can make progress (virtual time jumps to the next deadline).</summary>
    WhenIdle,
}

/// <summary>Knobs of one exploration. Immutable; use <c>with</c> to derive variants.</summary>
public sealed record CheckerOptions
{
    /// <summary>The search strategy. Default: exhaustive.</summary>
    public ExplorationStrategy Strategy { get; init; } = ExplorationStrategy.Exhaustive;

    /// <summary>The most preemptions (switching away from a thread that could continue) per execution; null for no bound. Default 2.</summary>
    public int? PreemptionBound { get; init; } = 2;

    /// <summary>Explore bound 0, then 1, … up to <see cref="PreemptionBound"/>, so the first failure found has the fewest preemptions. Default true.</summary>
    public bool IterativeBounding { get; init; } = true;

    /// <summary>Partial-order reduction for the exhaustive strategy. Default none.</summary>
    public Reduction Reduction { get; init; } = Reduction.None;

    /// <summary>The memory model. Default sequentially consistent.</summary>
    public MemoryModel MemoryModel { get; init; } = MemoryModel.SequentiallyConsistent;

    /// <summary>How many stores per location a load may choose from (weak mode). Default 8.</summary>
    public int HistoryBound { get; init; } = 8;

    /// <summary>In weak mode, whether a store may be placed before stores its thread has not seen (needed for 2+2W, R, S). Default true.</summary>
    public bool StoreReordering { get; init; } = true;

    /// <summary>Scheduling points per execution before it is reported as a livelock (step bound). Default 20,000.</summary>
    public int MaxSteps { get; init; } = 20_000;

    /// <summary>Stop after this many executions (the result then says the space was not exhausted).</summary>
    public long? MaxExecutions { get; init; }

    /// <summary>Stop after this much wall time (the result then says the space was not exhausted).</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Executions for the random and PCT strategies. Default 1,000.</summary>
    public int Iterations { get; init; } = 1_000;

    /// <summary>PCT bug depth d (d − 1 priority change points). Default 3.</summary>
    public int PctDepth { get; init; } = 3;

    /// <summary>Seed for the random and PCT strategies. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Explore spurious failures of <c>CompareExchangeWeak</c>. Default false.</summary>
    public bool SpuriousFailures { get; init; }

    /// <summary>When timers and timed waits may fire. Default <see cref="TimeoutMode.AnyPoint"/>.</summary>
    public TimeoutMode Timeouts { get; init; } = TimeoutMode.AnyPoint;

    /// <summary>Try to simplify a failing schedule (fewer preemptions, fewer stale reads) before reporting it. Default true.</summary>
    public bool Minimize { get; init; } = true;

    /// <summary>Where progress lines and summaries go (e.g. xunit's ITestOutputHelper.WriteLine).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>How often a long exploration prints a progress line. Default 10 s.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one execution may run before it is reported as hung (code looping outside the shim). Default 60 s.</summary>
    public TimeSpan ExecutionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Memory orderings to weaken at given call sites (<see cref="OrderingOverrides"/> format:
    /// <c>path:line=Order;…</c>). Default: the environment variable <c>SLUICE_WEAKEN</c>, so the ordering
    /// analysis can mutate a whole test run from outside.
    /// </summary>
    public string? Weaken { get; init; } = Environment.GetEnvironmentVariable("SLUICE_WEAKEN");

    /// <summary>A name for reports and progress lines.</summary>
    public string? Name { get; init; }

    /// <summary>Exhaustive, sequentially consistent, preemption bound 2.</summary>
    public static CheckerOptions Default { get; } = new();

    /// <summary>Exhaustive under the weak (C11/RC11) memory model, preemption bound 2.</summary>
    public static CheckerOptions WeakMemory { get; } = new() { MemoryModel = MemoryModel.Weak };

    internal void Validate()
    {
        if (PreemptionBound is < 0)
            throw new ArgumentOutOfRangeException(nameof(PreemptionBound), PreemptionBound, "The preemption bound must be ≥ 0 (or null for none).");
        if (HistoryBound < 1)
            throw new ArgumentOutOfRangeException(nameof(HistoryBound), HistoryBound, "The history bound must be ≥ 1.");
        if (MaxSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "MaxSteps must be ≥ 1.");
        if (Iterations < 1)
            throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "Iterations must be ≥ 1.");
        if (PctDepth < 1)
            throw new ArgumentOutOfRangeException(nameof(PctDepth), PctDepth, "PctDepth must be ≥ 1.");
        OrderingOverrides.Parse(Weaken);
        if (MaxExecutions is < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxExecutions), MaxExecutions, "MaxExecutions must be ≥ 1.");
    }
}
