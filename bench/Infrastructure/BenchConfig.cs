using System;
using System.Globalization;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>The suite's BenchmarkDotNet configuration.</summary>
public static class BenchConfig
{
    /// <summary>
    /// Defaults plus the memory diagnoser, the JSON exporter and the per-message columns. Unless the command
    /// line names a job, the job is Monitoring (each iteration is one invocation of a whole workload: no
    /// pilot, no unrolling), one launch, 3 warm-up and 7 measured iterations (quick: 2 and 5; smoke: 0 and 1,
    /// in process). The warm-up that matters runs before these, in each case's <c>[GlobalSetup]</c>:
    /// <see cref="ConvergedWarmUp"/> repeats the invocation until the JIT is silent and the times have stopped
    /// falling (System.Threading.Channels ships precompiled and Sluice does not; a fixed count of 10 was not
    /// enough for the funnel in run 2026-11-21-dev-2core-6).
    /// </summary>
    public static IConfig Create(bool jobOnCommandLine)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max)
            .AddExporter(JsonExporter.FullCompressed)
            .AddColumn(new PerMessageColumn(PerMessageColumn.Kind.MessagesPerMicrosecond))
            .AddColumn(new PerMessageColumn(PerMessageColumn.Kind.NanosecondsPerMessage))
            .AddColumn(new PerMessageColumn(PerMessageColumn.Kind.BytesPerMessage));
        if (!jobOnCommandLine)
        {
            var job = Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(Sizes.Smoke ? 0 : Sizes.Quick ? 2 : 3)
                .WithIterationCount(Sizes.Smoke ? 1 : Sizes.Quick ? 5 : 7)
                .WithId(Sizes.Smoke ? "Smoke" : Sizes.Quick ? "Quick" : "Full");

            // The smoke run checks plumbing and checksums, not speed: in this process (seconds, no generated
            // project per class) unless SLUICE_BENCH_OUT_OF_PROCESS=1 asks for the toolchain the measurements use.
            if (Sizes.Smoke && Environment.GetEnvironmentVariable("SLUICE_BENCH_OUT_OF_PROCESS") != "1")
                job = job.WithToolchain(InProcessEmitToolchain.Instance);
            config = config.AddJob(job);
        }

        return config;
    }

    /// <summary>Messages per invocation of <paramref name="benchmarkCase"/>: its type's static <c>Messages(…)</c>, given the parameters of the same names.</summary>
    /// <returns>Null for a benchmark that is not a message workload (e.g. the shim overhead micro-benchmarks).</returns>
    public static long? MessagesOf(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        var method = type.GetMethod("Messages", BindingFlags.Public | BindingFlags.Static);
        if (method is null)
            return null;
        var args = method.GetParameters()
            .Select(p => benchmarkCase.Parameters.Items.First(i => string.Equals(i.Name, p.Name, StringComparison.OrdinalIgnoreCase)).Value)
            .ToArray();
        return (long)method.Invoke(null, args)!;
    }
}

/// <summary>msg/µs, ns/msg and B/msg from the invocation's mean time and allocation.</summary>
public sealed class PerMessageColumn(PerMessageColumn.Kind kind) : IColumn
{
    public enum Kind
    {
        MessagesPerMicrosecond,
        NanosecondsPerMessage,
        BytesPerMessage,
    }

    public string Id => "Sluice." + kind;

    public string ColumnName => kind switch
    {
        Kind.MessagesPerMicrosecond => "msg/µs",
        Kind.NanosecondsPerMessage => "ns/msg",
        _ => "B/msg",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind switch
    {
        Kind.MessagesPerMicrosecond => "Messages per microsecond (messages per invocation / median invocation time)",
        Kind.NanosecondsPerMessage => "Median invocation time / messages per invocation",
        _ => "Bytes allocated per invocation (all threads) / messages per invocation",
    };

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var mean = report?.ResultStatistics?.Median;
        var perInvocation = BenchConfig.MessagesOf(benchmarkCase);
        if (perInvocation is null)
            return "-";
        if (report is null || mean is null)
            return "NA";
        var messages = (double)perInvocation.Value;
        switch (kind)
        {
            case Kind.MessagesPerMicrosecond:
                return (messages / (mean.Value / 1000.0)).ToString("F2", CultureInfo.InvariantCulture);
            case Kind.NanosecondsPerMessage:
                return (mean.Value / messages).ToString("F1", CultureInfo.InvariantCulture);
            default:
                var bytes = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
                return bytes is null ? "NA" : (bytes.Value / messages).ToString("F3", CultureInfo.InvariantCulture);
        }
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
