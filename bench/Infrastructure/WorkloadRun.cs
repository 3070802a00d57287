using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>A checksum failed, a message was lost or duplicated, or the run hung: the benchmark must fail.</summary>
public sealed class BenchmarkFailedException : Exception
{
    public BenchmarkFailedException()
    {
    }

    public BenchmarkFailedException(string message)
        : base("CHECKSUM FAILED: " + message)
    {
    }

    public BenchmarkFailedException(string message, Exception inner)
        : base("CHECKSUM FAILED: " + message, inner)
    {
    }
}

/// <summary>
/// One invocation of a workload. Setup (the constructor of a derived class) creates the channels and
/// starts every task, each waiting on <see cref="Gate"/>; <see cref="Execute"/> (the timed part) opens
/// the gate, waits until every task has finished and the consumers have verified what they received,
/// then checks that nothing extra is left in any channel. Allocation in the timed part is measured with
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> (every thread) and logged (see <see cref="Stats"/>).
/// </summary>
public abstract class WorkloadRun : IDisposable
{
    private readonly List<Task> _tasks = [];
    private readonly TaskCompletionSource _firstFault = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _label;
    private readonly long _messages;
    private Task? _allOrFault;
    private Task? _all;

    protected WorkloadRun(string label, long messages)
    {
        _label = label;
        _messages = messages;
    }

    /// <summary>Opened by <see cref="Execute"/>; every task awaits it first.</summary>
    protected TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Workload, variant and parameter, tab-separated (the stats' first three fields).</summary>
    public string Label => _label;

    /// <summary>The messages one invocation transfers (what msg/µs and B/msg divide by).</summary>
    public long Messages => _messages;

    /// <summary>
    /// The cache-line round trip between the CPUs measured just before this run was built (<see cref="CacheLineRoundTrip"/>),
    /// logged with the invocation (stats field 13); NaN when nobody measured it.
    /// </summary>
    public double RoundTripBeforeNs { get; set; } = double.NaN;

    /// <summary>Bytes allocated (all threads) during the last <see cref="Execute"/>.</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>Setup: a task to wait for (it must await <see cref="Gate"/> first).</summary>
    protected T Track<T>(T task)
        where T : Task
    {
        _tasks.Add(task);
        task.ContinueWith(
            static (t, s) => ((TaskCompletionSource)s!).TrySetException(t.Exception!.InnerExceptions),
            _firstFault,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>Setup: a dedicated thread that waits for the gate, then runs <paramref name="body"/>.</summary>
    protected Task StartThread(Action body, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = Gate.Task;
        var thread = new Thread(() =>
        {
            try
            {
                gate.Wait();
                body();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return Track(done.Task);
    }

    /// <summary>Setup is complete (call at the end of the derived constructor).</summary>
    protected void Arm()
    {
        _all = Task.WhenAll(_tasks);
        _allOrFault = Task.WhenAny(_all, _firstFault.Task);
    }

    /// <summary>The timed part: run everything, verify, return the checksum.</summary>
    public long Execute()
    {
        if (_allOrFault is null || _all is null)
            throw new InvalidOperationException("Arm() was not called.");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var workItemsBefore = ThreadPool.CompletedWorkItemCount;
        var contentionBefore = Monitor.LockContentionCount;
        var cpuBefore = Stats.Enabled ? Process.GetCurrentProcess().TotalProcessorTime : TimeSpan.Zero;
        var stealBefore = Stats.Enabled ? StealTime.Milliseconds() : double.NaN;
        var stopwatch = Stopwatch.StartNew();
        Gate.SetResult();
        if (!_allOrFault.Wait(Sizes.Watchdog))
            throw new BenchmarkFailedException($"{_label}: not finished after {Sizes.Watchdog.TotalSeconds} s (a lost message, or a deadlock)");
        if (_firstFault.Task.IsFaulted)
        {
            var inner = _firstFault.Task.Exception!.InnerExceptions[0];
            throw new BenchmarkFailedException($"{_label}: a task failed: {inner.Message}", inner);
        }

        _all.GetAwaiter().GetResult();
        var checksum = Verify();
        stopwatch.Stop();
        var cpu = Stats.Enabled ? Process.GetCurrentProcess().TotalProcessorTime - cpuBefore : TimeSpan.Zero;
        var steal = Stats.Enabled ? StealTime.Milliseconds() - stealBefore : double.NaN;
        var allocated = AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Stats.Record(_label, _messages, allocated, stopwatch.Elapsed.TotalMilliseconds,
            ThreadPool.CompletedWorkItemCount - workItemsBefore, Monitor.LockContentionCount - contentionBefore, ThreadPool.ThreadCount,
            cpu.TotalMilliseconds, ConvergedWarmUp.Running, steal, RoundTripBeforeNs);
        return checksum;
    }

    /// <summary>After every task finished: check the totals and that no channel holds anything extra. Throw <see cref="BenchmarkFailedException"/> on any mismatch.</summary>
    protected abstract long Verify();

    /// <summary>Throws <see cref="BenchmarkFailedException"/> with <paramref name="what"/> unless <paramref name="condition"/>.</summary>
    protected void Check(bool condition, string what)
    {
        if (!condition)
            throw new BenchmarkFailedException($"{_label}: {what}");
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>
/// Per-invocation measurements appended to the file named by <c>SLUICE_BENCH_STATS</c> (if set), one
/// tab-separated line each: label (workload, variant, parameter), messages, bytes allocated in the timed
/// part (all threads), elapsed ms, thread-pool work items completed, monitor lock contentions, thread-pool
/// threads at the end, process CPU time in ms (all threads: less sensitive than elapsed time to other
/// jobs on the machine, but it includes spinning), and the phase: <c>W</c> for an invocation of
/// <see cref="ConvergedWarmUp"/>, <c>B</c> for one BenchmarkDotNet ran (its own warm-ups included; files from
/// before the converged warm-up have no phase field), and the machine's steal time in ms over the invocation (all
/// CPUs: time the hypervisor ran something else while a vCPU had work; 10 ms resolution; <c>NaN</c> where
/// /proc/stat has no steal field; files before 2026-11-22 have none), and the cache-line round trip between the CPUs in ns measured
/// just before the run was built (<see cref="CacheLineRoundTrip"/>: which state of the host the invocation ran in; <c>NaN</c> when not
/// measured, as in the converged warm-up; run 2026-11-22-dev-2core and earlier have none). The summary turns them into per-message diagnostics (BenchmarkDotNet's
/// ThreadingDiagnoser does not run on .NET 10 with BenchmarkDotNet 0.14.0).
/// </summary>
public static class Stats
{
    private static readonly string? s_path = Environment.GetEnvironmentVariable("SLUICE_BENCH_STATS");

    public static bool Enabled => s_path is not null;

    public static void Record(string label, long messages, long allocatedBytes, double elapsedMs, long workItems, long lockContentions, int poolThreads, double cpuMs, bool warmUp, double stealMs, double roundTripNs)
    {
        if (s_path is null)
            return;
        var line = string.Create(CultureInfo.InvariantCulture, $"{label}\t{messages}\t{allocatedBytes}\t{elapsedMs:F3}\t{workItems}\t{lockContentions}\t{poolThreads}\t{cpuMs:F1}\t{(warmUp ? "W" : "B")}\t{stealMs:F0}\t{roundTripNs:F0}\n");
        File.AppendAllText(s_path, line);
    }
}

/// <summary>A fixed-seed SplitMix64 (the same stream for every channel under test).</summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n) (Lemire's multiply-shift; bias below 2^-32).</summary>
    public int NextInt(int n) => (int)(((Next() >> 32) * (ulong)n) >> 32);
}

/// <summary>Builds the run of a workload for a channel type (the workload's generic code is specialised per channel).</summary>
public interface IRunFactory
{
    WorkloadRun Create<TSend, TReceive, TPipe>(Func<TPipe> newPipe)
        where TSend : struct, ISendEnd
        where TReceive : struct, IReceiveEnd
        where TPipe : IPipe<TSend, TReceive>;
}

public static class Runs
{
    /// <summary>The async run of <paramref name="variant"/> (a bounded variant gets <paramref name="capacity"/>).</summary>
    public static WorkloadRun Build(Variant variant, int capacity, IRunFactory factory) => variant switch
    {
        Variant.Sluice => factory.Create<SluiceSendEnd, SluiceReceiveEnd, SluicePipe>(() => new SluicePipe(capacity)),
        Variant.SluiceAdapter or Variant.BclBounded or Variant.BclUnbounded or Variant.BclUnboundedSpsc =>
            factory.Create<ChannelSendEnd, ChannelReceiveEnd, ChannelPipe>(() => ChannelPipe.Create(variant, capacity)),
        Variant.QueueSemaphore => factory.Create<QueueSemaphoreSendEnd, QueueSemaphoreReceiveEnd, QueueSemaphorePipe>(() => new QueueSemaphorePipe()),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "not an async variant"),
    };

    /// <summary>The blocking pipe of <paramref name="variant"/>.</summary>
    public static IBlockingPipe BuildBlocking(Variant variant, int capacity) => variant switch
    {
        Variant.SluiceBlocking => new SluiceBlockingPipe(capacity),
        Variant.BlockingCollection => new BlockingCollectionPipe(capacity),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "not a blocking variant"),
    };

    public static bool IsBlocking(Variant variant) => variant is Variant.SluiceBlocking or Variant.BlockingCollection;
}
