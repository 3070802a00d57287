using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Sluice.Sync;

namespace Sluice.Verification;

/// <summary>
/// Weakened memory orderings at chosen call sites, applied inside one exploration without rebuilding:
/// the engine of the ordering-necessity analysis (<c>./verify.sh --orderings</c>). A site is a source
/// path suffix and a line (<c>Mpsc/Ring.cs:57</c>); the override replaces the ordering the code states
/// there. A fence overridden to <see cref="MemoryOrder.Relaxed"/> is removed.
/// </summary>
/// <remarks>
/// Set through <see cref="CheckerOptions.Weaken"/>, whose default is the environment variable
/// <c>SLUICE_WEAKEN</c> (so a whole test run can be mutated from outside). Format:
/// <c>path:line=Order[;path:line=Order…]</c>. The release build never sees overrides.
/// </remarks>
public sealed class OrderingOverrides
{
    private readonly Dictionary<int, List<(string Suffix, MemoryOrder Order)>> _byLine;
    private int _applied;

    private OrderingOverrides(Dictionary<int, List<(string, MemoryOrder)>> byLine) => _byLine = byLine;

    /// <summary>How many operations an override changed (proves the mutated site was exercised).</summary>
    public int Applied => Volatile.Read(ref _applied);

    /// <summary>Parses <paramref name="spec"/>; null or blank gives null (no overrides).</summary>
    /// <param name="spec"><c>path:line=Order</c> entries separated by <c>;</c>.</param>
    /// <returns>The overrides, or null.</returns>
    /// <exception cref="FormatException">An entry is malformed.</exception>
    public static OrderingOverrides? Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
            return null;
        var table = new Dictionary<int, List<(string, MemoryOrder)>>();
        foreach (var raw in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = raw.LastIndexOf('=');
            var colon = eq < 0 ? -1 : raw.LastIndexOf(':', eq);
            if (eq < 0 || colon <= 0 ||
                !int.TryParse(raw[(colon + 1)..eq], NumberStyles.None, CultureInfo.InvariantCulture, out var line) ||
                !Enum.TryParse<MemoryOrder>(raw[(eq + 1)..], ignoreCase: false, out var order))
            {
                throw new FormatException($"Bad ordering override \"{raw}\": expected path:line=Order, e.g. Mpsc/Ring.cs:57=Relaxed.");
            }

            var suffix = raw[..colon].Replace('\\', '/');
            if (!table.TryGetValue(line, out var list))
                table[line] = list = new List<(string, MemoryOrder)>();
            list.Add((suffix, order));
        }

        return new OrderingOverrides(table);
    }

    internal MemoryOrder Adjust(string file, int line, MemoryOrder order)
    {
        if (!_byLine.TryGetValue(line, out var entries))
            return order;
        var normalized = file.Replace('\\', '/');
        foreach (var (suffix, replacement) in entries)
        {
            if (normalized.EndsWith(suffix, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _applied);
                return replacement;
            }
        }

        return order;
    }
}
