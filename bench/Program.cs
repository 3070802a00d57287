using System;
using System.Linq;
using BenchmarkDotNet.Running;
using Sluice.Benchmarks.Infrastructure;

namespace Sluice.Benchmarks;

/// <summary>
/// Entry point. <c>dotnet run -c Release --project bench -- --filter '*'</c> runs BenchmarkDotNet (see
/// bench/README.md and bench/run.sh); <c>… -- summarize &lt;results dir&gt;</c> turns a run's JSON into the
/// ratio tables and chart data. Exits non-zero if any benchmark failed (a checksum, a hang, a crash).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "summarize")
            return Summarizer.Run(args[1..]);
        if (args.Length > 0 && args[0] == "alloc-probe")
            return AllocationProbe.Run(args[1..]);
        if (args.Length > 0 && args[0] == "loop")
            return AllocationProbe.Loop(args[1..]);
        if (args.Length > 0 && args[0] == "selftest")
            return SelfTest.Run();

        var config = BenchConfig.Create(jobOnCommandLine: args.Contains("--job"));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToArray();
        var failures = 0;
        var cases = 0;
        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors)
            {
                Console.Error.WriteLine($"FAILED: {summary.Title}: critical validation errors");
                failures++;
            }

            foreach (var benchmarkCase in summary.BenchmarksCases)
            {
                cases++;
                var report = summary[benchmarkCase];
                if (report is null || !report.Success || report.ResultStatistics is null)
                {
                    Console.Error.WriteLine($"FAILED: {benchmarkCase.DisplayInfo}");
                    failures++;
                }
            }
        }

        if (summaries.Length == 0 && args.Contains("--filter"))
        {
            Console.Error.WriteLine("FAILED: no benchmark ran");
            return 1;
        }

        Console.WriteLine(failures == 0
            ? $"{cases} case(s): all ran and verified their checksums."
            : $"{failures} of {cases} case(s) FAILED.");
        return failures == 0 ? 0 : 1;
    }
}
