using System;
using System.Collections.Generic;
using System.Globalization;

namespace Sluice.Verification.Linearizability;

/// <summary>The answer of a linearizability check.</summary>
public enum LinearizabilityVerdict
{
    /// <summary>A linearization exists (<see cref="LinearizabilityResult.Linearization"/> is one).</summary>
    Linearizable,

    /// <summary>No order of the operations that respects real time is accepted by the specification.</summary>
    NotLinearizable,

    /// <summary>The search ran out of its time or size budget before deciding.</summary>
    Unknown,
}

/// <summary>Budgets of a linearizability check.</summary>
public sealed record LinearizabilityOptions
{
    /// <summary>Wall time after which the check answers <see cref="LinearizabilityVerdict.Unknown"/>. Default 10 s.</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Cached configurations (linearized set, state) after which the check answers <see cref="LinearizabilityVerdict.Unknown"/>. Default 4,000,000.</summary>
    public long MaxConfigurations { get; init; } = 4_000_000;

    /// <summary>The defaults.</summary>
    public static LinearizabilityOptions Default { get; } = new();
}

/// <summary>
/// The result of a linearizability check: the verdict, a linearization when there is one, and otherwise the
/// longest linearizable prefix found and the operations none of which could come next.
/// </summary>
public sealed class LinearizabilityResult
{
    internal LinearizabilityResult(LinearizabilityVerdict verdict, string method)
    {
        Verdict = verdict;
        Method = method;
    }

    /// <summary>The verdict.</summary>
    public LinearizabilityVerdict Verdict { get; internal set; }

    /// <summary>Which search produced it (for instance "WGL" or "WGL, FIFO fast path").</summary>
    public string Method { get; internal set; }

    /// <summary>For a linearizable history: the operation indices in linearization order.</summary>
    public IReadOnlyList<int> Linearization { get; internal set; } = Array.Empty<int>();

    /// <summary>Otherwise: the longest prefix of a linearization the search found (operation indices).</summary>
    public IReadOnlyList<int> LongestPrefix { get; internal set; } = Array.Empty<int>();

    /// <summary>The model state after <see cref="LongestPrefix"/>.</summary>
    public string? StateAfterPrefix { get; internal set; }

    /// <summary>
    /// After <see cref="LongestPrefix"/>, the operations that could have come next and were rejected, with the
    /// reason: the results that cannot be linearized. A negative index −(k+1) stands for quiescence point k.
    /// </summary>
    public IReadOnlyList<(int Operation, string Reason)> Rejected { get; internal set; } = Array.Empty<(int, string)>();

    /// <summary>The operation whose response forced a decision after the prefix (one of the rejected had to come before it returned); −(k+1) for quiescence point k; null if none.</summary>
    public int? Deadline { get; internal set; }

    /// <summary>Why the verdict was reached without a search, or why the search gave up (Unknown).</summary>
    public string? Reason { get; internal set; }

    /// <summary>Search steps taken.</summary>
    public long Steps { get; internal set; }

    /// <summary>Configurations cached.</summary>
    public long Configurations { get; internal set; }

    /// <summary>Time the check took.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>One line: verdict, method, effort.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{Verdict} ({Method}; {Steps} steps, {Configurations} configurations, {Elapsed.TotalMilliseconds:0.0} ms){(Reason is null ? "" : ": " + Reason)}");

    /// <inheritdoc />
    public override string ToString() => Summary;
}
