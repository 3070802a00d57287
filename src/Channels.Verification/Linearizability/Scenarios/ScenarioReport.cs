using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sluice.Verification.Linearizability;

/// <summary>
/// Formats a failing scenario the way Lincheck does: one column per thread with each operation and its
/// result (init above, post below), the results that cannot be linearized marked, then the history with its
/// intervals, the longest linearizable prefix, and (model mode) the checker's interleaving and replay schedule.
/// </summary>
public static class ScenarioReport
{
    private const string Rejected = " ✗";
    private const string Blocked = " ⏸";

    /// <summary>One line: why the history is not linearizable.</summary>
    /// <param name="check">The check.</param>
    /// <returns>The line.</returns>
    public static string ShortReason(LinearizabilityResult check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (check.Reason is not null)
            return check.Reason;
        var first = check.Rejected.FirstOrDefault();
        return first.Reason is null ? "no linearization exists" : "no linearization exists; e.g. " + first.Reason;
    }

    /// <summary>Formats the execution as a per-thread table with results.</summary>
    /// <param name="execution">The execution.</param>
    /// <param name="rejected">Executed operations to mark as not linearizable.</param>
    /// <returns>The table.</returns>
    public static string Table(ScenarioExecution execution, IReadOnlySet<ExecutedOperation>? rejected = null)
    {
        ArgumentNullException.ThrowIfNull(execution);
        string Cell(ExecutedOperation o) =>
            o.ToString() + (rejected?.Contains(o) == true ? Rejected : "") + (o.BlockedAtQuiescence ? Blocked : "");

        var threads = Math.Max(1, execution.Scenario.Parallel.Count);
        var columns = Enumerable.Range(0, threads)
            .Select(t => execution.Operations.Where(o => o.Part == ScenarioPart.Parallel && o.Thread == t).Select(Cell).ToList())
            .ToList();
        var init = execution.Operations.Where(o => o.Part == ScenarioPart.Init).Select(Cell).ToList();
        var post = execution.Operations.Where(o => o.Part == ScenarioPart.Post).Select(Cell).ToList();
        if (execution.Teardown.Started)
            post.Insert(0, "(teardown) " + Cell(execution.Teardown));

        var width = Math.Max(14, columns.SelectMany(c => c).Concat(new[] { "T1" }).Max(s => s.Length));
        var singleWidth = Math.Max(width, init.Concat(post).DefaultIfEmpty("").Max(s => s.Length));
        var sb = new StringBuilder();
        var fullWidth = Math.Max(threads * (width + 3) - 3, singleWidth);
        void Line(IEnumerable<string> cells) => sb.Append("| ").Append(string.Join(" | ", cells)).AppendLine(" |");
        void Rule() => sb.Append('|').Append(new string('-', fullWidth + 2)).AppendLine("|");

        foreach (var row in init)
            Line(new[] { row.PadRight(fullWidth) });
        if (init.Count > 0)
            Rule();
        Line(Enumerable.Range(0, threads).Select(t => ("T" + (t + 1).ToString(CultureInfo.InvariantCulture)).PadRight(width)).Select((s, i) => i == threads - 1 ? s.PadRight(fullWidth - (threads - 1) * (width + 3)) : s));
        var rows = columns.Max(c => c.Count);
        for (var r = 0; r < rows; r++)
            Line(columns.Select((c, i) => (r < c.Count ? c[r] : "").PadRight(i == threads - 1 ? fullWidth - (threads - 1) * (width + 3) : width)));
        if (post.Count > 0)
            Rule();
        foreach (var row in post)
            Line(new[] { row.PadRight(fullWidth) });
        return sb.ToString();
    }

    /// <summary>Formats the full report of a failing scenario.</summary>
    /// <param name="failure">The failure.</param>
    /// <param name="subject">The channel.</param>
    /// <param name="mode">The mode, in words.</param>
    /// <param name="seed">The generator seed.</param>
    /// <param name="scenarioNumber">Which generated scenario failed (1-based).</param>
    /// <returns>The report.</returns>
    public static string Format(ScenarioFailure failure, ChannelSubject subject, string mode, int seed, int scenarioNumber)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(subject);
        var e = failure.Execution;
        var sb = new StringBuilder();
        var title = failure.Kind switch
        {
            ScenarioFailureKind.NotLinearizable => "NOT LINEARIZABLE",
            ScenarioFailureKind.Hung => "HUNG",
            _ => "CHECKER FAILURE: " + failure.CheckerFailure?.Kind,
        };
        sb.Append("══ Sluice linearizability: ").Append(title).Append(" — ").Append(subject.Name).AppendLine(" ══");
        sb.Append("Mode: ").AppendLine(mode);
        sb.Append("Specification: bounded FIFO channel, capacity ").Append(failure.Scenario.Capacity.ToString(CultureInfo.InvariantCulture));
        if (subject.Specification.EmptyWhileOldestSendInFlight)
            sb.Append(", a receive may see Empty while the oldest message's send is in flight");
        if (!subject.Specification.StrictTimeouts)
            sb.Append(", timeouts may linearize anywhere");
        sb.AppendLine();
        sb.Append("Found in scenario ").Append(scenarioNumber.ToString(CultureInfo.InvariantCulture))
            .Append(" of the run (generator seed ").Append(seed.ToString(CultureInfo.InvariantCulture)).Append(", if generated), execution ")
            .Append(failure.ExecutionNumber.ToString(CultureInfo.InvariantCulture)).AppendLine();
        if (ReferenceEquals(failure.Original, failure.Scenario) && failure.MinimizationAttempts == 0)
        {
            sb.AppendLine("Not minimised (minimisation off, or no smaller scenario to try).");
        }
        else if (ReferenceEquals(failure.Original, failure.Scenario))
        {
            sb.Append("Not minimised: none of the ").Append(failure.MinimizationAttempts.ToString(CultureInfo.InvariantCulture))
                .AppendLine(" smaller scenarios tried reproduced the failure.");
        }
        else
        {
            sb.Append("Minimised from ").Append(failure.Original.Shape).Append(" (").Append(failure.Original.OperationCount.ToString(CultureInfo.InvariantCulture))
                .Append(" operations) to ").Append(failure.Scenario.Shape).Append(" (").Append(failure.Scenario.OperationCount.ToString(CultureInfo.InvariantCulture))
                .Append(" operations) in ").Append(failure.MinimizationAttempts.ToString(CultureInfo.InvariantCulture)).AppendLine(" attempts.");
        }

        sb.AppendLine();
        var history = e.ToHistory(out var executed);
        var check = failure.Check;
        var rejectedOps = check?.Rejected.Where(r => r.Operation >= 0).Select(r => executed[r.Operation]).ToHashSet() ?? new HashSet<ExecutedOperation>();
        switch (failure.Kind)
        {
            case ScenarioFailureKind.NotLinearizable when check is not null:
                sb.Append("Invalid execution results: ").AppendLine(ShortReason(check));
                break;
            case ScenarioFailureKind.Hung:
                sb.Append("The execution hung: ").AppendLine(e.HarnessFailure);
                break;
            default:
                sb.Append("The checker reported ").Append(failure.CheckerFailure?.Kind.ToString() ?? "a failure").Append(": ").AppendLine(failure.CheckerFailure?.Message);
                break;
        }

        sb.AppendLine();
        sb.AppendLine("Scenario and results (init runs before the parallel part, post after it; ✗ marks results that cannot be linearized");
        sb.AppendLine("after the longest linearizable prefix; ⏸ marks operations blocked when every thread had finished or blocked):");
        sb.Append(Table(e, rejectedOps));
        sb.AppendLine();
        sb.Append("History (").Append(e.TimeUnit == "step" ? "logical time: the order in which the model executed invocations and responses" : "µs since the first invocation, fenced Stopwatch timestamps")
            .AppendLine("; [invoked, responded]):");
        var t0 = e.Operations.Where(o => o.Started).Select(o => o.Invoked).DefaultIfEmpty(0).Min();
        string T(long t) => e.TimeUnit == "step"
            ? t.ToString(CultureInfo.InvariantCulture)
            : ((t - t0) / e.TicksPerUnit).ToString("0.0", CultureInfo.InvariantCulture);
        var lines = new List<(long Time, string Text)>();
        foreach (var o in e.Operations.Where(o => o.Started))
        {
            var mark = (rejectedOps.Contains(o) ? Rejected : "") + (o.BlockedAtQuiescence ? Blocked : "");
            var interval = o.Done ? $"[{T(o.Invoked),7}, {T(o.Responded),7}]" : $"[{T(o.Invoked),7},       …]";
            lines.Add((o.Invoked, $"  {interval} {o.ThreadLabel,-9} {o.Op} → {(o.Done ? o.Result.ToString() : "did not return")}{mark}"));
        }

        if (e.QuiescentAt is long q)
            lines.Add((q, $"  [{T(q),7}         ] quiescent: every thread finished or blocked; the harness then closes the channel"));
        foreach (var (_, text) in lines.OrderBy(l => l.Time))
            sb.AppendLine(text);

        if (check is { Verdict: LinearizabilityVerdict.NotLinearizable, Reason: null })
        {
            sb.AppendLine();
            sb.Append("Why: the longest linearizable prefix has ").Append(check.LongestPrefix.Count.ToString(CultureInfo.InvariantCulture)).Append(" of ")
                .Append(history.Operations.Count.ToString(CultureInfo.InvariantCulture)).AppendLine(" operations:");
            sb.Append("    ").AppendLine(check.LongestPrefix.Count == 0 ? "(empty)" : string.Join("; ", check.LongestPrefix.Select(i => executed[i].ThreadLabel + " " + executed[i])));
            sb.Append("  model after it: ").AppendLine(check.StateAfterPrefix);
            var deadline = check.Deadline switch
            {
                int d when d >= 0 => $" (one of them had to come before {executed[d].ThreadLabel} {executed[d].Op} returned)",
                int => " (one of them had to come before the quiescence point)",
                _ => "",
            };
            sb.Append("  none of these can come next").Append(deadline).AppendLine(":");
            foreach (var (op, reason) in check.Rejected)
            {
                var who = op >= 0 ? $"{executed[op].ThreadLabel} {executed[op]}" : "the quiescence point";
                sb.Append("    ✗ ").Append(who).Append(" — ").AppendLine(reason);
            }
        }

        if (failure.CheckerFailure is { } cf)
        {
            sb.AppendLine();
            sb.AppendLine("Interleaving found by the checker (» lines are the harness's invocations ▶ and responses ◀):");
            var report = cf.Report;
            var start = report.IndexOf("Interleaving", StringComparison.Ordinal);
            var end = report.LastIndexOf("Replay:", StringComparison.Ordinal);
            sb.AppendLine(start >= 0 ? report[start..(end > start ? end : report.Length)] : report);
            sb.Append("Replay: LinearizabilitySuite.ReplayModel(subject, scenario, \"").Append(cf.Schedule)
                .AppendLine("\", options, model) with the minimised scenario above and the same options.");
        }

        return sb.ToString();
    }
}
