using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Sluice.Benchmarks.Infrastructure;
using Sluice.Benchmarks.Workloads;

namespace Sluice.Benchmarks;

/// <summary>
/// SPSC throughput, one awaited send and one awaited receive per item (3,000,000 items, capacity 1,024
/// where bounded); the blocking variants use two dedicated threads. See bench/README.md.
/// </summary>
[MemoryDiagnoser]
public class SpscBenchmarks : WorkloadBenchmark, IRunFactory
{
    public static IEnumerable<Variant> Variants =>
    [
        Variant.Sluice, Variant.SluiceAdapter, Variant.SluiceBlocking, Variant.BclBounded, Variant.BclUnbounded,
        Variant.BclUnboundedSpsc, Variant.QueueSemaphore, Variant.BlockingCollection,
    ];

    [ParamsSource(nameof(Variants))]
    public Variant Variant { get; set; }

    public static long Messages() => Sizes.SpscItems;

    protected override WorkloadRun CreateRun()
    {
        var label = $"Spsc\t{Variant}\t";
        return Runs.IsBlocking(Variant)
            ? new BlockingSpscRun(label, Runs.BuildBlocking(Variant, Sizes.SpscCapacity), Sizes.SpscItems)
            : Runs.Build(Variant, Sizes.SpscCapacity, this);
    }

    [Benchmark]
    public long Spsc() => Execute();

    public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
        where TSend : struct, ISendEnd
        where TReceive : struct, IReceiveEnd
        where TPipe : IPipe<TSend, TReceive> =>
        new SpscRun<TSend, TReceive, TPipe>($"Spsc\t{Variant}\t", newPipe, Sizes.SpscItems);
}

/// <summary>
/// SPSC throughput with each channel's closest idiom to a batch API (none has a batch call yet): a
/// wait-then-drain consumer and a try-first producer (<see cref="SpscDrainRun"/>). See bench/README.md.
/// </summary>
[MemoryDiagnoser]
public class SpscDrainBenchmarks : WorkloadBenchmark
{
    public static IEnumerable<Variant> Variants =>
        [Variant.Sluice, Variant.SluiceAdapter, Variant.BclBounded, Variant.BclUnbounded, Variant.BclUnboundedSpsc];

    [ParamsSource(nameof(Variants))]
    public Variant Variant { get; set; }

    public static long Messages() => Sizes.SpscItems;

    protected override WorkloadRun CreateRun()
    {
        var label = $"SpscDrain\t{Variant}\t";
        return Variant == Variant.Sluice
            ? SpscDrainRun.Native(label, Sizes.SpscCapacity, Sizes.SpscItems)
            : SpscDrainRun.Channel(label, Variant, Sizes.SpscCapacity, Sizes.SpscItems);
    }

    [Benchmark]
    public long SpscDrain() => Execute();
}
