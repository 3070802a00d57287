using System;
using System.Linq;

namespace Sluice.Verification.Linearizability;

/// <summary>Which search checks a channel history.</summary>
public enum ChannelCheckMethod
{
    /// <summary>The FIFO fast path when it applies (unique payloads, ordered receives), else the general search.</summary>
    Auto,

    /// <summary>Always the general search over full queue states.</summary>
    General,

    /// <summary>The fast path; histories where it does not apply are answered Unknown.</summary>
    FastPath,
}

/// <summary>Linearizability of bounded FIFO channel histories.</summary>
public static class ChannelLinearizability
{
    /// <summary>
    /// Checks a channel history against the bounded FIFO specification. <see cref="ChannelOpKind.Cancel"/>
    /// operations are not channel operations and are left out; indices in the result refer to <paramref name="history"/>.
    /// </summary>
    /// <param name="history">The history.</param>
    /// <param name="capacity">The channel's capacity.</param>
    /// <param name="specification">Relaxations of the specification; strict when null.</param>
    /// <param name="options">Budgets.</param>
    /// <param name="method">Which search.</param>
    /// <returns>The result.</returns>
    public static LinearizabilityResult Check(History<ChannelOp, ChannelResult> history, int capacity,
        ChannelSpecificationOptions? specification = null, LinearizabilityOptions? options = null, ChannelCheckMethod method = ChannelCheckMethod.Auto)
    {
        ArgumentNullException.ThrowIfNull(history);
        var (h, old) = history.Where(o => o.Input.Kind != ChannelOpKind.Cancel);
        LinearizabilityResult result;
        UniqueFifoChannelSpecification? fast = null;
        string? violation = null;
        if (method != ChannelCheckMethod.General && UniqueFifoChannelSpecification.TryCreate(h, capacity, specification, out fast, out violation))
        {
            result = LinearizabilityChecker.Check(h, fast!, options, "WGL, FIFO fast path");
        }
        else if (violation is not null)
        {
            result = new LinearizabilityResult(LinearizabilityVerdict.NotLinearizable, "FIFO pre-check") { Reason = violation };
        }
        else if (method == ChannelCheckMethod.FastPath)
        {
            result = new LinearizabilityResult(LinearizabilityVerdict.Unknown, "FIFO fast path")
            {
                Reason = "the fast path does not apply (duplicate payloads or overlapping successful receives)",
            };
        }
        else
        {
            result = LinearizabilityChecker.Check(h, new BoundedChannelSpecification(capacity, specification), options, "WGL, general");
        }

        int Map(int i) => i >= 0 ? old[i] : i;
        result.Linearization = result.Linearization.Select(Map).ToArray();
        result.LongestPrefix = result.LongestPrefix.Select(Map).ToArray();
        result.Rejected = result.Rejected.Select(r => (Map(r.Operation), r.Reason)).ToArray();
        result.Deadline = result.Deadline is int d ? Map(d) : null;
        return result;
    }
}
