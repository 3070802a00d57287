using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Sluice.Benchmarks.Infrastructure;
using Sluice.Benchmarks.Workloads;

namespace Sluice.Benchmarks;

/// <summary>
/// The uncontended hot paths: one thread alternates TrySend and TryReceive (3,000,000 pairs per
/// invocation, capacity 1,024 where bounded). A "message" here is one send-receive pair.
/// </summary>
[MemoryDiagnoser]
public class TryPairBenchmarks : WorkloadBenchmark, IRunFactory
{
    public static IEnumerable<Variant> Variants =>
        [Variant.Sluice, Variant.SluiceAdapter, Variant.BclBounded, Variant.BclUnbounded, Variant.BclUnboundedSpsc, Variant.QueueSemaphore];

    [ParamsSource(nameof(Variants))]
    public Variant Variant { get; set; }

    public static long Messages() => Sizes.SpscItems;

    protected override WorkloadRun CreateRun() => Runs.Build(Variant, Sizes.SpscCapacity, this);

    [Benchmark]
    public long TryPair() => Execute();

    public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
        where TSend : struct, ISendEnd
        where TReceive : struct, IReceiveEnd
        where TPipe : IPipe<TSend, TReceive> =>
        new TryPairRun<TSend, TReceive, TPipe>($"TryPair\t{Variant}\t", newPipe, Sizes.SpscItems);
}
