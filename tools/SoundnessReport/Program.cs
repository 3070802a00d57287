using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

// Usage: SoundnessReport --trx <dir> [--tla <json>] [--bench <json>] [--summary-only]
// Prints the soundness report (per-suite results, checker explorations, litmus oracle table, TLA+ table,
// benchmark smoke) and, last, the CI line "N passed, N failed[, N skipped]". Exit code 1 if anything failed
// or nothing ran. --tla and --bench take the same JSON shape (the TLA+ runner's; .ci/run writes the bench one).
var trxDir = Arg("--trx") ?? "out/trx";
var tlaJson = Arg("--tla");
var benchJson = Arg("--bench");
var summaryOnly = args.Contains("--summary-only");

var suites = new List<Suite>();
if (Directory.Exists(trxDir))
{
    foreach (var file in Directory.GetFiles(trxDir, "*.trx", SearchOption.AllDirectories).Order())
        suites.Add(Suite.Load(file));
}

var tla = tlaJson is not null && File.Exists(tlaJson) ? CheckResults.Load(tlaJson) : null;
var bench = benchJson is not null && File.Exists(benchJson) ? CheckResults.Load(benchJson) : null;

var passed = suites.Sum(s => s.Passed) + (tla?.Passed ?? 0) + (bench?.Passed ?? 0);
var failed = suites.Sum(s => s.Failed) + (tla?.Failed ?? 0) + (bench?.Failed ?? 0);
var skipped = suites.Sum(s => s.Skipped);

if (!summaryOnly)
{
    Console.WriteLine();
    Console.WriteLine("══════════════════════════ Sluice soundness report ══════════════════════════");
    Console.WriteLine();
    Console.WriteLine("Test suites");
    Table(new[] { "suite", "passed", "failed", "skipped", "time" },
        suites.Select(s => new[] { s.Name, s.Passed.ToString(CultureInfo.InvariantCulture), s.Failed.ToString(CultureInfo.InvariantCulture), s.Skipped.ToString(CultureInfo.InvariantCulture), s.Duration }));

    var explorations = suites.SelectMany(s => s.Results)
        .SelectMany(r => r.Output.Split('\n').Where(l => l.TrimStart().StartsWith("[checker] ", StringComparison.Ordinal)).Select(l => (r.Test, Line: l.Trim())))
        .ToList();
    if (explorations.Count > 0)
    {
        Console.WriteLine();
        Console.WriteLine($"Systematic explorations ({explorations.Count}; each test states its bound and explored execution count)");
        var rx = new Regex(@"\[checker\] (?<strategy>.*?): (?<n>\d+) executions .*?, (?<outcome>passed, space exhausted|passed, budget reached[^,]*|FAILED \([A-Za-z]+\)[^,]*), (?<time>[\d.]+) s \((?<rate>\d+) exec/s\)");
        Table(new[] { "test", "strategy / bound / model", "executions", "outcome", "seconds" },
            explorations.Select(e =>
            {
                var m = rx.Match(e.Line);
                return m.Success
                    ? new[] { Short(e.Test), m.Groups["strategy"].Value, m.Groups["n"].Value, m.Groups["outcome"].Value, m.Groups["time"].Value }
                    : new[] { Short(e.Test), e.Line, "", "", "" };
            }));
        var zero = explorations.Where(e => e.Line.Contains(": 0 executions", StringComparison.Ordinal)).ToList();
        if (zero.Count > 0)
        {
            Console.WriteLine($"!! {zero.Count} exploration(s) explored nothing");
            failed += zero.Count;
        }
    }

    // Linearizability suite (tests/Property): one summary line per run of generated scenarios.
    var lin = suites.SelectMany(s => s.Results)
        .SelectMany(r => r.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("[linearizability] ", StringComparison.Ordinal) && l.Contains(" histories Unknown, ", StringComparison.Ordinal)).Select(l => (r.Test, Line: l)))
        .Distinct()
        .OrderBy(e => e.Test, StringComparer.Ordinal)
        .ToList();
    if (lin.Count > 0)
    {
        Console.WriteLine();
        Console.WriteLine($"Linearizability runs ({lin.Count}; negative controls are expected to FAIL)");
        var rx = new Regex(@"\[linearizability\] (?<subject>.*?), (?<mode>(stress|model).*?): (?<sc>\d+) scenarios, (?<ex>\d+) executions.*?, (?<unk>\d+) histories Unknown, (?<outcome>all linearizable|FAILED: \w+), (?<t>[\d.]+) s");
        Table(new[] { "test", "channel", "mode", "scenarios", "executions", "unknown", "outcome", "seconds" },
            lin.Select(e =>
            {
                var m = rx.Match(e.Line);
                return m.Success
                    ? new[] { Short(e.Test), m.Groups["subject"].Value, m.Groups["mode"].Value, m.Groups["sc"].Value, m.Groups["ex"].Value, m.Groups["unk"].Value, m.Groups["outcome"].Value, m.Groups["t"].Value }
                    : new[] { Short(e.Test), e.Line, "", "", "", "", "", "" };
            }));
    }

    var litmus = suites.SelectMany(s => s.Results).SelectMany(r => r.Output.Split('\n'))
        .Select(l => l.Trim()).Where(l => l.StartsWith("LITMUS |", StringComparison.Ordinal)).ToList();
    var oracle = suites.SelectMany(s => s.Results).SelectMany(r => r.Output.Split('\n'))
        .Select(l => l.Trim()).Where(l => l.StartsWith("LITMUS-ORACLE |", StringComparison.Ordinal))
        .Select(l => l.Split('|').Select(x => x.Trim()).ToArray())
        .ToDictionary(p => (p[1], p[2]), p => p[3]);
    if (litmus.Count > 0)
    {
        Console.WriteLine();
        Console.WriteLine("Litmus tests under the weak memory model (outcomes reached vs the RC11 oracle, ../shared/reference/checkers.md §9)");
        Table(new[] { "test", "ordering", "executions", "time", "outcomes reached", "oracle" },
            litmus.Select(l => l.Split('|').Select(x => x.Trim()).ToArray())
                .Select(p => new[] { p[1], p[2], p[3].Replace(" executions", "", StringComparison.Ordinal), p[4], p[5].Replace("outcomes ", "", StringComparison.Ordinal),
                    oracle.TryGetValue((p[1], p[2]), out var exp) ? (exp.Replace("expected ", "", StringComparison.Ordinal) == p[5].Replace("outcomes ", "", StringComparison.Ordinal) ? "= oracle" : "≠ " + exp) : "?" }));
    }

    if (tla is not null)
    {
        Console.WriteLine();
        Console.WriteLine("TLA+ specifications and negative controls");
        Table(new[] { "check", "expected", "verdict", "states", "time" }, tla.Rows);
    }

    if (bench is not null)
    {
        Console.WriteLine();
        Console.WriteLine("Benchmark smoke (every workload and variant at tiny sizes, checksums verified; not a measurement)");
        Table(new[] { "check", "expected", "verdict", "states", "time" }, bench.Rows);
    }

    var failures = suites.SelectMany(s => s.Results).Where(r => r.Outcome == "Failed").ToList();
    if (failures.Count > 0)
    {
        Console.WriteLine();
        Console.WriteLine("Failed tests");
        foreach (var f in failures)
            Console.WriteLine("  ✗ " + f.Test);
    }

    Console.WriteLine();
    Console.WriteLine(failed == 0 && passed > 0 ? "VERDICT: every check passed." : "VERDICT: NOT SOUND — see the failures above.");
}

Console.WriteLine(skipped > 0 ? $"{passed} passed, {failed} failed, {skipped} skipped" : $"{passed} passed, {failed} failed");
return failed == 0 && passed > 0 ? 0 : 1;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Short(string test)
{
    var parts = test.Split('.');
    return parts.Length >= 2 ? parts[^2] + "." + parts[^1] : test;
}

static void Table(string[] header, IEnumerable<string[]> rows)
{
    var all = rows.ToList();
    var widths = header.Select((h, i) => Math.Min(70, Math.Max(h.Length, all.Select(r => i < r.Length ? r[i].Length : 0).DefaultIfEmpty(0).Max()))).ToArray();
    string Line(string[] cells) => "  " + string.Join(" │ ", cells.Select((c, i) => (c.Length > widths[i] ? c[..(widths[i] - 1)] + "…" : c).PadRight(widths[i])));
    Console.WriteLine(Line(header));
    Console.WriteLine("  " + string.Join("─┼─", widths.Select(w => new string('─', w))));
    foreach (var r in all)
        Console.WriteLine(Line(r));
}

internal sealed record TestResult(string Test, string Outcome, string Output);

internal sealed class Suite
{
    public string Name { get; private init; } = "";
    public int Passed { get; private init; }
    public int Failed { get; private init; }
    public int Skipped { get; private init; }
    public string Duration { get; private init; } = "";
    public List<TestResult> Results { get; private init; } = new();

    public static Suite Load(string path)
    {
        var doc = XDocument.Load(path);
        XNamespace ns = doc.Root!.Name.Namespace;
        var counters = doc.Descendants(ns + "Counters").FirstOrDefault();
        int Count(string a) => int.TryParse(counters?.Attribute(a)?.Value, out var v) ? v : 0;
        var results = doc.Descendants(ns + "UnitTestResult").Select(r => new TestResult(
            r.Attribute("testName")?.Value ?? "?",
            r.Attribute("outcome")?.Value ?? "?",
            r.Descendants(ns + "StdOut").FirstOrDefault()?.Value ?? "")).ToList();
        var times = doc.Descendants(ns + "Times").FirstOrDefault();
        var duration = "";
        if (DateTime.TryParse(times?.Attribute("start")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var start) &&
            DateTime.TryParse(times?.Attribute("finish")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var finish))
            duration = (finish - start).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        var name = doc.Descendants(ns + "UnitTest").Select(u => u.Attribute("storage")?.Value).FirstOrDefault(s => s is not null);
        return new Suite
        {
            Name = name is null ? Path.GetFileNameWithoutExtension(path) : Path.GetFileNameWithoutExtension(name),
            Passed = Count("passed"),
            Failed = Count("failed") + Count("error") + Count("timeout") + Count("aborted"),
            Skipped = Count("notExecuted"),
            Duration = duration,
            Results = results,
        };
    }
}

/// <summary>One check per JSON result: the TLA+ runner's output, and the benchmark smoke's (written by .ci/run).</summary>
internal sealed class CheckResults
{
    public int Passed { get; private init; }
    public int Failed { get; private init; }
    public List<string[]> Rows { get; private init; } = new();

    // The runner's --json output: { "results": [ { "name", "expected", "ok", "verdict", "states", "ms" } ] }
    public static CheckResults Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var rows = new List<string[]>();
        int passed = 0, failed = 0;
        foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            var ok = r.TryGetProperty("ok", out var okEl) && okEl.GetBoolean();
            if (ok) passed++; else failed++;
            rows.Add(new[]
            {
                Str(r, "name"), Str(r, "expected"), (ok ? "✓ " : "✗ ") + Str(r, "verdict"), Str(r, "states"), Str(r, "ms") + " ms",
            });
        }

        return new CheckResults { Passed = passed, Failed = failed, Rows = rows };
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.ToString()) : "";
}
