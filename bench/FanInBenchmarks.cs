using System;
using System.Collections.Generic;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Sluice.Benchmarks.Infrastructure;
using Sluice.Benchmarks.Workloads;

namespace Sluice.Benchmarks;

/// <summary>
/// The fan-in blog's sweep, done properly: 2^1 … 2^13 producer tasks share 2^20 messages into one
/// consumer (capacity 1,024 where bounded), timed until the consumer has received and verified every
/// message. See bench/README.md for the blog's flaws this avoids.
/// </summary>
[MemoryDiagnoser]
public class FanInBenchmarks : WorkloadBenchmark, IRunFactory
{
    public static IEnumerable<Variant> Variants =>
        [Variant.Sluice, Variant.BclBounded, Variant.BclUnbounded, Variant.QueueSemaphore];

    public static IEnumerable<int> ProducerCounts => Sizes.FanInProducers;

    [ParamsSource(nameof(Variants))]
    public Variant Variant { get; set; }

    [ParamsSource(nameof(ProducerCounts))]
    public int Producers { get; set; }

    public static long Messages() => Sizes.FanInTotalMessages;

    protected override WorkloadRun CreateRun() => Runs.Build(Variant, Sizes.FanInCapacity, this);

    [Benchmark]
    public long FanIn() => Execute();

    public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
        where TSend : struct, ISendEnd
        where TReceive : struct, IReceiveEnd
        where TPipe : IPipe<TSend, TReceive> =>
        new FunnelRun<TSend, TReceive, TPipe>(
            string.Create(CultureInfo.InvariantCulture, $"FanIn\t{Variant}\tProducers={Producers}"),
            newPipe, rigs: 1, senders: Producers, perSender: Sizes.FanInTotalMessages / Producers);
}
