using System;
using System.Collections.Generic;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Sluice.Benchmarks.Infrastructure;
using Sluice.Benchmarks.Workloads;

namespace Sluice.Benchmarks;

/// <summary>
/// tachyonix's funnel: 15 rigs × (13 senders → 1 receiver), 5,000 messages per sender (975,000 per
/// invocation), every sender awaiting each send, the receiver awaiting each receive. See bench/README.md.
/// </summary>
[MemoryDiagnoser]
public class FunnelBenchmarks : WorkloadBenchmark, IRunFactory
{
    public static IEnumerable<Variant> Variants =>
        [Variant.Sluice, Variant.SluiceAdapter, Variant.BclBounded, Variant.BclUnbounded, Variant.QueueSemaphore];

    public static IEnumerable<int> Capacities => Sizes.FunnelCapacities;

    [ParamsSource(nameof(Variants))]
    public Variant Variant { get; set; }

    /// <summary>The bounded channels' capacity (the unbounded ones ignore it).</summary>
    [ParamsSource(nameof(Capacities))]
    public int Capacity { get; set; }

    /// <summary>Messages per invocation (for the msg/µs and B/msg columns and the summary).</summary>
    public static long Messages() => (long)Sizes.FunnelRigs * Sizes.FunnelSenders * Sizes.FunnelMessagesPerSender;

    protected override WorkloadRun CreateRun() => Runs.Build(Variant, Capacity, this);

    [Benchmark]
    public long Funnel() => Execute();

    public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
        where TSend : struct, ISendEnd
        where TReceive : struct, IReceiveEnd
        where TPipe : IPipe<TSend, TReceive> =>
        new FunnelRun<TSend, TReceive, TPipe>(
            string.Create(CultureInfo.InvariantCulture, $"Funnel\t{Variant}\tCapacity={Capacity}"),
            newPipe, Sizes.FunnelRigs, Sizes.FunnelSenders, Sizes.FunnelMessagesPerSender);
}
