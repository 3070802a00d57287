using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sluice.Verification.Orderings;

/// <summary>A check the ordering analysis runs against each mutant: an exploration that passes on the real code.</summary>
/// <param name="Name">Its name in the report.</param>
/// <param name="Options">Its checker options (the analysis adds the mutant's <see cref="CheckerOptions.Weaken"/>).</param>
/// <param name="Body">The test body.</param>
public sealed record OrderingCheck(string Name, CheckerOptions Options, Action Body);

/// <summary>What the analysis concluded about one mutant.</summary>
public enum OrderingVerdict
{
    /// <summary>A check failed with the weakened ordering: the stated ordering is necessary (for that check).</summary>
    Necessary,

    /// <summary>Every check passed and the site was executed: over-strong, or a test is missing.</summary>
    NotCaught,

    /// <summary>No check executed the site: a test is missing.</summary>
    NotExercised,
}

/// <summary>The outcome for one mutant.</summary>
/// <param name="Mutant">The mutant.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="CaughtBy">The check that failed (for <see cref="OrderingVerdict.Necessary"/>).</param>
/// <param name="Failure">Its failure (kind, report, schedule).</param>
/// <param name="Executions">Executions run for this mutant over all checks.</param>
/// <param name="WeakenedOperations">Operations whose ordering the mutant changed (0: never executed).</param>
/// <param name="Elapsed">Time spent on this mutant.</param>
public sealed record OrderingResult(OrderingMutant Mutant, OrderingVerdict Verdict, string? CaughtBy, CheckFailure? Failure, long Executions, int WeakenedOperations, TimeSpan Elapsed);

/// <summary>
/// The ordering-necessity analysis: for every atomic operation and fence of a code base, weaken its ordering by
/// one step (no rebuild: <see cref="CheckerOptions.Weaken"/>), run the checks, and classify the site as
/// <see cref="OrderingVerdict.Necessary"/> (a named check fails, with its counterexample) or not caught.
/// </summary>
public static class OrderingAnalysis
{
    /// <summary>Runs every mutant of every site against the checks (stopping at the first failing check per mutant).</summary>
    /// <param name="sites">The sites (<see cref="OrderingSite.Scan(string, string[])"/>).</param>
    /// <param name="checks">The checks; each must pass on the unmodified code (verified first).</param>
    /// <param name="log">Progress lines.</param>
    /// <returns>One result per mutant.</returns>
    /// <exception cref="InvalidOperationException">A check fails on the unmodified code.</exception>
    public static IReadOnlyList<OrderingResult> Run(IReadOnlyList<OrderingSite> sites, IReadOnlyList<OrderingCheck> checks, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(checks);
        foreach (var check in checks)
        {
            var baseline = Checker.Run(check.Options with { Weaken = null, Log = null }, check.Body);
            if (baseline.Failure is not null)
                throw new InvalidOperationException($"Check '{check.Name}' fails on the unmodified code; fix it before analysing orderings:\n{baseline.Failure.Report}");
            log?.Invoke($"baseline {check.Name}: {baseline.Summary}");
        }

        var mutants = sites.SelectMany(OrderingMutant.For).ToList();
        var results = new List<OrderingResult>();
        var n = 0;
        foreach (var mutant in mutants)
        {
            n++;
            var clock = Stopwatch.StartNew();
            long executions = 0;
            var weakened = 0;
            OrderingResult? result = null;
            foreach (var check in checks)
            {
                var run = Checker.Run(check.Options with { Weaken = mutant.Weaken, Log = null, Minimize = true }, check.Body);
                executions += run.Executions;
                weakened += run.WeakenedOperations;
                if (run.Failure is not null)
                {
                    result = new OrderingResult(mutant, OrderingVerdict.Necessary, check.Name, run.Failure, executions, weakened, clock.Elapsed);
                    break;
                }
            }

            result ??= new OrderingResult(mutant, weakened > 0 ? OrderingVerdict.NotCaught : OrderingVerdict.NotExercised, null, null, executions, weakened, clock.Elapsed);
            results.Add(result);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"[{n}/{mutants.Count}] {mutant.Site.Key} {mutant.Site.Operation} {mutant.Description}: {result.Verdict}" +
                $"{(result.CaughtBy is null ? "" : " by " + result.CaughtBy + " (" + result.Failure!.Kind + ")")}, {executions} executions, {clock.Elapsed.TotalSeconds:0.0} s"));
        }

        return results;
    }

    /// <summary>The report: one table per file (site, ordering, mutant, verdict, check that caught it), then the relaxed sites.</summary>
    /// <param name="sites">All sites (relaxed ones are listed as already weakest).</param>
    /// <param name="results">The results of <see cref="Run"/>.</param>
    /// <param name="justifications">For not-caught mutants: why the stated ordering is kept (key: <c>File:Line=Replacement</c>).</param>
    /// <returns>Markdown.</returns>
    public static string Report(IReadOnlyList<OrderingSite> sites, IReadOnlyList<OrderingResult> results, IReadOnlyDictionary<string, string>? justifications = null)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        var necessary = results.Count(r => r.Verdict == OrderingVerdict.Necessary);
        sb.AppendLine(CultureInfo.InvariantCulture, $"{sites.Count} sites, {results.Count} one-step weakenings: {necessary} caught (necessary), " +
            $"{results.Count(r => r.Verdict == OrderingVerdict.NotCaught)} not caught, {results.Count(r => r.Verdict == OrderingVerdict.NotExercised)} not exercised; " +
            $"{sites.Count(s => !OrderingMutant.For(s).Any())} sites already relaxed.");
        sb.AppendLine();
        foreach (var file in sites.Select(s => s.File).Distinct())
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"### {file}");
            sb.AppendLine();
            sb.AppendLine("| line | member | operation | stated | weakened to | verdict | caught by / why kept |");
            sb.AppendLine("|---:|---|---|---|---|---|---|");
            foreach (var site in sites.Where(s => s.File == file))
            {
                var mine = results.Where(r => r.Mutant.Site == site).ToList();
                if (mine.Count == 0)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {site.Line} | {site.Member} | {site.Operation} | {site.Ordering} | — | already relaxed | |");
                    continue;
                }

                foreach (var r in mine)
                {
                    var why = r.Verdict == OrderingVerdict.Necessary
                        ? $"{r.CaughtBy}: {r.Failure!.Kind}"
                        : justifications is not null && justifications.TryGetValue(r.Mutant.Weaken, out var j) ? j : "**unresolved**";
                    var verdict = r.Verdict switch
                    {
                        OrderingVerdict.Necessary => "necessary",
                        OrderingVerdict.NotCaught => "not caught",
                        _ => "not exercised",
                    };
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {site.Line} | {site.Member} | {site.Operation} | {site.Ordering} | {r.Mutant.Description} | {verdict} | {why} |");
                }
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }
}
