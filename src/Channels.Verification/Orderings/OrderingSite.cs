using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Sluice.Sync;

namespace Sluice.Verification.Orderings;

/// <summary>One atomic operation or fence in the source, with the ordering it states.</summary>
/// <param name="File">Path relative to the scanned root, with forward slashes (e.g. <c>Mpsc/Ring.cs</c>).</param>
/// <param name="Line">1-based line of the call (what <c>[CallerLineNumber]</c> reports).</param>
/// <param name="Member">The member the call is in (for the report).</param>
/// <param name="Operation">Load, Store, Exchange, CompareExchange, CompareExchangeWeak, FetchAdd, FetchOr, FetchAnd or Fence.</param>
/// <param name="Ordering">The stated ordering (the success ordering of a compare-exchange).</param>
/// <param name="Code">The source line, trimmed.</param>
public sealed record OrderingSite(string File, int Line, string Member, string Operation, MemoryOrder Ordering, string Code)
{
    private static readonly Regex Call = new(
        @"\b(?<op>Load|Store|Exchange|CompareExchangeWeak|CompareExchange|FetchAdd|FetchOr|FetchAnd|Fence)\(",
        RegexOptions.Compiled);

    private static readonly Regex Order = new(@"MemoryOrder\.(?<o>Relaxed|Acquire|Release|AcqRel|SeqCst)", RegexOptions.Compiled);

    private static readonly Regex MemberDecl = new(
        @"^\s*(?:public|internal|private|protected)[^=;]*?\b(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:<[^>]*>)?\s*\(", RegexOptions.Compiled);

    /// <summary>A key for overrides and reports: <c>File:Line</c>.</summary>
    public string Key => $"{File}:{Line}";

    /// <summary>
    /// Finds every shim call with an explicit <see cref="MemoryOrder"/> in the C# files under
    /// <paramref name="root"/>, skipping folders named in <paramref name="excludeFolders"/> (the shim itself).
    /// A call may span lines: its ordering is the first <c>MemoryOrder.X</c> after the call's opening parenthesis.
    /// </summary>
    /// <param name="root">The source root (e.g. src/Channels).</param>
    /// <param name="excludeFolders">Top-level folders to skip (default: Sync, bin, obj).</param>
    /// <returns>The sites, by file and line.</returns>
    public static IReadOnlyList<OrderingSite> Scan(string root, params string[] excludeFolders)
    {
        ArgumentNullException.ThrowIfNull(root);
        var exclude = excludeFolders.Length > 0 ? excludeFolders : new[] { "Sync", "bin", "obj" };
        return Scan(root, relative => !exclude.Any(e => relative.StartsWith(e + "/", StringComparison.Ordinal)));
    }

    /// <summary>Like <see cref="Scan(string, string[])"/>, for the files whose relative path <paramref name="include"/> accepts.</summary>
    /// <param name="root">The source root.</param>
    /// <param name="include">Takes a relative path with forward slashes.</param>
    /// <returns>The sites, by file and line.</returns>
    public static IReadOnlyList<OrderingSite> Scan(string root, Func<string, bool> include)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(include);
        var sites = new List<OrderingSite>();
        foreach (var path in Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal) || !include(relative))
                continue;
            var lines = System.IO.File.ReadAllLines(path);
            var member = "";
            for (var i = 0; i < lines.Length; i++)
            {
                var text = lines[i];
                var trimmed = text.TrimStart();
                if (trimmed.StartsWith("//", StringComparison.Ordinal))
                    continue;
                if (MemberDecl.Match(text) is { Success: true } decl && !text.Contains(" new ", StringComparison.Ordinal))
                    member = decl.Groups["name"].Value;
                foreach (Match call in Call.Matches(text))
                {
                    // The ordering argument: the first MemoryOrder.X after the call, up to the end of the statement.
                    var tail = text[call.Index..];
                    var j = i;
                    while (!tail.Contains(';', StringComparison.Ordinal) && j + 1 < lines.Length && j - i < 6)
                        tail += " " + lines[++j].Trim();
                    var order = Order.Match(tail);
                    if (!order.Success)
                        continue; // not a shim call (e.g. a Load method of something else)
                    var op = call.Groups["op"].Value;
                    if (op == "Fence" && !text[..call.Index].EndsWith("Atomic.", StringComparison.Ordinal))
                        continue;
                    sites.Add(new OrderingSite(relative, i + 1, member, op, Enum.Parse<MemoryOrder>(order.Groups["o"].Value), trimmed.Trim()));
                }
            }
        }

        return sites;
    }
}

/// <summary>One weakening of one site by one step.</summary>
/// <param name="Site">The site.</param>
/// <param name="Replacement">The weaker ordering (<see cref="MemoryOrder.Relaxed"/> for a fence: removed).</param>
public sealed record OrderingMutant(OrderingSite Site, MemoryOrder Replacement)
{
    /// <summary>What the mutant does, in words.</summary>
    public string Description => Site.Operation == "Fence" && Replacement == MemoryOrder.Relaxed
        ? $"fence({Site.Ordering}) removed"
        : $"{Site.Ordering} → {Replacement}";

    /// <summary>The override for <see cref="CheckerOptions.Weaken"/>.</summary>
    public string Weaken => $"{Site.Key}={Replacement}";

    /// <summary>
    /// The one-step weakenings of <paramref name="site"/>: SeqCst → AcqRel (RMW) / Release (store) / Acquire (load);
    /// AcqRel → Acquire and → Release; Acquire → Relaxed; Release → Relaxed; a fence is removed. A relaxed
    /// operation has none.
    /// </summary>
    /// <param name="site">The site.</param>
    /// <returns>Zero, one or two mutants.</returns>
    public static IReadOnlyList<OrderingMutant> For(OrderingSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (site.Operation == "Fence")
            return site.Ordering == MemoryOrder.Relaxed ? Array.Empty<OrderingMutant>() : new[] { new OrderingMutant(site, MemoryOrder.Relaxed) };
        var rmw = site.Operation is not ("Load" or "Store");
        return site.Ordering switch
        {
            MemoryOrder.SeqCst => new[] { new OrderingMutant(site, rmw ? MemoryOrder.AcqRel : site.Operation == "Load" ? MemoryOrder.Acquire : MemoryOrder.Release) },
            MemoryOrder.AcqRel => new[] { new OrderingMutant(site, MemoryOrder.Acquire), new OrderingMutant(site, MemoryOrder.Release) },
            MemoryOrder.Acquire or MemoryOrder.Release => new[] { new OrderingMutant(site, MemoryOrder.Relaxed) },
            _ => Array.Empty<OrderingMutant>(),
        };
    }
}
