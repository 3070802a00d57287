using System;
using System.Collections.Generic;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Sluice.Benchmarks.Infrastructure;
using Sluice.Benchmarks.Workloads;

namespace Sluice.Benchmarks;

/// <summary>
/// tachyonix's pinball: 15 complete graphs of 13 nodes, 65,000 hops per graph, capacity = balls (no
/// send ever waits: this measures the starved receiver's register / notify / wake path). See bench/README.md.
/// </summary>
[MemoryDiagnoser]
public class PinballBenchmarks : WorkloadBenchmark, IRunFactory
{
    public static IEnumerable<Variant> Variants =>
        [Variant.Sluice, Variant.SluiceAdapter, Variant.BclBounded, Variant.BclUnbounded, Variant.QueueSemaphore];

    public static IEnumerable<int> BallCounts => Sizes.PinballBalls;

    [ParamsSource(nameof(Variants))]
    public Variant Variant { get; set; }

    /// <summary>Balls in play per graph; also the bounded channels' capacity.</summary>
    [ParamsSource(nameof(BallCounts))]
    public int Balls { get; set; }

    /// <summary>Messages per invocation: graphs × balls × (hops / balls).</summary>
    public static long Messages(int balls) => (long)Sizes.PinballGraphs * balls * (Sizes.PinballHopsPerGraph / balls);

    protected override WorkloadRun CreateRun() => Runs.Build(Variant, Balls, this);

    [Benchmark]
    public long Pinball() => Execute();

    public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
        where TSend : struct, ISendEnd
        where TReceive : struct, IReceiveEnd
        where TPipe : IPipe<TSend, TReceive> =>
        new PinballRun<TSend, TReceive, TPipe>(
            string.Create(CultureInfo.InvariantCulture, $"Pinball\t{Variant}\tBalls={Balls}"),
            newPipe, Sizes.PinballGraphs, Sizes.PinballNodes, Balls, Sizes.PinballHopsPerGraph);
}
