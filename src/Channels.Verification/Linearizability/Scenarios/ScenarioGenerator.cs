using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;

namespace Sluice.Verification.Linearizability;

/// <summary>The shape and vocabulary of generated scenarios.</summary>
public sealed record ScenarioGeneratorOptions
{
    /// <summary>Fewest parallel threads. Default 2.</summary>
    public int MinThreads { get; init; } = 2;

    /// <summary>Most parallel threads. Default 4.</summary>
    public int MaxThreads { get; init; } = 4;

    /// <summary>Fewest operations per parallel thread. Default 2.</summary>
    public int MinOpsPerThread { get; init; } = 2;

    /// <summary>Most operations per parallel thread. Default 5.</summary>
    public int MaxOpsPerThread { get; init; } = 5;

    /// <summary>Most operations in the init part. Default 3.</summary>
    public int MaxInitOps { get; init; } = 3;

    /// <summary>Most operations in the post part. Default 4.</summary>
    public int MaxPostOps { get; init; } = 4;

    /// <summary>Capacities to choose from. Default 1, 2, 3.</summary>
    public IReadOnlyList<int> Capacities { get; init; } = new[] { 1, 2, 3 };

    /// <summary>Receive operations (and Count, CloseReceiver) in at most one parallel thread. Default true.</summary>
    public bool SingleConsumer { get; init; } = true;

    /// <summary>Timeouts to choose from for timed waits. Default 0, 1 ms, 5 ms (virtual in model mode).</summary>
    public IReadOnlyList<TimeSpan> Timeouts { get; init; } = new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5) };

    /// <summary>The operations the channel supports. Default: all.</summary>
    public IReadOnlySet<ChannelOpKind> Kinds { get; init; } = Enum.GetValues<ChannelOpKind>().ToHashSet();

    /// <summary>Generate waits without a timeout or token (released by a receive, a close, or the harness's teardown close). Default true.</summary>
    public bool UnboundedWaits { get; init; } = true;

    /// <summary>The defaults: 2–4 threads × 2–5 operations, init ≤ 3, post ≤ 4, capacities 1–3.</summary>
    public static ScenarioGeneratorOptions Default { get; } = new();
}

/// <summary>
/// FsCheck generators of channel scenarios: an init part, a parallel part and a post part over the channel
/// operations (try, blocking and asynchronous sends and receives, timeouts, cancellation, close, count),
/// with unique payloads and the single-consumer constraint.
/// </summary>
public static class ScenarioGenerator
{
    private enum Role
    {
        Init,
        Producer,
        Consumer,
        Post,
    }

    private sealed record Template(ChannelOpKind Kind, bool Timed, bool Cancellable, int Pick);

    /// <summary>A generator of scenarios.</summary>
    /// <param name="options">Shape and vocabulary; defaults when null.</param>
    /// <returns>The generator.</returns>
    public static Gen<ChannelScenario> Scenarios(ScenarioGeneratorOptions? options = null)
    {
        var o = options ?? ScenarioGeneratorOptions.Default;
        if (o.MinThreads < 1 || o.MaxThreads < o.MinThreads || o.MinOpsPerThread < 1 || o.MaxOpsPerThread < o.MinOpsPerThread || o.Capacities.Count == 0)
            throw new ArgumentException("Inconsistent scenario options.", nameof(options));

        return
            from capacity in Gen.Elements(o.Capacities.ToArray())
            from threads in Gen.Choose(o.MinThreads, o.MaxThreads)
            from consumer in Gen.Frequency((1, Gen.Constant(-1)), (4, Gen.Choose(0, threads - 1)))
            from init in Ops(o, Role.Init, 0, o.MaxInitOps)
            from parallel in Gen.CollectToArray(Enumerable.Range(0, threads).Select(t =>
                Ops(o, o.SingleConsumer && t != consumer ? Role.Producer : Role.Consumer, o.MinOpsPerThread, o.MaxOpsPerThread)))
            from post in Ops(o, Role.Post, 0, o.MaxPostOps)
            select Build(o, capacity, init, parallel, post);
    }

    /// <summary><paramref name="count"/> scenarios drawn deterministically from <paramref name="seed"/>.</summary>
    /// <param name="options">Shape and vocabulary.</param>
    /// <param name="seed">The seed (the same seed gives the same scenarios).</param>
    /// <param name="count">How many.</param>
    /// <returns>The scenarios.</returns>
    public static IReadOnlyList<ChannelScenario> Sample(ScenarioGeneratorOptions? options, int seed, int count)
    {
        var gen = Scenarios(options);
        return gen.Sample(count, new Rnd((ulong)(uint)seed, 0x9E3779B97F4A7C15UL), 30);
    }

    private static Gen<Template[]> Ops(ScenarioGeneratorOptions o, Role role, int min, int max) =>
        from n in Gen.Choose(min, max)
        from ops in Gen.ArrayOf(Op(o, role), n)
        select ops;

    private static Gen<Template> Op(ScenarioGeneratorOptions o, Role role)
    {
        var choices = new List<(int Weight, ChannelOpKind Kind, bool Timed, bool Cancellable)>();
        void Add(int w, ChannelOpKind k, bool timed = false, bool cancellable = false)
        {
            if (!o.Kinds.Contains(k) || cancellable && !o.Kinds.Contains(ChannelOpKind.Cancel))
                return;
            if (!timed && !cancellable && k is ChannelOpKind.Send or ChannelOpKind.SendAsync or ChannelOpKind.Receive or ChannelOpKind.ReceiveAsync && !o.UnboundedWaits)
                return;
            choices.Add((w, k, timed, cancellable));
        }

        switch (role)
        {
            case Role.Init:
                Add(6, ChannelOpKind.TrySend);
                Add(1, ChannelOpKind.TryReceive);
                break;
            case Role.Post:
                Add(6, ChannelOpKind.TryReceive);
                Add(1, ChannelOpKind.Count);
                Add(1, ChannelOpKind.Close);
                break;
            case Role.Producer:
                Add(5, ChannelOpKind.TrySend);
                Add(1, ChannelOpKind.Send);
                Add(2, ChannelOpKind.Send, timed: true);
                Add(2, ChannelOpKind.SendAsync);
                Add(1, ChannelOpKind.SendAsync, timed: true);
                Add(2, ChannelOpKind.SendAsync, cancellable: true);
                Add(1, ChannelOpKind.Close);
                Add(2, ChannelOpKind.Cancel);
                break;
            default:
                Add(5, ChannelOpKind.TryReceive);
                Add(1, ChannelOpKind.Receive);
                Add(2, ChannelOpKind.Receive, timed: true);
                Add(2, ChannelOpKind.ReceiveAsync);
                Add(1, ChannelOpKind.ReceiveAsync, timed: true);
                Add(2, ChannelOpKind.ReceiveAsync, cancellable: true);
                Add(1, ChannelOpKind.Count);
                Add(1, ChannelOpKind.CloseReceiver);
                Add(1, ChannelOpKind.TrySend);
                Add(1, ChannelOpKind.Cancel);
                break;
        }

        if (choices.Count == 0)
            choices.Add((1, o.Kinds.Contains(ChannelOpKind.TrySend) ? ChannelOpKind.TrySend : o.Kinds.First(), false, false));
        return Gen.Frequency(choices.Select(c => (c.Weight, Gen.Choose(0, 9999).Select(p => new Template(c.Kind, c.Timed, c.Cancellable, p)))).ToArray());
    }

    private static ChannelScenario Build(ScenarioGeneratorOptions o, int capacity, Template[] init, Template[][] parallel, Template[] post)
    {
        var value = 0;
        var token = 0;
        ChannelOp Make(Template t) => t.Kind switch
        {
            ChannelOpKind.TrySend => ChannelOp.TrySend(++value),
            ChannelOpKind.Send => ChannelOp.Send(++value, t.Timed ? o.Timeouts[t.Pick % o.Timeouts.Count] : null),
            ChannelOpKind.SendAsync => ChannelOp.SendAsync(++value, t.Timed ? o.Timeouts[t.Pick % o.Timeouts.Count] : null, t.Cancellable ? ++token : null),
            ChannelOpKind.TryReceive => ChannelOp.TryReceive(),
            ChannelOpKind.Receive => ChannelOp.Receive(t.Timed ? o.Timeouts[t.Pick % o.Timeouts.Count] : null),
            ChannelOpKind.ReceiveAsync => ChannelOp.ReceiveAsync(t.Timed ? o.Timeouts[t.Pick % o.Timeouts.Count] : null, t.Cancellable ? ++token : null),
            ChannelOpKind.Close => ChannelOp.Close(),
            ChannelOpKind.CloseReceiver => ChannelOp.CloseReceiver(),
            ChannelOpKind.Count => ChannelOp.Count(),
            _ => ChannelOp.Cancel(-1), // bound below
        };

        var initOps = init.Select(Make).ToArray();
        var threads = parallel.Select(t => t.Select(Make).ToArray()).ToArray();

        // Bind each cancel to a cancellable operation of another thread (or make it a send when there is none).
        for (var i = 0; i < threads.Length; i++)
        {
            for (var k = 0; k < threads[i].Length; k++)
            {
                if (threads[i][k].Kind != ChannelOpKind.Cancel)
                    continue;
                var targets = threads.Where((_, j) => j != i).SelectMany(t => t).Where(x => x.Kind != ChannelOpKind.Cancel && x.Token is not null).ToList();
                threads[i][k] = targets.Count > 0 ? ChannelOp.Cancel(targets[parallel[i][k].Pick % targets.Count].Token!.Value) : ChannelOp.TrySend(++value);
            }
        }

        // A token nobody cancels is dropped (the operation observes CancellationToken.None).
        var cancelled = threads.SelectMany(t => t).Where(x => x.Kind == ChannelOpKind.Cancel).Select(x => x.Token).ToHashSet();
        threads = threads.Select(t => t.Select(x => x.Kind != ChannelOpKind.Cancel && x.Token is not null && !cancelled.Contains(x.Token) ? x with { Token = null } : x).ToArray()).ToArray();

        var postOps = post.Select(Make).ToArray();
        return new ChannelScenario(capacity, initOps, threads, postOps);
    }
}
