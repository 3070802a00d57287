using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Sluice.Benchmarks.Infrastructure;
using Sluice.Benchmarks.Workloads;

namespace Sluice.Benchmarks;

/// <summary>
/// Round-trip latency: 50,000 round trips through two channels (capacity 1 where bounded), two messages
/// each. The blocking variants use two dedicated threads. See bench/README.md.
/// </summary>
[MemoryDiagnoser]
public class PingPongBenchmarks : WorkloadBenchmark, IRunFactory
{
    private const int Capacity = 1;
    public static IEnumerable<Variant> Variants =>
    [
        Variant.Sluice, Variant.SluiceAdapter, Variant.SluiceBlocking, Variant.BclBounded, Variant.BclUnbounded,
        Variant.BclUnboundedSpsc, Variant.QueueSemaphore, Variant.BlockingCollection,
    ];

    [ParamsSource(nameof(Variants))]
    public Variant Variant { get; set; }

    /// <summary>Two messages per round trip.</summary>
    public static long Messages() => 2L * Sizes.PingPongRoundTrips;

    protected override WorkloadRun CreateRun()
    {
        var label = $"PingPong\t{Variant}\t";
        return Runs.IsBlocking(Variant)
            ? new BlockingPingPongRun(label, Runs.BuildBlocking(Variant, Capacity), Runs.BuildBlocking(Variant, Capacity), Sizes.PingPongRoundTrips)
            : Runs.Build(Variant, Capacity, this);
    }

    [Benchmark]
    public long PingPong() => Execute();

    public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
        where TSend : struct, ISendEnd
        where TReceive : struct, IReceiveEnd
        where TPipe : IPipe<TSend, TReceive> =>
        new PingPongRun<TSend, TReceive, TPipe>($"PingPong\t{Variant}\t", newPipe, Sizes.PingPongRoundTrips);
}
