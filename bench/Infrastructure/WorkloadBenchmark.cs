using BenchmarkDotNet.Attributes;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// Base of the workload benchmark classes: the run (channels, tasks or threads, and the gate that starts them)
/// is built before each iteration and disposed after it, so neither is timed. A derived class says how to build
/// its run and names its <c>[Benchmark]</c> method after the workload (the summary keys on that name).
/// </summary>
public abstract class WorkloadBenchmark
{
    private WorkloadRun? _run;

    /// <summary>Builds the run for the current parameters.</summary>
    protected abstract WorkloadRun CreateRun();

    /// <summary>Warms the case up until it has stopped getting faster (<see cref="ConvergedWarmUp"/>), before BenchmarkDotNet's own warm-up.</summary>
    [GlobalSetup]
    public void WarmUp() => ConvergedWarmUp.Run(CreateRun);

    /// <summary>
    /// Measures which state the host is in (<see cref="CacheLineRoundTrip"/>), then builds the run. The measurement
    /// comes first because a run's dedicated threads may spin while they wait for the gate, and would disturb it.
    /// </summary>
    [IterationSetup]
    public void Setup()
    {
        var roundTrip = CacheLineRoundTrip.MeasureNs();
        _run = CreateRun();
        _run.RoundTripBeforeNs = roundTrip;
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _run?.Dispose();
        _run = null;
    }

    /// <summary>Runs one invocation (the timed part); returns the run's checksum.</summary>
    protected long Execute() => _run!.Execute();
}
