using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// <c>bench summarize &lt;results dir&gt;</c>: reads the BenchmarkDotNet JSON reports under
/// <c>&lt;dir&gt;/bdn/</c> (plus <c>alloc-probe.tsv</c>, <c>load.tsv</c> and <c>stats.tsv</c> when present) and
/// writes <c>&lt;dir&gt;/summary.md</c> (throughput and ratios to the best System.Threading.Channels variant
/// for every workload and parameter, allocation per message, the targets) and <c>&lt;dir&gt;/charts/*.dat|*.gp</c>
/// (gnuplot scripts; bench/run.sh renders them). Throughput uses each case's median invocation time.
/// </summary>
public static class Summarizer
{
    private static readonly string[] WorkloadOrder = ["Funnel", "Pinball", "Spsc", "SpscDrain", "PingPong", "FanIn", "TryPair"];

    private static readonly Dictionary<string, string> Titles = new()
    {
        ["Funnel"] = string.Create(CultureInfo.InvariantCulture,
            $"Funnel ({Sizes.FunnelRigs} rigs × {Sizes.FunnelSenders} senders → 1 receiver, {Sizes.FunnelRigs * Sizes.FunnelSenders * Sizes.FunnelMessagesPerSender:N0} messages)"),
        ["Pinball"] = string.Create(CultureInfo.InvariantCulture,
            $"Pinball ({Sizes.PinballGraphs} complete graphs of {Sizes.PinballNodes} nodes, {Sizes.PinballHopsPerGraph:N0} hops per graph, capacity = balls)"),
        ["Spsc"] = string.Create(CultureInfo.InvariantCulture,
            $"SPSC, one awaited call per item ({Sizes.SpscItems:N0} items, capacity {Sizes.SpscCapacity:N0})"),
        ["SpscDrain"] = string.Create(CultureInfo.InvariantCulture,
            $"SPSC, drain idiom (wait, then TryReceive/TryRead until empty; {Sizes.SpscItems:N0} items, capacity {Sizes.SpscCapacity:N0})"),
        ["PingPong"] = string.Create(CultureInfo.InvariantCulture,
            $"Ping-pong round trip ({Sizes.PingPongRoundTrips:N0} round trips, capacity 1)"),
        ["TryPair"] = string.Create(CultureInfo.InvariantCulture,
            $"Uncontended TrySend + TryReceive on one thread ({Sizes.SpscItems:N0} pairs per invocation; a message = a pair)"),
        ["FanIn"] = string.Create(CultureInfo.InvariantCulture,
            $"Fan-in sweep ({Sizes.FanInTotalMessages:N0} messages shared by N producers, capacity {Sizes.FanInCapacity:N0})"),
    };

    private sealed record Case(string Workload, string Variant, string Parameter, double MedianNs, double MeanNs, double StdDevNs, long? AllocatedPerInvocation, long Messages)
    {
        public double MessagesPerMicrosecond => Messages / (MedianNs / 1000.0);

        public double? BytesPerMessage => AllocatedPerInvocation is { } a ? a / (double)Messages : null;
    }

    private sealed record Probe(double Steady, double AllIn);

    public static int Run(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: summarize <results dir>");
            return 2;
        }

        var dir = args[0];
        var failed = new List<string>();
        var cases = LoadCases(Path.Combine(dir, "bdn"), failed).ToList();
        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"no successful case in the BenchmarkDotNet JSON reports under {dir}/bdn");
            return 1;
        }

        var statsPath = Path.Combine(dir, "stats.tsv");
        if (!File.Exists(statsPath) && File.Exists(statsPath + ".gz"))
            statsPath += ".gz";
        var stats = LoadStats(statsPath);
        CheckAgainstStats(cases, stats);
        var diagnostics = Diagnostics(stats);
        var probes = LoadProbes(Path.Combine(dir, "alloc-probe.tsv"));
        var loads = LoadLoads(Path.Combine(dir, "load.tsv"));
        var warmUps = LoadWarmUps(Path.Combine(dir, "warmup.tsv"));
        var steal = Steal(stats);
        var fastBand = FastBand(RoundTrips(stats));
        var md = new StringBuilder();
        WriteSummary(md, dir, cases, failed, probes, loads, diagnostics);
        WriteFastBand(md, cases, fastBand);
        WriteSteal(md, steal);
        WriteWarmUps(md, warmUps);
        File.WriteAllText(Path.Combine(dir, "summary.md"), md.ToString());
        WriteCharts(Path.Combine(dir, "charts"), cases);
        Console.WriteLine($"wrote {Path.Combine(dir, "summary.md")} and {Path.Combine(dir, "charts")}/ ({cases.Count} cases{(failed.Count > 0 ? $", {failed.Count} FAILED case(s) listed, not summarised" : "")})");
        return failed.Count == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------ input

    /// <summary>The successful cases; a case without statistics (it failed: a checksum, a hang, a crash) goes to <paramref name="failed"/>.</summary>
    private static IEnumerable<Case> LoadCases(string bdnDir, List<string> failed)
    {
        if (!Directory.Exists(bdnDir))
            yield break;
        foreach (var file in Directory.EnumerateFiles(bdnDir, "*-report-full-compressed.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var b in doc.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                var typeName = b.GetProperty("Type").GetString()!;
                var type = typeof(Summarizer).Assembly.GetType("Sluice.Benchmarks." + typeName);
                if (type is null || type.GetMethod("Messages") is null)
                    continue; // not a message workload (e.g. the shim micro-benchmarks)
                var parameters = ParseParameters(b.GetProperty("Parameters").GetString() ?? "");
                if (!b.TryGetProperty("Statistics", out var stats) || stats.ValueKind != JsonValueKind.Object)
                {
                    failed.Add($"{typeName.Replace("Benchmarks", "", StringComparison.Ordinal)} {b.GetProperty("Parameters").GetString()}");
                    continue;
                }

                var variant = parameters["Variant"];
                var parameter = string.Join(", ", parameters.Where(p => p.Key != "Variant").Select(p => $"{p.Key}={p.Value}"));
                long? allocated = b.TryGetProperty("Memory", out var memory) && memory.TryGetProperty("BytesAllocatedPerOperation", out var bytes)
                    && bytes.ValueKind == JsonValueKind.Number ? bytes.GetInt64() : null;
                yield return new Case(
                    typeName.Replace("Benchmarks", "", StringComparison.Ordinal),
                    variant,
                    parameter,
                    stats.GetProperty("Median").GetDouble(),
                    stats.GetProperty("Mean").GetDouble(),
                    stats.GetProperty("StandardDeviation").GetDouble(),
                    allocated,
                    MessagesOf(type, parameters));
            }
        }
    }

    private static Dictionary<string, string> ParseParameters(string text) =>
        text.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    private static long MessagesOf(Type type, Dictionary<string, string> parameters)
    {
        var method = type.GetMethod("Messages")!;
        var args = method.GetParameters()
            .Select(p => (object)int.Parse(parameters.First(kv => string.Equals(kv.Key, p.Name, StringComparison.OrdinalIgnoreCase)).Value, CultureInfo.InvariantCulture))
            .ToArray();
        return (long)method.Invoke(null, args)!;
    }

    /// <summary>
    /// One line of <c>stats.tsv</c> (see <see cref="Stats"/>): the case, messages, elapsed ms, the counters (NaN in
    /// files from before they were logged), whether the converged warm-up ran it, the steal time and the cache-line
    /// round trip before it (NaN where the file has no such field or the value was not measured).
    /// </summary>
    private sealed record StatsLine((string, string, string) Key, long Messages, double ElapsedMs, double WorkItems, double Contentions,
        double CpuMs, bool WarmUp, double StealMs, double RoundTripNs)
    {
        public bool HasCounters => !double.IsNaN(CpuMs);

        public double MessagesPerMicrosecond => Messages / (1000 * ElapsedMs);
    }

    /// <summary>Every line of the stats file (plain or gzip-compressed); empty when there is none.</summary>
    private static List<StatsLine> LoadStats(string path)
    {
        var lines = new List<StatsLine>();
        if (!File.Exists(path))
            return lines;
        using var reader = path.EndsWith(".gz", StringComparison.Ordinal)
            ? new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress))
            : new StreamReader(path);
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length < 4)
                continue;
            double Field(int i) => f.Length > i && double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
            var counters = f.Length >= 10;
            lines.Add(new StatsLine((f[0], f[1], f[2]), long.Parse(f[3], CultureInfo.InvariantCulture), Field(5),
                counters ? Field(6) : double.NaN, counters ? Field(7) : double.NaN, counters ? Field(9) : double.NaN,
                f.Length > 10 && f[10] == "W", Field(11), Field(12)));
        }

        return lines;
    }

    /// <summary>Per case: the median over its invocations of thread-pool work items, lock contentions and CPU ns per message.</summary>
    private static Dictionary<(string, string, string), (double WorkItems, double Contentions, double CpuNs)> Diagnostics(List<StatsLine> stats) =>
        stats.Where(l => l.HasCounters && !l.WarmUp)
            .GroupBy(l => l.Key)
            .ToDictionary(
                g => g.Key,
                g => (Median(g.Select(l => l.WorkItems / l.Messages)), Median(g.Select(l => l.Contentions / l.Messages)), Median(g.Select(l => 1e6 * l.CpuMs / l.Messages))));

    /// <summary>The median of <paramref name="values"/> (of an even count, the upper of the middle two).</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>
    /// Per case, in the order they ran: each BenchmarkDotNet invocation's msg/µs and the cache-line round trip measured
    /// before it (stats field 13, recorded since run 2026-11-22-dev-2core-2; invocations without it are left out).
    /// </summary>
    private static Dictionary<(string, string, string), List<(double MessagesPerMicrosecond, double RoundTripNs)>> RoundTrips(List<StatsLine> stats) =>
        stats.Where(l => !l.WarmUp && !double.IsNaN(l.RoundTripNs))
            .GroupBy(l => l.Key)
            .ToDictionary(g => g.Key, g => g.Select(l => (l.MessagesPerMicrosecond, l.RoundTripNs)).ToList());

    /// <summary>
    /// Per case: the median msg/µs of its BenchmarkDotNet invocations that ran in the host's fast state, and how many did
    /// of how many. An invocation counts as fast when the round trip measured before it and the one measured before
    /// the next invocation of the same case (if any) were both below <see cref="CacheLineRoundTrip.FastBelowNs"/>:
    /// the host's state lasts seconds, an invocation well under one, so a flip inside an invocation shows in one of
    /// the two.
    /// </summary>
    private static Dictionary<(string, string, string), (double MessagesPerMicrosecond, int Fast, int Of)> FastBand(
        Dictionary<(string, string, string), List<(double MessagesPerMicrosecond, double RoundTripNs)>> roundTrips)
    {
        var result = new Dictionary<(string, string, string), (double, int, int)>();
        foreach (var (key, list) in roundTrips)
        {
            var fast = FastInvocations(list);
            result[key] = (fast.Count > 0 ? Median(fast) : double.NaN, fast.Count, list.Count);
        }

        return result;
    }

    /// <summary>The msg/µs of the invocations in <paramref name="list"/> (one case's, in the order they ran) that count as fast (see <see cref="FastBand"/>).</summary>
    internal static List<double> FastInvocations(IReadOnlyList<(double MessagesPerMicrosecond, double RoundTripNs)> list) =>
        list.Where((s, i) => s.RoundTripNs < CacheLineRoundTrip.FastBelowNs
            && (i == list.Count - 1 || list[i + 1].RoundTripNs < CacheLineRoundTrip.FastBelowNs)).Select(s => s.MessagesPerMicrosecond).ToList();

    /// <summary>
    /// Per case: the hypervisor's steal time and the elapsed time summed over its measured invocations (stats
    /// field 12, recorded since 2026-11-22; cases without it are left out).
    /// </summary>
    private static Dictionary<(string, string, string), (double StealMs, double ElapsedMs)> Steal(List<StatsLine> stats) =>
        stats.Where(l => !l.WarmUp && !double.IsNaN(l.StealMs))
            .GroupBy(l => l.Key)
            .ToDictionary(g => g.Key, g => (g.Sum(l => l.StealMs), g.Sum(l => l.ElapsedMs)));

    /// <summary>A fast-band cell needs this many fast invocations; fewer and the case is left out of that table.</summary>
    private const int FastBandMinimum = 3;

    /// <summary>
    /// The throughput tables again, from only the invocations that ran in the host's fast state (see
    /// <see cref="FastBand"/>): on the 2-core VM a case's iterations can differ 2–3× with the host's state, so the
    /// BenchmarkDotNet median above can compare states rather than code; these compare code within one state.
    /// </summary>
    private static void WriteFastBand(StringBuilder md, List<Case> cases,
        Dictionary<(string, string, string), (double MessagesPerMicrosecond, int Fast, int Of)> band)
    {
        if (band.Count == 0)
            return;
        var fastTotal = band.Values.Sum(b => b.Fast);
        var total = band.Values.Sum(b => b.Of);
        md.AppendLine("## Within the host's fast state (the tables above, from the invocations run while a cache line crossed between the CPUs fast)");
        md.AppendLine();
        md.AppendLine("Before each invocation BenchmarkDotNet ran, the suite measured the round trip of a cache line between the two CPUs");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"(`CacheLineRoundTrip`; stats field 13). An invocation counts as fast when that round trip and the next one were both below {F(CacheLineRoundTrip.FastBelowNs, "F0")} ns.");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Each cell: the median msg/µs of the case's fast invocations (ratio to the best BCL variant's, computed the same way) and how many of");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"its invocations (all BenchmarkDotNet ran: warm-ups, measured iterations and the memory diagnoser's extra one) were fast; fewer than {FastBandMinimum} and the cell is left empty. **{fastTotal} of {total}** invocations in the run were fast.");
        md.AppendLine();
        double? Value(string workload, string variant, string parameter) =>
            band.TryGetValue((workload, variant, parameter.Replace(" ", "", StringComparison.Ordinal)), out var b) && b.Fast >= FastBandMinimum ? b.MessagesPerMicrosecond : null;

        var targets = new List<string>();
        foreach (var workload in WorkloadOrder)
        {
            var w = cases.Where(c => c.Workload == workload).ToList();
            if (w.Count == 0)
                continue;
            var variants = VariantsIn(w);
            var pingPong = workload == "PingPong";
            md.AppendLine(CultureInfo.InvariantCulture, $"### {Titles[workload]}, fast state");
            md.AppendLine();
            AppendTableHeader(md, ParameterName(w[0].Parameter), variants, lastColumn: "best BCL");
            foreach (var parameter in Parameters(w))
            {
                var best = variants.Where(IsBcl).Select(v => (Variant: (string?)v, Value: Value(workload, v, parameter)))
                    .Where(x => x.Value is not null).DefaultIfEmpty().MaxBy(x => x.Value);
                md.Append(CultureInfo.InvariantCulture, $"| {RowLabel(parameter)} |");
                foreach (var v in variants)
                {
                    if (!band.TryGetValue((workload, v, parameter.Replace(" ", "", StringComparison.Ordinal)), out var b))
                    {
                        md.Append(" – |");
                        continue;
                    }

                    var value = Value(workload, v, parameter);
                    var shown = value is not { } x ? "–" : pingPong ? F(2 / x) : F(x);
                    var ratio = value is { } y && best.Value is { } z ? $" ({F(y / z)}×)" : "";
                    var text = $"{shown}{ratio} [{b.Fast}/{b.Of}]";
                    md.Append(CultureInfo.InvariantCulture, $" {(v.StartsWith("Sluice", StringComparison.Ordinal) ? $"**{text}**" : text)} |");
                }

                md.AppendLine(CultureInfo.InvariantCulture, $" {best.Variant ?? "–"} |");
            }

            md.AppendLine();
            if (workload is "Funnel" or "Pinball")
            {
                var ratios = Parameters(w).Where(p => workload != "Funnel" || ParameterValue(p) >= 10)
                    .Select(p => (P: ParameterValue(p), S: Value(workload, "Sluice", p), B: Value(workload, "BclBounded", p)))
                    .Select(r => r.S is { } a && r.B is { } b ? $"{r.P}: {F(a / b)}×" : $"{r.P}: –");
                targets.Add($"{(workload == "Funnel" ? "funnel ≥ 3× BclBounded at capacity ≥ 10" : "pinball ≥ 2× BclBounded")}: {string.Join(", ", ratios)}");
            }
        }

        if (targets.Count > 0)
        {
            md.AppendLine("Targets in the fast state (Sluice ÷ BclBounded): " + string.Join("; ", targets) + ".");
            md.AppendLine();
        }
    }

    /// <summary>The run's steal time, and the cases that lost more than 5 % of their measured time to it.</summary>
    private static void WriteSteal(StringBuilder md, Dictionary<(string, string, string), (double StealMs, double ElapsedMs)> steal)
    {
        if (steal.Count == 0)
            return;
        const double Flag = 0.05;
        var totalSteal = steal.Values.Sum(v => v.StealMs);
        var totalElapsed = steal.Values.Sum(v => v.ElapsedMs);
        md.AppendLine("## Steal time (the hypervisor running something else while a vCPU had work)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Over the measured invocations of {steal.Count} cases: {F(totalSteal / 1000, "F1")} s of steal (summed over vCPUs, 10 ms resolution) in {F(totalElapsed / 1000, "F1")} s of elapsed time ({F(100 * totalSteal / totalElapsed, "F2")} %).");
        var flagged = steal.Where(kv => kv.Value.StealMs > Flag * kv.Value.ElapsedMs).OrderByDescending(kv => kv.Value.StealMs / kv.Value.ElapsedMs).ToList();
        md.AppendLine(flagged.Count == 0
            ? $"No case lost more than {F(100 * Flag, "F0")} % of its measured time to steal."
            : $"Cases that lost more than {F(100 * Flag, "F0")} % of their measured time to steal (their numbers say more about the host than the code):");
        md.AppendLine();
        foreach (var ((workload, variant, parameter), (stealMs, elapsedMs)) in flagged)
            md.AppendLine(CultureInfo.InvariantCulture, $"- {workload} {variant} {parameter}: {F(100 * stealMs / elapsedMs, "F1")} %");
        if (flagged.Count > 0)
            md.AppendLine();
    }

    /// <summary>The message counts the summary divides by must be the ones the runs logged (same SLUICE_BENCH_SIZE).</summary>
    private static void CheckAgainstStats(List<Case> cases, List<StatsLine> stats)
    {
        var logged = new Dictionary<(string, string, string), long>();
        foreach (var line in stats)
            logged[line.Key] = line.Messages;

        foreach (var c in cases)
        {
            if (logged.TryGetValue((c.Workload, c.Variant, c.Parameter.Replace(" ", "", StringComparison.Ordinal)), out var n) && n != c.Messages)
                throw new InvalidOperationException($"{c.Workload} {c.Variant} {c.Parameter}: the run logged {n} messages per invocation, the summary would divide by {c.Messages} (run it with the run's SLUICE_BENCH_SIZE)");
        }
    }

    private static Dictionary<(string, string, string), Probe> LoadProbes(string path)
    {
        var probes = new Dictionary<(string, string, string), Probe>();
        if (!File.Exists(path))
            return probes;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split('\t');
            var parameter = f[2].Contains('=', StringComparison.Ordinal) ? f[2] : "";
            probes[(f[0], f[1], parameter)] = new Probe(
                double.Parse(f[7], CultureInfo.InvariantCulture), double.Parse(f[8], CultureInfo.InvariantCulture));
        }

        return probes;
    }

    private static List<(string Workload, string Before, string After)> LoadLoads(string path)
    {
        var loads = new List<(string, string, string)>();
        if (!File.Exists(path))
            return loads;
        foreach (var line in File.ReadLines(path))
        {
            var f = line.Split('\t');
            if (f.Length == 3)
                loads.Add((f[0], f[1], f[2]));
        }

        return loads;
    }

    /// <summary>The converged warm-up's outcome per case (<c>warmup.tsv</c>); empty for runs before it existed.</summary>
    private static List<ConvergedWarmUp.Outcome> LoadWarmUps(string path) =>
        File.Exists(path) ? File.ReadLines(path).Select(ConvergedWarmUp.Outcome.Parse).OfType<ConvergedWarmUp.Outcome>().ToList() : [];

    // ------------------------------------------------------------------ summary.md

    private static void WriteWarmUps(StringBuilder md, List<ConvergedWarmUp.Outcome> warmUps)
    {
        if (warmUps.Count == 0)
            return;
        md.AppendLine("## Warm-up to convergence (before BenchmarkDotNet's own warm-up)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Each case repeated its invocation until the JIT compiled nothing for {ConvergedWarmUp.Window} invocations and the median of the last {ConvergedWarmUp.Window} times was no more than");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{ConvergedWarmUp.Tolerance:P0} below the {ConvergedWarmUp.Window} before (at least {ConvergedWarmUp.MinInvocations} invocations and {ConvergedWarmUp.MinTime.TotalSeconds:G3} s; at most {ConvergedWarmUp.Budget.TotalSeconds:G3} s, then `capped`). `warmup.tsv` has every case.");
        md.AppendLine();
        var capped = warmUps.Where(w => !w.Converged).ToList();
        var invocations = warmUps.Select(w => (double)w.Invocations).Order().ToList();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{warmUps.Count} cases: {warmUps.Count - capped.Count} converged, {capped.Count} capped; {F(warmUps.Sum(w => w.Seconds) / 60, "F1")} min in all; invocations per case: median {invocations[invocations.Count / 2]:F0}, max {invocations[^1]:F0}.");
        if (capped.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("| capped case | invocations | s | first ms | last window's median ms | methods compiled |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var w in capped)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {w.Label.Replace('\t', ' ')} | {w.Invocations} | {F(w.Seconds, "F1")} | {F(w.FirstMs, "F1")} | {F(w.LastMs, "F1")} | {w.MethodsCompiled} |");
        }

        md.AppendLine();
    }

    private static string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);

    private static bool IsBcl(string variant) => variant.StartsWith("Bcl", StringComparison.Ordinal);

    private static IEnumerable<string> Parameters(List<Case> cases) =>
        cases.Select(c => c.Parameter).Distinct().OrderBy(p => p.Length).ThenBy(p => ParameterValue(p));

    private static long ParameterValue(string parameter) =>
        parameter.Length == 0 ? 0 : long.Parse(parameter[(parameter.IndexOf('=', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);

    private static string ParameterName(string parameter) =>
        parameter.Length == 0 ? "" : parameter[..parameter.IndexOf('=', StringComparison.Ordinal)];

    private static void WriteSummary(StringBuilder md, string dir, List<Case> cases, List<string> failed, Dictionary<(string, string, string), Probe> probes,
        List<(string Workload, string Before, string After)> loads, Dictionary<(string, string, string), (double WorkItems, double Contentions, double CpuNs)> diagnostics)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"# Sluice benchmark summary ({Path.GetFileName(Path.TrimEndingDirectorySeparator(dir))}, {Sizes.Mode})");
        md.AppendLine();
        md.AppendLine("Generated by `bench/run.sh` (`dotnet bench/…/Sluice.Benchmarks.dll summarize <dir>`) from the BenchmarkDotNet JSON in `bdn/`; do not edit by hand.");
        md.AppendLine("Throughput is messages per µs from each case's **median** invocation time. **Ratio** = throughput ÷ the best System.Threading.Channels");
        md.AppendLine("variant (`Bcl*`) for the same workload and parameter (> 1: faster than the best BCL channel). Ping-pong shows the round-trip time;");
        md.AppendLine("its ratio is still best-BCL time ÷ variant time. Variants: `Sluice` (native API), `SluiceAdapter` (its `Channel<T>` adapter),");
        md.AppendLine("`SluiceBlocking` (blocking `Send`/`Receive` on threads), `BclBounded` (SingleReader, Wait), `BclUnbounded` (SingleReader),");
        md.AppendLine("`BclUnboundedSpsc` (SingleReader + SingleWriter), `QueueSemaphore` (`ConcurrentQueue` + `SemaphoreSlim`, unbounded),");
        md.AppendLine("`BlockingCollection` (bounded, on threads). The unbounded channels ignore the capacity parameter.");
        md.AppendLine();
        if (failed.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## FAILED cases ({failed.Count}; no result, left out of every table below; see the logs in `bdn/`)");
            md.AppendLine();
            foreach (var f in failed)
                md.AppendLine(CultureInfo.InvariantCulture, $"- {f}");
            md.AppendLine();
        }

        if (File.Exists(Path.Combine(dir, "machine.txt")))
        {
            md.AppendLine("## Machine");
            md.AppendLine();
            md.AppendLine("```");
            md.Append(File.ReadAllText(Path.Combine(dir, "machine.txt")).TrimEnd()).AppendLine();
            md.AppendLine("```");
            md.AppendLine();
        }

        if (loads.Count > 0)
        {
            md.AppendLine("## Load average (1/5/15 min) when each workload started and ended");
            md.AppendLine();
            md.AppendLine("| workload | before | after |");
            md.AppendLine("|---|---|---|");
            foreach (var (workload, before, after) in loads)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {before} | {after} |");
            md.AppendLine();
        }

        WriteTargets(md, cases, probes);

        foreach (var workload in WorkloadOrder)
        {
            var w = cases.Where(c => c.Workload == workload).ToList();
            if (w.Count == 0)
                continue;
            var variants = VariantsIn(w);
            md.AppendLine(CultureInfo.InvariantCulture, $"## {Titles[workload]}");
            md.AppendLine();
            var pingPong = workload == "PingPong";
            md.AppendLine(pingPong
                ? "Round trip in µs (ratio to the best BCL variant)."
                : "msg/µs (ratio to the best BCL variant); the last column names that variant.");
            md.AppendLine();
            var firstColumn = ParameterName(w[0].Parameter);
            AppendTableHeader(md, firstColumn, variants, lastColumn: "best BCL");
            foreach (var parameter in Parameters(w))
            {
                var row = w.Where(c => c.Parameter == parameter).ToDictionary(c => c.Variant);
                var best = row.Values.Where(c => IsBcl(c.Variant)).MaxBy(c => c.MessagesPerMicrosecond);
                md.Append(CultureInfo.InvariantCulture, $"| {RowLabel(parameter)} |");
                foreach (var v in variants)
                {
                    if (!row.TryGetValue(v, out var c))
                    {
                        md.Append(" – |");
                        continue;
                    }

                    var value = pingPong ? F(2 * c.MedianNs / c.Messages / 1000.0) : F(c.MessagesPerMicrosecond);
                    var ratio = best is null ? "" : $" ({F(c.MessagesPerMicrosecond / best.MessagesPerMicrosecond)}×)";
                    var text = $"{value}{ratio}";
                    md.Append(CultureInfo.InvariantCulture, $" {(v.StartsWith("Sluice", StringComparison.Ordinal) ? $"**{text}**" : text)} |");
                }

                md.AppendLine(CultureInfo.InvariantCulture, $" {best?.Variant ?? "–"} |");
            }

            md.AppendLine();
            var noisiest = w.MaxBy(c => c.StdDevNs / c.MeanNs)!;
            md.AppendLine(CultureInfo.InvariantCulture, $"Largest spread: {noisiest.Variant} {noisiest.Parameter} (standard deviation {F(100 * noisiest.StdDevNs / noisiest.MeanNs, "F1")}% of the mean).");
            md.AppendLine();

            md.AppendLine("Bytes allocated per message: all-in (BenchmarkDotNet's Allocated ÷ messages; includes what each new channel allocates once)");
            md.AppendLine("/ steady state (the allocation probe: extra bytes ÷ extra messages when the run is doubled; 0 means nothing per message).");
            md.AppendLine();
            AppendTableHeader(md, firstColumn, variants, lastColumn: null);
            foreach (var parameter in Parameters(w))
            {
                var row = w.Where(c => c.Parameter == parameter).ToDictionary(c => c.Variant);
                md.Append(CultureInfo.InvariantCulture, $"| {RowLabel(parameter)} |");
                foreach (var v in variants)
                {
                    var allIn = row.TryGetValue(v, out var c) && c.BytesPerMessage is { } b ? F(b) : "–";
                    var steady = probes.TryGetValue((workload, v, parameter.Replace(" ", "", StringComparison.Ordinal)), out var p) ? F(p.Steady) : "–";
                    md.Append(CultureInfo.InvariantCulture, $" {allIn} / {steady} |");
                }

                md.AppendLine();
            }

            md.AppendLine();
            if (diagnostics.Count > 0)
            {
                md.AppendLine("Diagnostics per message (median over invocations): thread-pool work items / monitor lock contentions / process CPU ns (all threads;");
                md.AppendLine("less sensitive than elapsed time to other jobs on the machine, but it counts spinning):");
                md.AppendLine();
                AppendTableHeader(md, firstColumn, variants, lastColumn: null);
                foreach (var parameter in Parameters(w))
                {
                    md.Append(CultureInfo.InvariantCulture, $"| {RowLabel(parameter)} |");
                    foreach (var v in variants)
                    {
                        var text = diagnostics.TryGetValue((workload, v, parameter.Replace(" ", "", StringComparison.Ordinal)), out var d)
                            ? $"{F(d.WorkItems, "F3")} / {F(d.Contentions, "F4")} / {F(d.CpuNs, "F0")}" : "–";
                        md.Append(CultureInfo.InvariantCulture, $" {text} |");
                    }

                    md.AppendLine();
                }

                md.AppendLine();
            }
        }
    }

    /// <summary>The variants present in <paramref name="cases"/>, in the enum's order (the tables' and charts' column order).</summary>
    private static List<string> VariantsIn(IEnumerable<Case> cases) =>
        cases.Select(c => c.Variant).Distinct().OrderBy(v => Enum.Parse<Variant>(v)).ToList();

    /// <summary>A table's header and alignment rows: the parameter column, one column per variant, and an optional last column.</summary>
    private static void AppendTableHeader(StringBuilder md, string firstColumn, List<string> variants, string? lastColumn)
    {
        md.Append(CultureInfo.InvariantCulture, $"| {(firstColumn.Length == 0 ? "-" : firstColumn)} |");
        foreach (var v in variants)
            md.Append(CultureInfo.InvariantCulture, $" {v} |");
        md.AppendLine(lastColumn is null ? "" : $" {lastColumn} |");
        md.Append("|---|");
        foreach (var _ in variants)
            md.Append("---:|");
        md.AppendLine(lastColumn is null ? "" : "---|");
    }

    /// <summary>A row's first cell: the parameter's value, or "-" for a workload without parameters.</summary>
    private static string RowLabel(string parameter) =>
        parameter.Length == 0 ? "-" : ParameterValue(parameter).ToString(CultureInfo.InvariantCulture);

    private static void WriteTargets(StringBuilder md, List<Case> cases, Dictionary<(string, string, string), Probe> probes)
    {
        md.AppendLine("## Targets (goals, not assertions)");
        md.AppendLine();
        md.AppendLine("| target | result | met |");
        md.AppendLine("|---|---|---|");
        TargetRatio(md, cases, "Funnel", c => ParameterValue(c) >= 10, 3.0, "funnel ≥ 3× BclBounded at capacity ≥ 10");
        TargetRatio(md, cases, "Pinball", _ => true, 2.0, "pinball ≥ 2× BclBounded");
        var sluiceProbes = probes.Where(p => p.Key.Item2.StartsWith("Sluice", StringComparison.Ordinal)).ToList();
        if (sluiceProbes.Count > 0)
        {
            // A negative steady state (the doubled run allocated less extra than the base run's noise) is not
            // an allocation per message; only the largest positive value can break the target.
            var worst = sluiceProbes.MaxBy(p => p.Value.Steady);
            var met = sluiceProbes.All(p => p.Value.Steady < 0.05);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| 0 B allocated per message (Sluice, every workload, steady state) | largest: {F(worst.Value.Steady, "F3")} B/msg ({worst.Key.Item1} {worst.Key.Item2} {worst.Key.Item3}) over {sluiceProbes.Count} cases | {(met ? "yes" : "**no**")} |");
        }

        md.AppendLine();
    }

    private static void TargetRatio(StringBuilder md, List<Case> cases, string workload, Func<string, bool> include, double goal, string title)
    {
        var ratios = new List<(string Parameter, double Ratio)>();
        foreach (var parameter in cases.Where(c => c.Workload == workload && include(c.Parameter)).Select(c => c.Parameter).Distinct())
        {
            var sluice = cases.FirstOrDefault(c => c.Workload == workload && c.Parameter == parameter && c.Variant == "Sluice");
            var bcl = cases.FirstOrDefault(c => c.Workload == workload && c.Parameter == parameter && c.Variant == "BclBounded");
            if (sluice is not null && bcl is not null)
                ratios.Add((parameter, sluice.MessagesPerMicrosecond / bcl.MessagesPerMicrosecond));
        }

        if (ratios.Count == 0)
            return;
        var list = string.Join(", ", ratios.OrderBy(r => ParameterValue(r.Parameter)).Select(r => $"{ParameterValue(r.Parameter)}: {F(r.Ratio)}×"));
        var met = ratios.Count(r => r.Ratio >= goal);
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {title} | {ParameterName(ratios[0].Parameter)} {list} | {(met == ratios.Count ? "yes" : met == 0 ? "**no**" : $"**partly** ({met} of {ratios.Count})")} |");
    }

    // ------------------------------------------------------------------ charts

    private static void WriteCharts(string chartDir, List<Case> cases)
    {
        Directory.CreateDirectory(chartDir);
        LineChart(chartDir, cases, "Funnel", "capacity", $"funnel: {Sizes.FunnelRigs} rigs × ({Sizes.FunnelSenders} senders → 1 receiver)", logBase: 10);
        LineChart(chartDir, cases, "Pinball", "balls (= capacity)", $"pinball: {Sizes.PinballGraphs} graphs × {Sizes.PinballNodes} nodes", logBase: 2);
        LineChart(chartDir, cases, "FanIn", "producers", string.Create(CultureInfo.InvariantCulture, $"fan-in: {Sizes.FanInTotalMessages:N0} messages, N producers → 1 consumer"), logBase: 2);
        BarChart(chartDir, cases, "spsc", ["Spsc", "SpscDrain"], ["one await per item", "drain idiom"], string.Create(CultureInfo.InvariantCulture, $"SPSC throughput ({Sizes.SpscItems:N0} items)"), "msg/µs", c => c.MessagesPerMicrosecond);
        BarChart(chartDir, cases, "pingpong", ["PingPong"], ["round trip"], "ping-pong round trip (lower is better)", "µs", c => 2 * c.MedianNs / c.Messages / 1000.0);
    }

    private static void LineChart(string chartDir, List<Case> cases, string workload, string xLabel, string title, int logBase)
    {
        var w = cases.Where(c => c.Workload == workload).ToList();
        if (w.Count == 0)
            return;
        var variants = VariantsIn(w);
        var name = workload.ToLowerInvariant();
        var dat = new StringBuilder();
        dat.AppendLine("x\t" + string.Join('\t', variants));
        foreach (var parameter in Parameters(w))
        {
            dat.Append(ParameterValue(parameter).ToString(CultureInfo.InvariantCulture));
            foreach (var v in variants)
            {
                var c = w.FirstOrDefault(c => c.Parameter == parameter && c.Variant == v);
                dat.Append('\t').Append(c is null ? "NaN" : F(c.MessagesPerMicrosecond, "F3"));
            }

            dat.AppendLine();
        }

        File.WriteAllText(Path.Combine(chartDir, name + ".dat"), dat.ToString());
        File.WriteAllText(Path.Combine(chartDir, name + ".gp"), $"""
            set terminal pngcairo size 900,540 enhanced font ",11"
            set output "{name}.png"
            set title "{title}"
            set xlabel "{xLabel}"
            set ylabel "msg/µs (higher is better)"
            set logscale x {logBase}
            set key outside right top
            set grid
            plot for [i=2:{variants.Count + 1}] "{name}.dat" using 1:i with linespoints lw 2 pt 7 title columnheader(i)

            """);
    }

    private static void BarChart(string chartDir, List<Case> cases, string name, string[] workloads, string[] labels, string title, string yLabel, Func<Case, double> value)
    {
        var w = cases.Where(c => workloads.Contains(c.Workload)).ToList();
        if (w.Count == 0)
            return;
        var variants = VariantsIn(w);
        var dat = new StringBuilder();
        dat.AppendLine("variant\t" + string.Join('\t', labels.Select(l => $"\"{l}\"")));
        foreach (var v in variants)
        {
            dat.Append(v);
            foreach (var workload in workloads)
            {
                var c = w.FirstOrDefault(c => c.Workload == workload && c.Variant == v);
                dat.Append('\t').Append(c is null ? "0" : F(value(c), "F3"));
            }

            dat.AppendLine();
        }

        File.WriteAllText(Path.Combine(chartDir, name + ".dat"), dat.ToString());
        File.WriteAllText(Path.Combine(chartDir, name + ".gp"), $"""
            set terminal pngcairo size 900,540 enhanced font ",11"
            set output "{name}.png"
            set title "{title}"
            set ylabel "{yLabel}"
            set style data histograms
            set style histogram clustered gap 1
            set style fill solid 0.8 border -1
            set xtics rotate by -30
            set key outside right top
            set grid ytics
            set yrange [0:*]
            plot for [i=2:{workloads.Length + 1}] "{name}.dat" using i:xtic(1) title columnheader(i)

            """);
    }
}
