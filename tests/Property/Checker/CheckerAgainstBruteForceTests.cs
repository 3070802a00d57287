using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Sluice.Verification.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Property.Checker;

/// <summary>
/// The linearizability checker is itself checked: on small random histories (linearizable by construction,
/// or corrupted), WGL with the general specification, WGL with the FIFO fast path, and a brute-force
/// enumeration of every permutation must all give the same answer.
/// </summary>
public sealed class CheckerAgainstBruteForceTests
{
    private readonly ITestOutputHelper _output;

    public CheckerAgainstBruteForceTests(ITestOutputHelper output) => _output = output;

    private static int Tests => Environment.GetEnvironmentVariable("SLUICE_DEEP") == "1" ? 20_000 : 2_000;

    private void Compare(bool allowDuplicates)
    {
        var counts = new int[4]; // linearizable, not, fast path used, quiescence
        var arb = Gen.Choose(0, int.MaxValue).Select(seed => RandomHistories.Build(seed, maxOps: 7, allowDuplicates)).ToArbitrary();
        var config = Config.QuickThrowOnFailure.WithMaxTest(Tests).WithQuietOnSuccess(true)
            .WithReplay(new Replay(new Rnd(20261121UL, 1UL + 2 * 4242UL), null));
        Check.One(config, Prop.ForAll(arb, h =>
        {
            var brute = BruteForceChecker.IsLinearizable(h.History, new BoundedChannelSpecification(h.Capacity, h.Spec));
            var general = ChannelLinearizability.Check(h.History, h.Capacity, h.Spec, method: ChannelCheckMethod.General);
            var auto = ChannelLinearizability.Check(h.History, h.Capacity, h.Spec);
            var expected = brute ? LinearizabilityVerdict.Linearizable : LinearizabilityVerdict.NotLinearizable;
            counts[brute ? 0 : 1]++;
            if (auto.Method.Contains("fast", StringComparison.Ordinal) || auto.Method.Contains("pre-check", StringComparison.Ordinal))
                counts[2]++;
            if (h.History.Quiescence.Count > 0)
                counts[3]++;

            // The fast-path specification, where it applies, must also agree with brute force on its own.
            var fastBrute = UniqueFifoChannelSpecification.TryCreate(h.History, h.Capacity, h.Spec, out var fast, out var violation)
                ? BruteForceChecker.IsLinearizable(h.History, fast!)
                : violation is null ? brute : false;

            var ok = general.Verdict == expected && auto.Verdict == expected && fastBrute == brute;
            if (ok && brute)
                ok = IsValidLinearization(h, general.Linearization) && IsValidLinearization(h, auto.Linearization);
            return ok.Label($"brute force: {expected}; general: {general.Summary}; auto: {auto.Summary}; fast-path brute force: {fastBrute}\n{h}");
        }));
        _output.WriteLine($"{Tests} random histories of up to 7 operations (duplicates {(allowDuplicates ? "allowed" : "not allowed")}): " +
                          $"{counts[0]} linearizable, {counts[1]} not; fast path or pre-check decided {counts[2]}; {counts[3]} with a quiescence point. " +
                          "WGL (general), WGL (fast path) and brute force agreed on every one.");
        Assert.True(counts[0] > Tests / 10 && counts[1] > Tests / 10, "The generator must produce both verdicts often.");
        Assert.True(counts[3] > 0);
    }

    /// <summary>A linearization returned by the checker must itself replay through the specification in real-time order.</summary>
    private static bool IsValidLinearization(RandomHistory h, System.Collections.Generic.IReadOnlyList<int> order)
    {
        var ops = h.History.Operations;
        if (order.Count != ops.Count || order.Distinct().Count() != ops.Count)
            return false;
        var spec = new BoundedChannelSpecification(h.Capacity, h.Spec);
        var state = spec.InitialState;
        for (var i = 0; i < order.Count; i++)
        {
            for (var j = i + 1; j < order.Count; j++)
            {
                if (ops[order[j]].Precedes(ops[order[i]]))
                    return false;
            }

            if (!spec.TryApply(state, ops[order[i]], out state))
                return false;
        }

        return true;
    }

    [Fact]
    public void Wgl_and_the_fast_path_agree_with_brute_force_on_unique_payloads() => Compare(allowDuplicates: false);

    [Fact]
    public void Wgl_agrees_with_brute_force_when_payloads_repeat() => Compare(allowDuplicates: true);
}
