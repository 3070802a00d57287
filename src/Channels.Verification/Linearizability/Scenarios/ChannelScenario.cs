using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sluice.Verification.Linearizability;

/// <summary>
/// A Lincheck-style scenario for a channel: an init part run sequentially, a parallel part (one list of
/// operations per thread), and a post part run sequentially after every thread has finished.
/// </summary>
public sealed class ChannelScenario
{
    /// <summary>Creates a scenario.</summary>
    /// <param name="capacity">The channel's capacity.</param>
    /// <param name="init">Operations before the parallel part (must not wait).</param>
    /// <param name="parallel">One list of operations per thread.</param>
    /// <param name="post">Operations after the parallel part (must not wait).</param>
    public ChannelScenario(int capacity, IReadOnlyList<ChannelOp> init, IReadOnlyList<IReadOnlyList<ChannelOp>> parallel, IReadOnlyList<ChannelOp> post)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(parallel);
        ArgumentNullException.ThrowIfNull(post);
        Capacity = capacity;
        Init = init;
        Parallel = parallel;
        Post = post;
    }

    /// <summary>The channel's capacity.</summary>
    public int Capacity { get; }

    /// <summary>The sequential prefix.</summary>
    public IReadOnlyList<ChannelOp> Init { get; }

    /// <summary>The parallel part: one list per thread.</summary>
    public IReadOnlyList<IReadOnlyList<ChannelOp>> Parallel { get; }

    /// <summary>The sequential suffix.</summary>
    public IReadOnlyList<ChannelOp> Post { get; }

    /// <summary>All operations.</summary>
    public int OperationCount => Init.Count + Parallel.Sum(t => t.Count) + Post.Count;

    /// <summary>Shape, for logs: "init 2, 3 threads × (2, 4, 1), post 3".</summary>
    public string Shape => string.Create(CultureInfo.InvariantCulture,
        $"capacity {Capacity}, init {Init.Count}, {Parallel.Count} thread(s) × ({string.Join(", ", Parallel.Select(t => t.Count))}), post {Post.Count}");

    /// <summary>
    /// Checks the scenario's constraints: init and post never wait; a cancel targets a token of an operation
    /// in another parallel thread; with <paramref name="singleConsumer"/>, consumer-only operations appear in
    /// at most one parallel thread.
    /// </summary>
    /// <param name="singleConsumer">Whether the channel allows a single consumer.</param>
    /// <returns>Null when valid, else what is wrong.</returns>
    public string? Validate(bool singleConsumer)
    {
        if (Init.Concat(Post).FirstOrDefault(o => !o.NeverWaits || o.Kind == ChannelOpKind.Cancel) is { } bad)
            return $"{bad} may wait or cancel, but init and post run sequentially";
        var consumers = Parallel.Count(t => t.Any(o => o.IsConsumerOnly));
        if (singleConsumer && consumers > 1)
            return $"{consumers} threads call consumer operations on a single-consumer channel";
        for (var i = 0; i < Parallel.Count; i++)
        {
            foreach (var c in Parallel[i].Where(o => o.Kind == ChannelOpKind.Cancel))
            {
                var owner = Parallel.Select((t, j) => (t, j)).Where(x => x.t.Any(o => o.Kind != ChannelOpKind.Cancel && o.Token == c.Token)).Select(x => x.j).ToList();
                if (owner.Count != 1 || owner[0] == i)
                    return $"{c} in thread {i + 1} must target a token of exactly one operation in another thread";
            }
        }

        var values = Init.Concat(Parallel.SelectMany(t => t)).Concat(Post).Where(o => o.IsSend).Select(o => o.Value).ToList();
        if (values.Distinct().Count() != values.Count)
            return "payloads are not unique";
        return null;
    }

    /// <summary>
    /// Smaller scenarios, for minimisation: each thread dropped (while one remains); the whole init or
    /// post part dropped, and half of a thread dropped (large steps first, as in delta debugging); then each
    /// single operation dropped (a cancel whose target is dropped goes with it); then a smaller capacity.
    /// </summary>
    /// <returns>The candidates, largest reductions first.</returns>
    public IEnumerable<ChannelScenario> Simplifications()
    {
        for (var i = 0; i < Parallel.Count && Parallel.Count > 1; i++)
            yield return Clean(new ChannelScenario(Capacity, Init, Parallel.Where((_, j) => j != i).ToArray(), Post));
        if (Init.Count > 1)
            yield return Clean(new ChannelScenario(Capacity, Array.Empty<ChannelOp>(), Parallel, Post));
        if (Post.Count > 1)
            yield return Clean(new ChannelScenario(Capacity, Init, Parallel, Array.Empty<ChannelOp>()));
        for (var i = 0; i < Parallel.Count; i++)
        {
            var n = Parallel[i].Count;
            if (n < 4)
                continue;
            yield return WithThread(i, Parallel[i].Take(n / 2).ToArray());
            yield return WithThread(i, Parallel[i].Skip(n / 2).ToArray());
        }

        for (var i = 0; i < Parallel.Count; i++)
        {
            for (var k = 0; k < Parallel[i].Count; k++)
                yield return WithThread(i, Parallel[i].Where((_, j) => j != k).ToArray());
        }

        for (var k = 0; k < Init.Count; k++)
            yield return Clean(new ChannelScenario(Capacity, Init.Where((_, j) => j != k).ToArray(), Parallel, Post));
        for (var k = 0; k < Post.Count; k++)
            yield return Clean(new ChannelScenario(Capacity, Init, Parallel, Post.Where((_, j) => j != k).ToArray()));
        if (Capacity > 1)
            yield return new ChannelScenario(Capacity - 1, Init, Parallel, Post);
    }

    private ChannelScenario WithThread(int i, IReadOnlyList<ChannelOp> ops)
    {
        var parallel = Parallel.Select((t, j) => j == i ? ops : t).Where(t => t.Count > 0).ToArray();
        return Clean(new ChannelScenario(Capacity, Init, parallel, Post));
    }

    /// <summary>Drops cancels whose target is gone and tokens nobody cancels.</summary>
    private static ChannelScenario Clean(ChannelScenario s)
    {
        var all = s.Parallel.SelectMany(t => t).ToList();
        var targets = all.Where(o => o.Kind == ChannelOpKind.Cancel).Select(o => o.Token).ToHashSet();
        var owned = all.Where(o => o.Kind != ChannelOpKind.Cancel && o.Token is not null).Select(o => o.Token).ToHashSet();
        var parallel = s.Parallel
            .Select(t => (IReadOnlyList<ChannelOp>)t.Where(o => o.Kind != ChannelOpKind.Cancel || owned.Contains(o.Token))
                .Select(o => o.Kind != ChannelOpKind.Cancel && o.Token is not null && !targets.Contains(o.Token) ? o with { Token = null } : o)
                .ToArray())
            .Where(t => t.Count > 0)
            .ToArray();
        return new ChannelScenario(s.Capacity, s.Init, parallel, s.Post);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("capacity ").Append(Capacity.ToString(CultureInfo.InvariantCulture)).AppendLine();
        if (Init.Count > 0)
            sb.Append("init: ").AppendLine(string.Join("; ", Init));
        for (var i = 0; i < Parallel.Count; i++)
            sb.Append('T').Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append(": ").AppendLine(string.Join("; ", Parallel[i]));
        if (Post.Count > 0)
            sb.Append("post: ").AppendLine(string.Join("; ", Post));
        return sb.ToString();
    }
}
