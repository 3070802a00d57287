using System.Text;
using Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;
using Sluice.Verification;
using Sluice.Verification.Orderings;

// Usage: OrderingAnalysis [--root src/Channels] [--out out/orderings] [--only File.cs] [--sites File:Line,…] [--justifications tools/OrderingAnalysis/justifications.txt]
//        OrderingAnalysis --list-keys   prints every weakening's justification key and whether the file has an argument for it (runs nothing)
var root = Arg("--root") ?? "src/Channels";
var outDir = Arg("--out") ?? "out/orderings";
var only = Arg("--only");
var justificationsFile = Arg("--justifications") ?? "tools/OrderingAnalysis/justifications.txt";
Directory.CreateDirectory(outDir);

// --sites File:Line,…: re-check only these sites (e.g. the ones an earlier run did not catch).
var siteKeys = Arg("--sites")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
// Every site, also when only some are checked: a justification key names the member when its line's text
// occurs twice in the file, which only the full scan can tell.
var allSites = OrderingSite.Scan(root);
var sites = allSites
    .Where(s => only is null || s.File.EndsWith(only, StringComparison.Ordinal))
    .Where(s => siteKeys is null || siteKeys.Contains(s.Key))
    .ToList();
Console.WriteLine($"ordering analysis: {sites.Count} sites under {root}, {sites.Sum(s => OrderingMutant.For(s).Count)} one-step weakenings");
if (args.Contains("--list-keys"))
{
    var written = Justifications.Load(justificationsFile);
    var keys = sites.SelectMany(OrderingMutant.For).Select(m => (m, Key: Justifications.Key(m, allSites))).ToList();
    foreach (var (m, key) in keys)
        Console.WriteLine($"{(written.ContainsKey(key) ? "argued " : "       ")} {m.Weaken,-40} {key}");
    foreach (var stale in written.Keys.Except(keys.Select(k => k.Key)))
        Console.WriteLine($"justification matches no weakening (the line changed?): {stale}");
    return 0;
}

// Cheap and sharp checks first: a mutant stops at the first check that fails.
static CheckerOptions Weak(int bound) => CheckerOptions.WeakMemory with { PreemptionBound = bound, IterativeBounding = false };
// The largest spaces (minutes per mutant exhaustively) are sampled instead: seeded random schedules and reads-from choices.
static CheckerOptions WeakSampled() => CheckerOptions.WeakMemory with { Strategy = ExplorationStrategy.Random, Iterations = 10_000, Seed = 1, Reduction = Reduction.None };
static CheckerOptions Sc(int bound) => CheckerOptions.Default with { PreemptionBound = bound, IterativeBounding = false };
var checks = new List<OrderingCheck>
{
    new("ring/weak 2×2 c1 b1", Weak(1), () => RingScenarios.PushPop(2, 2, 1, closeAfter: -1)),
    new("ring/weak close b1", Weak(1), () => RingScenarios.PushPop(2, 2, 1, closeAfter: 1)),
    new("ring/weak 2×2 c3 b0", Weak(0), () => RingScenarios.PushPop(2, 2, 3, closeAfter: -1)),
    new("waker/weak 2n 2w b1", Weak(1), () => WakerScenarios.Sink(2, 2)),
    new("channel/weak re-register b1", Weak(1), ChannelScenarios.ReRegisteringReceiver),
    new("channel/weak one-item race b2", Weak(2), ChannelScenarios.OneItemRace),
    new("channel/sc cancel b1", Sc(1) with { Reduction = Reduction.SleepSets }, () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Plain, SendMode.Cancel })),
    new("channel/weak timeout random 10k", WeakSampled(), () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Plain, SendMode.Timeout })),
    new("channel/weak blocking b0", Weak(0), () => ChannelScenarios.BlockingSendersAndReceiver(2, 1, 1)),
    new("channel/weak async 2×1 b0", Weak(0) with { Reduction = Reduction.SleepSets }, () => ChannelScenarios.AsyncSendersAndReceiver(2, 1, 1, Closer.LastSenderHandle)),
    new("channel/sc close by receiver b2", Sc(2) with { Reduction = Reduction.SleepSets }, () => ChannelScenarios.AsyncSendersAndReceiver(2, 1, 1, Closer.Receiver)),
    new("waker/weak 2n 3w b0", Weak(0), () => WakerScenarios.Sink(2, 3)),
    new("channel/weak adapters' wait loops b0", Weak(0) with { Reduction = Reduction.SleepSets }, ChannelScenarios.AdapterWaitLoops),
    new("channel/weak completion vs drain b1", Weak(1), ChannelScenarios.CompletionRacesTheDrain),
    new("channel/weak two receivers in turn b0", Weak(0) with { Reduction = Reduction.SleepSets }, ChannelScenarios.ReceivesFromTwoThreadsInTurn),
    new("channel/weak receive timeout+cancel b0", Weak(0) with { Reduction = Reduction.SleepSets }, ChannelScenarios.ReceivesWithTimeoutAndCancellation),
    new("channel/weak cancel random 10k", WeakSampled(), () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Plain, SendMode.Cancel })),
    new("channel/weak close by sender random 10k", WeakSampled(), () => ChannelScenarios.AsyncSendersAndReceiver(2, 1, 1, Closer.Sender)),
    new("channel/weak 3 senders cancel+timeout random 10k", WeakSampled(), () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Cancel, SendMode.Plain, SendMode.Timeout })),
    // Added for weakenings none of the above caught (tests/Systematic/Channels/Mpsc/OrderingWeakeningTests.cs).
    // MaxSteps 2,000 where a weakening shows as an unbounded loop: passing executions take < 100 steps.
    new("ring/weak probe races pop+push b1", Weak(1) with { MaxSteps = 2_000 }, RingScenarios.ProbeRacesPopAndPush),
    new("channel/weak close while a sender waits b0", Weak(0), ChannelScenarios.CloseWhileASenderWaits),
    new("channel/weak completion after the last receive b1", Weak(1), ChannelScenarios.CompletionAfterTheLastReceive),
    new("channel/sc blocking b1", Sc(1) with { Reduction = Reduction.SleepSets }, () => ChannelScenarios.BlockingSendersAndReceiver(2, 1, 1)),
    new("channel/weak two receive timeouts b2", Weak(2) with { MaxSteps = 2_000 }, ChannelScenarios.TwoReceiveTimeouts),
    new("waker/weak sink switching waiters b3", Weak(3) with { Reduction = Reduction.SleepSets }, () => WakerScenarios.SinkSwitchingWaiters(2, 3)),
    new("channel/weak blocking receive then async b2", Weak(2), ChannelScenarios.BlockingReceiveThenAsync),
    new("waker/weak 2n 1w b2", Weak(2), () => WakerScenarios.Sink(2, 1)),
};

var clock = System.Diagnostics.Stopwatch.StartNew();
var results = OrderingAnalysis.Run(sites, checks, Console.WriteLine);
var justifications = Justifications.Load(justificationsFile);
var keyed = results.ToDictionary(r => r.Mutant.Weaken, r => justifications.TryGetValue(Justifications.Key(r.Mutant, allSites), out var j) ? j.Replace("|", "\\|", StringComparison.Ordinal) : null);
foreach (var stale in only is null && siteKeys is null ? justifications.Keys.Except(results.Select(r => Justifications.Key(r.Mutant, allSites))) : Enumerable.Empty<string>())
    Console.WriteLine($"justification matches no weakening (the line changed?): {stale}");
var report = new StringBuilder();
report.AppendLine($"# Ordering-necessity analysis of {root}");
report.AppendLine();
report.AppendLine($"Generated by `./verify.sh --orderings` ({DateTime.UtcNow:yyyy-MM-dd}); {clock.Elapsed.TotalMinutes:0.0} min; checks (cheapest first; a mutant stops at the first that fails):");
report.AppendLine();
foreach (var c in checks)
    report.AppendLine($"- `{c.Name}` — {Checker_Describe(c.Options)}");
report.AppendLine();
report.Append(OrderingAnalysis.Report(sites, results, keyed.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!)));
var unresolved = results.Where(r => r.Verdict != OrderingVerdict.Necessary && keyed[r.Mutant.Weaken] is null).ToList();
report.AppendLine();
report.AppendLine(unresolved.Count == 0
    ? "Every weakening that no check catches carries a written justification."
    : $"**{unresolved.Count} weakening(s) not caught and not justified** (add a test, relax the ordering, or justify it in {justificationsFile}).");

var counterexamples = new StringBuilder();
foreach (var r in results.Where(r => r.Verdict == OrderingVerdict.Necessary))
{
    counterexamples.AppendLine($"## {r.Mutant.Site.Key} {r.Mutant.Site.Operation} {r.Mutant.Description} — caught by {r.CaughtBy}");
    counterexamples.AppendLine("```");
    counterexamples.AppendLine(r.Failure!.Report);
    counterexamples.AppendLine("```");
}

File.WriteAllText(Path.Combine(outDir, "report.md"), report.ToString());
File.WriteAllText(Path.Combine(outDir, "counterexamples.md"), counterexamples.ToString());
Console.WriteLine(report.ToString());
Console.WriteLine($"report: {Path.Combine(outDir, "report.md")}; counterexamples: {Path.Combine(outDir, "counterexamples.md")}");
return unresolved.Count == 0 ? 0 : 1;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Checker_Describe(CheckerOptions o) =>
    $"{(o.MemoryModel == MemoryModel.Weak ? "weak memory" : "sequentially consistent")}, {(o.Strategy == ExplorationStrategy.Random ? $"random, {o.Iterations:N0} executions, seed {o.Seed}" : $"preemption bound {o.PreemptionBound}")}{(o.Reduction == Reduction.SleepSets ? ", sleep sets" : "")}{(o.MaxSteps != CheckerOptions.Default.MaxSteps ? $", at most {o.MaxSteps:N0} steps per execution" : "")}{(o.MaxExecutions is { } max ? $", first {max:N0} executions (the full space takes minutes per mutant)" : "")}";

/// <summary>
/// Written arguments for weakenings no check catches. Format, one block per weakening:
/// <c>File | source line (trimmed) | replacement</c>, then the argument on the following indented lines.
/// Keyed by the source text, not the line number, so edits elsewhere keep them; a changed line drops its argument.
/// A line whose text occurs more than once in its file takes a fourth field, the member it is in
/// (<c>File | source line | replacement | Member</c>), so one argument never covers two sites.
/// </summary>
internal static class Justifications
{
    public static string Key(OrderingMutant m, IReadOnlyList<OrderingSite> sites)
    {
        var key = $"{m.Site.File} | {m.Site.Code} | {m.Replacement}";
        var twins = sites.Where(s => s.File == m.Site.File && s.Code == m.Site.Code).ToList();
        if (twins.Count == 1)
            return key;
        key += $" | {m.Site.Member}";
        var sameMember = twins.Where(s => s.Member == m.Site.Member).ToList();
        return sameMember.Count == 1 ? key : $"{key} #{sameMember.IndexOf(m.Site) + 1}";
    }

    public static Dictionary<string, string> Load(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return result;
        string? key = null;
        var text = new StringBuilder();
        foreach (var raw in File.ReadAllLines(path).Append(""))
        {
            if (raw.StartsWith('#'))
                continue;
            if (raw.Length > 0 && !char.IsWhiteSpace(raw[0]))
            {
                Flush();
                key = raw.Trim();
            }
            else if (raw.Trim().Length > 0)
            {
                text.Append(text.Length > 0 ? " " : "").Append(raw.Trim());
            }
        }

        Flush();
        return result;

        void Flush()
        {
            if (key is not null && text.Length > 0)
                result[key] = text.ToString();
            key = null;
            text.Clear();
        }
    }
}
