using System;
using System.Collections.Generic;
using System.Globalization;
using Sluice.Verification.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Property.Checker;

/// <summary>
/// Measures the linearizability checker's limits on this machine (printed, and recorded in
/// docs/linearizability.md): the largest history each search decides within a 1 s budget, for linearizable
/// histories and for histories with a FIFO violation near the end, and where it answers Unknown instead.
/// The assertions are about answers, never about time: a valid history is never called not linearizable, a
/// corrupted one never linearizable; the budget only turns a decision into Unknown.
/// </summary>
public sealed class CheckerLimitsTests
{
    private readonly ITestOutputHelper _output;

    public CheckerLimitsTests(ITestOutputHelper output) => _output = output;

    private static bool Deep => Environment.GetEnvironmentVariable("SLUICE_DEEP") == "1";

    private static readonly LinearizabilityOptions OneSecond = new() { TimeBudget = TimeSpan.FromSeconds(1), MaxConfigurations = 20_000_000 };

    private (int Largest, int? UnknownAt) Measure(ChannelCheckMethod method, int threads, bool corrupt, int maxOperations)
    {
        var largest = 0;
        int? unknownAt = null;
        for (var n = 64; n <= maxOperations; n *= 2)
        {
            // Three histories per size (WGL's time depends on the order it happens to try): the size counts
            // as decided within 1 s only if all three were.
            var worst = TimeSpan.Zero;
            long configurations = 0;
            var verdict = LinearizabilityVerdict.Linearizable;
            for (var seed = 0; seed < 3 && verdict != LinearizabilityVerdict.Unknown; seed++)
            {
                var h = SyntheticHistories.Build(n, threads, capacity: 4, seed: 1000 * seed + n + threads);
                if (corrupt)
                    h = SyntheticHistories.SwapLastTwoReceives(h);
                var r = ChannelLinearizability.Check(h, 4, ChannelSpecificationOptions.Strict, OneSecond, method);
                verdict = r.Verdict;
                if (verdict != LinearizabilityVerdict.Unknown)
                    Assert.Equal(corrupt ? LinearizabilityVerdict.NotLinearizable : LinearizabilityVerdict.Linearizable, verdict);
                worst = r.Elapsed > worst ? r.Elapsed : worst;
                configurations = Math.Max(configurations, r.Configurations);
            }

            var kind = corrupt ? "FIFO violation at the end" : "linearizable";
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {method,-8} {threads,2} threads, {kind,-25} n = {n,7}: {(verdict == LinearizabilityVerdict.Unknown ? "Unknown" : "decided"),-8} worst {worst.TotalMilliseconds,8:0.0} ms, ≤ {configurations,9} configurations"));
            if (verdict == LinearizabilityVerdict.Unknown)
            {
                unknownAt = n;
                break;
            }

            if (worst <= TimeSpan.FromSeconds(1))
                largest = n;
        }

        return (largest, unknownAt);
    }

    [Fact]
    public void The_largest_histories_decided_within_one_second_are_measured()
    {
        var max = Deep ? 1 << 18 : 1 << 11;
        var rows = new List<string>();
        foreach (var threads in new[] { 4, 16 })
        {
            foreach (var corrupt in new[] { false, true })
            {
                foreach (var method in new[] { ChannelCheckMethod.General, ChannelCheckMethod.FastPath })
                {
                    var (largest, unknownAt) = Measure(method, threads, corrupt, max);
                    var unknown = unknownAt is int u ? "Unknown at " + u.ToString(CultureInfo.InvariantCulture) : "no Unknown up to " + max.ToString(CultureInfo.InvariantCulture);
                    var kind = corrupt ? "FIFO violation at the end" : "linearizable";
                    rows.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{method,-8} | {threads} threads | {kind,-25} | largest decided within 1 s: {largest,7} | {unknown}"));
                }
            }
        }

        _output.WriteLine("Summary (operations per history; one consumer thread, the others sending, capacity 4):");
        foreach (var row in rows)
            _output.WriteLine("  " + row);
        Assert.Equal(8, rows.Count);
    }

    [Fact]
    public void A_tight_budget_answers_Unknown_instead_of_running_on()
    {
        var h = SyntheticHistories.SwapLastTwoReceives(SyntheticHistories.Build(20_000, 8, capacity: 4, seed: 1));
        var r = ChannelLinearizability.Check(h, 4, ChannelSpecificationOptions.Strict, new LinearizabilityOptions { TimeBudget = TimeSpan.FromMilliseconds(50) }, ChannelCheckMethod.General);
        _output.WriteLine(r.Summary);
        Assert.NotEqual(LinearizabilityVerdict.Linearizable, r.Verdict);
        var small = ChannelLinearizability.Check(h, 4, ChannelSpecificationOptions.Strict, new LinearizabilityOptions { MaxConfigurations = 1_000 }, ChannelCheckMethod.General);
        _output.WriteLine(small.Summary);
        Assert.Equal(LinearizabilityVerdict.Unknown, small.Verdict);
        Assert.Contains("size budget", small.Reason, StringComparison.Ordinal);
    }
}
