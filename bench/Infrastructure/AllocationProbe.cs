using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Sluice.Benchmarks.Workloads;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// Allocation per message in steady state, by difference: each workload runs once to warm up, then
/// with n and 2n messages on the same number of channels and tasks. Whatever a channel allocates once
/// (Sluice pools its blocked-sender nodes and caches its receive waiter on first use) is the same in both
/// and cancels; what remains, divided by the extra messages, is what each further message costs.
/// <c>bench alloc-probe &lt;out.tsv&gt; [workloads]</c>; the sizes and parameter sets follow <c>SLUICE_BENCH_SIZE</c>.
/// </summary>
public static class AllocationProbe
{
    public static int Run(string[] args)
    {
        if (args.Length is < 1 or > 2)
        {
            Console.Error.WriteLine("usage: alloc-probe <out.tsv> [Workload,Workload,...]");
            return 2;
        }

        var only = args.Length == 2 ? args[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : null;
        using var output = new StreamWriter(args[0]);
        output.WriteLine("workload\tvariant\tparameter\tmessages_n\tbytes_n\tmessages_2n\tbytes_2n\tsteady_bytes_per_message\tall_in_bytes_per_message\tms_n");
        var failures = 0;
        foreach (var (workload, variant, parameter, build) in Cases())
        {
            if (only is not null && !only.Contains(workload, StringComparer.Ordinal))
                continue;
            try
            {
                // Warm up, then the smallest allocation of 3 runs at each size: process-wide structures (the
                // thread pool's queues, new pool threads) grow now and then, never per message.
                Execute(build(1));
                var (small, smallBytes, ms) = Smallest(build, 1);
                var (large, largeBytes, _) = Smallest(build, 2);
                var steady = (largeBytes - smallBytes) / (double)(large - small);
                var allIn = smallBytes / (double)small;
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{workload}\t{variant}\t{parameter}\t{small}\t{smallBytes}\t{large}\t{largeBytes}\t{steady:F4}\t{allIn:F4}\t{ms:F1}");
                output.WriteLine(line);
                output.Flush();
                Console.WriteLine(line);
            }
            catch (BenchmarkFailedException e)
            {
                Console.Error.WriteLine($"FAILED: {workload} {variant} {parameter}: {e.Message}");
                failures++;
            }
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>bench loop &lt;workload&gt; &lt;variant&gt; &lt;parameter value or -&gt; &lt;invocations&gt;</c>: runs one case
    /// repeatedly in this process and prints each invocation's msg/µs (for profilers: perf, counters).
    /// </summary>
    public static int Loop(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: loop <workload> <variant> <parameter value or -> <invocations>");
            return 2;
        }

        var match = Cases().FirstOrDefault(c => c.Workload == args[0] && c.Variant.ToString() == args[1]
            && (args[2] == "-" ? c.Parameter.Length == 0 : c.Parameter.EndsWith("=" + args[2], StringComparison.Ordinal)));
        if (match.Build is null)
        {
            Console.Error.WriteLine("no such case");
            return 2;
        }

        var invocations = int.Parse(args[3], CultureInfo.InvariantCulture);
        // Diagnostics for the speed flips (bench/results/2026-11-22-dev-2core/ANALYSIS.md): a compacting full GC
        // before each invocation (fresh objects then land alike), and the cost of moving a cache line between the
        // two CPUs measured just before each invocation (a slow invocation next to a slow round trip is the host).
        var compact = Environment.GetEnvironmentVariable("SLUICE_BENCH_COMPACT") == "1";
        var roundTrip = Environment.GetEnvironmentVariable("SLUICE_BENCH_C2C") == "1";
        for (var i = 0; i < invocations; i++)
        {
            if (compact)
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var roundTripNs = roundTrip ? CacheLineRoundTrip.MeasureNs() : double.NaN;
            var c2c = roundTrip ? string.Create(CultureInfo.InvariantCulture, $"\tc2c {roundTripNs:F0} ns") : "";
            var run = match.Build(1);
            run.RoundTripBeforeNs = roundTripNs;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            run.Execute();
            var elapsed = watch.Elapsed.TotalMicroseconds;
            run.Dispose();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{i}\t{run.Messages / elapsed:F2} msg/µs\t{run.AllocatedBytes / (double)run.Messages:F3} B/msg{c2c}"));
        }

        return 0;
    }

    private static void Execute(WorkloadRun run)
    {
        run.Execute();
        run.Dispose();
    }

    private static (long Messages, long Bytes, double Milliseconds) Smallest(Func<int, WorkloadRun> build, int k)
    {
        var messages = 0L;
        var bytes = long.MaxValue;
        var ms = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var run = build(k);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Execute(run);
            ms = Math.Min(ms, watch.Elapsed.TotalMilliseconds);
            messages = run.Messages;
            bytes = Math.Min(bytes, run.AllocatedBytes);
        }

        return (messages, bytes, ms);
    }

    private static IEnumerable<(string Workload, Variant Variant, string Parameter, Func<int, WorkloadRun> Build)> Cases()
    {
        foreach (var capacity in Sizes.FunnelCapacities)
        {
            foreach (var variant in FunnelBenchmarks.Variants)
            {
                yield return ("Funnel", variant, $"Capacity={capacity}", k => Runs.Build(variant, capacity,
                    new FunnelFactory(L("Funnel", variant, $"Capacity={capacity}"), Sizes.FunnelRigs, Sizes.FunnelSenders, k * Sizes.FunnelMessagesPerSender)));
            }
        }

        foreach (var balls in Sizes.PinballBalls)
        {
            foreach (var variant in PinballBenchmarks.Variants)
            {
                yield return ("Pinball", variant, $"Balls={balls}", k => Runs.Build(variant, balls, new PinballFactory(L("Pinball", variant, $"Balls={balls}"), balls, k * Sizes.PinballHopsPerGraph)));
            }
        }

        foreach (var variant in SpscBenchmarks.Variants)
        {
            yield return ("Spsc", variant, "", k => Runs.IsBlocking(variant)
                ? new BlockingSpscRun(L("Spsc", variant, ""), Runs.BuildBlocking(variant, Sizes.SpscCapacity), k * Sizes.SpscItems)
                : Runs.Build(variant, Sizes.SpscCapacity, new SpscFactory(L("Spsc", variant, ""), k * Sizes.SpscItems)));
        }

        foreach (var variant in SpscDrainBenchmarks.Variants)
        {
            yield return ("SpscDrain", variant, "", k => variant == Variant.Sluice
                ? SpscDrainRun.Native(L("SpscDrain", variant, ""), Sizes.SpscCapacity, k * Sizes.SpscItems)
                : SpscDrainRun.Channel(L("SpscDrain", variant, ""), variant, Sizes.SpscCapacity, k * Sizes.SpscItems));
        }

        foreach (var variant in PingPongBenchmarks.Variants)
        {
            yield return ("PingPong", variant, "", k => Runs.IsBlocking(variant)
                ? new BlockingPingPongRun(L("PingPong", variant, ""), Runs.BuildBlocking(variant, 1), Runs.BuildBlocking(variant, 1), k * Sizes.PingPongRoundTrips)
                : Runs.Build(variant, 1, new PingPongFactory(L("PingPong", variant, ""), k * Sizes.PingPongRoundTrips)));
        }

        foreach (var variant in TryPairBenchmarks.Variants)
        {
            yield return ("TryPair", variant, "", k => Runs.Build(variant, Sizes.SpscCapacity, new TryPairFactory(L("TryPair", variant, ""), k * Sizes.SpscItems)));
        }

        foreach (var producers in Sizes.FanInProducers)
        {
            foreach (var variant in FanInBenchmarks.Variants)
            {
                yield return ("FanIn", variant, $"Producers={producers}", k => Runs.Build(variant, Sizes.FanInCapacity,
                    new FunnelFactory(L("FanIn", variant, $"Producers={producers}"), 1, producers, k * Sizes.FanInTotalMessages / producers)));
            }
        }
    }

    private static string L(string workload, Variant variant, string parameter) => $"{workload}\t{variant}\t{parameter}";

    private sealed class FunnelFactory(string label, int rigs, int senders, int perSender) : IRunFactory
    {
        public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
            where TSend : struct, ISendEnd
            where TReceive : struct, IReceiveEnd
            where TPipe : IPipe<TSend, TReceive> =>
            new FunnelRun<TSend, TReceive, TPipe>(label, newPipe, rigs, senders, perSender);
    }

    private sealed class PinballFactory(string label, int balls, int hopsPerGraph) : IRunFactory
    {
        public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
            where TSend : struct, ISendEnd
            where TReceive : struct, IReceiveEnd
            where TPipe : IPipe<TSend, TReceive> =>
            new PinballRun<TSend, TReceive, TPipe>(label, newPipe, Sizes.PinballGraphs, Sizes.PinballNodes, balls, hopsPerGraph);
    }

    private sealed class SpscFactory(string label, int items) : IRunFactory
    {
        public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
            where TSend : struct, ISendEnd
            where TReceive : struct, IReceiveEnd
            where TPipe : IPipe<TSend, TReceive> =>
            new SpscRun<TSend, TReceive, TPipe>(label, newPipe, items);
    }

    private sealed class TryPairFactory(string label, int pairs) : IRunFactory
    {
        public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
            where TSend : struct, ISendEnd
            where TReceive : struct, IReceiveEnd
            where TPipe : IPipe<TSend, TReceive> =>
            new TryPairRun<TSend, TReceive, TPipe>(label, newPipe, pairs);
    }

    private sealed class PingPongFactory(string label, int roundTrips) : IRunFactory
    {
        public WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
            where TSend : struct, ISendEnd
            where TReceive : struct, IReceiveEnd
            where TPipe : IPipe<TSend, TReceive> =>
            new PingPongRun<TSend, TReceive, TPipe>(label, newPipe, roundTrips);
    }
}
