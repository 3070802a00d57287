using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Threading;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// The warm-up that runs before BenchmarkDotNet's own (from each workload class's <c>[GlobalSetup]</c>, in the
/// process that then measures the case): whole invocations, each with a fresh run, repeated until the process
/// has stopped getting faster. BenchmarkDotNet's Monitoring strategy only has a fixed warm-up count, and no fixed
/// count fits every case: System.Threading.Channels ships precompiled (ReadyToRun) while Sluice starts as Tier-0
/// code, and how long tiering takes depends on the workload (the funnel at capacity 100 was still getting faster
/// after 10 warm-ups in run 2026-11-21-dev-2core-6, so its ratios understated Sluice). The same rule applies to
/// every variant, so the comparison stays fair.
/// </summary>
/// <remarks>
/// Converged after invocation i (i ≥ <see cref="MinInvocations"/>, at least <see cref="MinTime"/> spent) when
/// both hold: (1) the JIT compiled nothing during the last <see cref="Window"/> invocations
/// (<see cref="JitInfo.GetCompiledMethodCount"/>: tier-up and OSR are compilations, so a silent JIT means the
/// code has stopped changing), and (2) the median of the last <see cref="Window"/> invocation times is no more than
/// <see cref="Tolerance"/> below the median of the <see cref="Window"/> before them (the times have stopped
/// falling; condition 1 alone misses other slow starts, e.g. the thread pool still adding threads). Gives up at
/// <see cref="Budget"/> (logged as <c>capped</c>: the case is then measured as it is). Each case's outcome is one
/// line of the file named by <c>SLUICE_BENCH_WARMUP</c> (if set) and of the BenchmarkDotNet log; the warm-up
/// invocations also go to the per-invocation stats, marked <c>W</c>, which the summary leaves out of its medians.
/// </remarks>
public static class ConvergedWarmUp
{
    /// <summary>Invocations compared per window.</summary>
    public const int Window = 3;

    /// <summary>How much faster the last window's median may be than the one before and still count as flat.</summary>
    public const double Tolerance = 0.05;

    /// <summary>The fewest invocations (two full windows).</summary>
    public const int MinInvocations = 2 * Window;

    private static readonly string? s_logPath = Environment.GetEnvironmentVariable("SLUICE_BENCH_WARMUP");

    /// <summary>
    /// The least time spent warming up: a second, so that the runtime's call-counting delay (100 ms after the
    /// last Tier-0 compilation) and the background Tier-1 compilations that follow it have happened.
    /// Smoke: none (the smoke only proves the loop runs).
    /// </summary>
    public static TimeSpan MinTime => Sizes.Smoke ? TimeSpan.Zero : TimeSpan.FromSeconds(1);

    /// <summary>The most time spent warming up one case (full 10 s, quick 5 s, smoke a quarter of a second).</summary>
    public static TimeSpan Budget => Sizes.Smoke ? TimeSpan.FromSeconds(0.25) : Sizes.Quick ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(10);

    /// <summary>True while the warm-up runs (the stats mark its invocations <c>W</c>).</summary>
    public static bool Running { get; private set; }

    /// <summary>Warms up the case that <paramref name="createRun"/> builds; returns the outcome (also logged).</summary>
    public static Outcome Run(Func<WorkloadRun> createRun)
    {
        ArgumentNullException.ThrowIfNull(createRun);
        var times = new List<double>();
        var compiled = new List<long>();
        var total = Stopwatch.StartNew();
        var jitBefore = JitInfo.GetCompiledMethodCount();
        var converged = false;
        var label = "";
        Running = true;
        try
        {
            while (total.Elapsed < Budget)
            {
                var run = createRun();
                label = run.Label;
                try
                {
                    var watch = Stopwatch.StartNew();
                    run.Execute();
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                finally
                {
                    run.Dispose();
                }

                compiled.Add(JitInfo.GetCompiledMethodCount());
                if (times.Count >= MinInvocations && total.Elapsed >= MinTime && IsFlat(times, compiled))
                {
                    converged = true;
                    break;
                }
            }
        }
        finally
        {
            Running = false;
        }

        var outcome = new Outcome(label, times.Count, total.Elapsed.TotalSeconds, times[0], Median(times.TakeLast(Window)),
            JitInfo.GetCompiledMethodCount() - jitBefore, converged);
        Console.WriteLine("// warm-up: " + outcome.ToLine().Replace('\t', ' '));
        if (s_logPath is not null)
            File.AppendAllText(s_logPath, outcome.ToLine() + "\n");
        return outcome;
    }

    /// <summary>The convergence test on the invocation times and the JIT's running compiled-method counts after each.</summary>
    public static bool IsFlat(IReadOnlyList<double> times, IReadOnlyList<long> compiledAfter)
    {
        var n = times.Count;
        if (n < MinInvocations || compiledAfter.Count != n)
            return false;

        // The count after invocation n-Window-1 equals the count after the last one: nothing compiled during the last window.
        if (compiledAfter[n - 1] != compiledAfter[n - Window - 1])
            return false;
        var last = Median(times.Skip(n - Window));
        var before = Median(times.Skip(n - 2 * Window).Take(Window));
        return last >= (1 - Tolerance) * before;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>One case's warm-up: invocations, seconds, the first and the last window's median time, methods compiled meanwhile.</summary>
    public sealed record Outcome(string Label, int Invocations, double Seconds, double FirstMs, double LastMs, long MethodsCompiled, bool Converged)
    {
        /// <summary>label (3 tab-separated fields), invocations, seconds, first ms, last window's median ms, methods compiled, converged|capped.</summary>
        public string ToLine() => string.Create(CultureInfo.InvariantCulture,
            $"{Label}\t{Invocations}\t{Seconds:F2}\t{FirstMs:F3}\t{LastMs:F3}\t{MethodsCompiled}\t{(Converged ? "converged" : "capped")}");

        /// <summary>The inverse of <see cref="ToLine"/>; null for a line of another shape.</summary>
        public static Outcome? Parse(string line)
        {
            var f = line.Split('\t');
            if (f.Length != 9)
                return null;
            var c = CultureInfo.InvariantCulture;
            return new Outcome(string.Join('\t', f[..3]), int.Parse(f[3], c), double.Parse(f[4], c), double.Parse(f[5], c),
                double.Parse(f[6], c), long.Parse(f[7], c), f[8] == "converged");
        }
    }
}
