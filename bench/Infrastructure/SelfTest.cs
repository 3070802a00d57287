using System;
using System.Collections.Generic;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// <c>bench selftest</c>: the suite's own rules on fixed inputs, so that a wrong rule fails the CI smoke
/// (bench/ has no test project; <c>bench/run.sh --smoke</c> runs this first). Today: the converged warm-up's
/// flatness test (<see cref="ConvergedWarmUp.IsFlat"/>).
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

        Console.WriteLine(failures.Count == 0 ? "selftest: PASSED" : $"selftest: FAILED ({failures.Count}): {string.Join("; ", failures)}");
        return failures.Count == 0 ? 0 : 1;
    }
}
