using System;
using System.Collections.Generic;
using System.Linq;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// <c>bench selftest</c>: the suite's own rules on fixed inputs, so that a wrong rule fails the CI smoke
/// (bench/ has no test project; <c>bench/run.sh --smoke</c> runs this first): the converged warm-up's
/// flatness test (<see cref="ConvergedWarmUp.IsFlat"/>), the summary's rule for which invocations ran in the host's
/// fast state (<see cref="Summarizer.FastInvocations"/>), and the cache-line probe's time limit.
/// </summary>
public static class SelfTest
{
    public static int Run()
    {
        var failures = new List<string>();

        void Expect(bool expected, double[] times, long[] compiledAfter, string what)
        {
            var actual = ConvergedWarmUp.IsFlat(times, compiledAfter);
            Console.WriteLine($"{(actual == expected ? "ok  " : "FAIL")} IsFlat = {actual,-5} (expected {expected}): {what}");
            if (actual != expected)
                failures.Add(what);
        }

        long[] quiet = [900, 950, 960, 960, 960, 960, 960];
        Expect(true, [50, 51, 49, 50, 52, 50], quiet[1..], "flat times, JIT silent over the last window");
        Expect(false, [100, 90, 80, 70, 60, 50], quiet[1..], "times still falling (last window's median 60 < 95 % of 90)");
        Expect(true, [50, 50, 50, 48, 48, 48], quiet[1..], "4 % faster: inside the 5 % tolerance");
        Expect(false, [50, 50, 50, 47, 47, 47], quiet[1..], "6 % faster: outside the tolerance");
        Expect(true, [50, 50, 50, 60, 61, 59], quiet[1..], "slower is not getting faster");
        Expect(false, [50, 51, 49, 50, 52, 50], [900, 950, 960, 960, 961, 961], "flat times, but the JIT compiled during the last window");
        Expect(true, [90, 50, 51, 49, 50, 52, 50], quiet, "compilations before the last window do not count");
        Expect(false, [50, 51, 49, 50, 52], [950, 960, 960, 960, 960], "fewer than two windows of invocations");
        Expect(false, [50, 51, 49, 50, 52, 50], quiet[2..], "counts and times of different lengths");

        void ExpectFast(double[] expected, (double, double)[] invocations, string what)
        {
            var actual = Summarizer.FastInvocations(invocations);
            var ok = actual.SequenceEqual(expected);
            Console.WriteLine($"{(ok ? "ok  " : "FAIL")} fast = [{string.Join(", ", actual)}] (expected [{string.Join(", ", expected)}]): {what}");
            if (!ok)
                failures.Add(what);
        }

        ExpectFast([1, 2, 3], [(1, 60), (2, 70), (3, 80)], "every round trip fast: every invocation counts");
        ExpectFast([3], [(1, 60), (2, 300), (3, 60)], "fast, slow, fast: the first is followed by a slow probe, the last has none after it");
        ExpectFast([2, 3], [(1, 300), (2, 60), (3, 60)], "a slow probe before the first invocation leaves only it out");
        ExpectFast([1], [(1, 60), (2, 60), (3, 300)], "a fast probe followed by a slow one: the host may have flipped during the invocation");
        ExpectFast([], [(1, 149.9), (2, 150), (3, 200)], "150 ns is not fast (the threshold is strict), and neither is what precedes it");
        ExpectFast([2], [(1, double.NaN), (2, 60)], "a probe that measured nothing (NaN) is not fast");

        // The probe must give up when the two threads cannot both run (a busy machine): asked for far more round
        // trips than its time limit allows, it returns within about that limit instead of spinning on.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ns = CacheLineRoundTrip.MeasureNs(rounds: 1_000_000_000);
        var limited = watch.Elapsed < CacheLineRoundTrip.Budget * 5 && (double.IsNaN(ns) || ns > 0);
        Console.WriteLine($"{(limited ? "ok  " : "FAIL")} MeasureNs(10^9 rounds) returned {ns:F0} ns after {watch.Elapsed.TotalMilliseconds:F0} ms (limit {CacheLineRoundTrip.Budget.TotalMilliseconds:F0} ms)");
        if (!limited)
            failures.Add("the cache-line probe's time limit");

        Console.WriteLine(failures.Count == 0 ? "selftest: PASSED" : $"selftest: FAILED ({failures.Count}): {string.Join("; ", failures)}");
        return failures.Count == 0 ? 0 : 1;
    }
}
