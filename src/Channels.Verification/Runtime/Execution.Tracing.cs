using System.Collections.Generic;
using System.Linq;
using System.Text;
using Sluice.Verification.Memory;
using Sluice.Verification.Reporting;

namespace Sluice.Verification.Runtime;

/// <summary>
/// The trace of an execution. Exploration runs without it (formatting every operation would dominate
/// the run time); a failing schedule is replayed with tracing on to produce the report.
/// </summary>
internal sealed partial class Execution
{
    private readonly Dictionary<object, int> _objectIds = new(ReferenceEqualityComparer.Instance);

    public bool Tracing { get; init; }

    /// <summary>How a reference prints in reports: its ToString if it has one, else its type and an id local to this execution (so replays print identically).</summary>
    public string DescribeObject(object o)
    {
        var type = o.GetType();
        var text = o.ToString();
        if (!string.IsNullOrEmpty(text) && text != type.FullName && text != type.ToString())
            return text.Length > 40 ? text[..40] + "…" : text;
        if (!_objectIds.TryGetValue(o, out var id))
            _objectIds[o] = id = _objectIds.Count + 1;
        return type.Name + "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public List<TraceEvent> Events { get; } = new();

    private void Trace(LogicalThread? t, TraceKind kind, string text, string site) =>
        Events.Add(new TraceEvent(Step, t?.Id ?? -1, kind, text, site));

    private void TraceMemory(LogicalThread t, string text, string site, Message? readFrom, bool stale)
    {
        if (readFrom is not null)
        {
            text += $"  ⟵ {readFrom.Describe()}";
            if (stale)
                text += $"  STALE (newest is {readFrom.Location.Latest.Describe()})";
        }

        Events.Add(new TraceEvent(Step, t.Id, TraceKind.Memory, text, site));
    }

    /// <summary>The repeating tail of a thread's operations (for livelock and step-bound reports).</summary>
    private string CycleOf(LogicalThread t)
    {
        if (!Tracing)
            return "    (the report below is produced by replaying the schedule with tracing on)";
        var ops = Events.Where(e => e.Thread == t.Id && e.Kind is TraceKind.Memory or TraceKind.Operation)
            .Select(e => e.Text.Split("  ⟵")[0] + " @ " + e.Site).ToList();
        if (ops.Count == 0)
            return "    (no operations)";
        var tail = ops.Skip(System.Math.Max(0, ops.Count - 400)).ToList();
        for (var period = 1; period <= tail.Count / 3; period++)
        {
            var repeats = true;
            for (var i = tail.Count - 2 * period; i < tail.Count && repeats; i++)
                repeats = tail[i] == tail[i - period];
            if (repeats)
                return string.Join("\n", tail.Skip(tail.Count - period).Select(x => "      " + x)) + $"\n    (this cycle of {period} operation(s) repeats)";
        }

        return string.Join("\n", tail.Skip(System.Math.Max(0, tail.Count - 8)).Select(x => "      " + x)) + "\n    (last operations; no exact cycle found)";
    }

    /// <summary>The per-thread interleaving table.</summary>
    public string FormatInterleaving()
    {
        const int maxWidth = 64;
        var threads = Threads.Where(t => Events.Any(e => e.Thread == t.Id)).ToList();
        if (threads.Count == 0)
            return "(no events)";
        var widths = threads.ToDictionary(t => t.Id, t =>
            System.Math.Min(maxWidth, System.Math.Max(Header(t).Length, Events.Where(e => e.Thread == t.Id).Select(e => e.Text.Length).DefaultIfEmpty(0).Max())));
        var sb = new StringBuilder();
        sb.Append(" step │");
        foreach (var t in threads)
            sb.Append(' ').Append(Pad(Header(t), widths[t.Id])).Append(" │");
        sb.AppendLine(" site");
        sb.Append("──────┼");
        foreach (var t in threads)
            sb.Append(new string('─', widths[t.Id] + 2)).Append('┼');
        sb.AppendLine("─────────────");
        foreach (var e in Events)
        {
            sb.Append(e.Step.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5)).Append(" │");
            foreach (var t in threads)
                sb.Append(' ').Append(Pad(t.Id == e.Thread ? e.Text : "", widths[t.Id])).Append(" │");
            sb.Append(' ').AppendLine(e.Site);
            if (e.Text.Length > maxWidth && e.Thread >= 0)
                sb.Append("      └ ").Append(Threads[e.Thread].Label).Append(": ").AppendLine(e.Text);
        }

        return sb.ToString();
    }

    private static string Header(LogicalThread t)
    {
        var h = $"{t.Label} {t.Name}";
        return h.Length > 40 ? h[..39] + "…" : h;
    }

    private static string Pad(string s, int width) => s.Length > width ? s[..(width - 1)] + "…" : s.PadRight(width);

    /// <summary>Where each atomic location was first used (reports name locations L0, L1, …).</summary>
    public string DescribeLocations()
    {
        var sb = new StringBuilder();
        foreach (var loc in _locations)
            sb.Append("  ").Append(loc.Name).Append(": first used at ").Append(loc.FirstSite)
                .Append(", final value ").AppendLine(loc.Latest.Value.Format(loc.Width, this));
        return sb.ToString();
    }

    public string DescribeThreads()
    {
        var sb = new StringBuilder();
        foreach (var t in Threads)
        {
            var state = t.Status switch
            {
                ThreadStatus.Finished => "finished",
                ThreadStatus.Blocked => "blocked: " + t.BlockReason,
                ThreadStatus.NotStarted => "armed timer, not fired",
                _ => t.Yielded ? "spinning at " + t.Pending.Site : "runnable at " + t.Pending.Site,
            };
            sb.Append("  ").Append(t.Label).Append(' ').Append(t.Name).Append(": ").AppendLine(state);
        }

        return sb.ToString();
    }
}
