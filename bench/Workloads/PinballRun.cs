using System;
using System.Threading;
using System.Threading.Tasks;
using Sluice.Benchmarks.Infrastructure;

namespace Sluice.Benchmarks.Workloads;

/// <summary>
/// tachyonix's pinball: <c>graphs</c> complete graphs of 13 nodes; each node owns a channel (capacity =
/// balls, so no send ever waits) and a sender to every node. Balls start spread over the nodes (node i
/// gets balls/13, plus one if i &lt; balls mod 13) with path length 0; each receive is a hop (path length
/// + 1); a ball is forwarded to a uniformly random other node (SplitMix64 seeded graph + 61·node, as
/// tachyonix seeds oorandom) until its path length reaches hops/balls, then it halts. The node halting a
/// graph's last ball sends a wind-down to the 12 others. Messages counted: balls × (hops/balls) per graph.
/// Checks: every ball halts exactly once, the nodes' receive counts add up, no channel holds anything.
/// </summary>
public sealed class PinballRun<TSend, TReceive, TPipe> : WorkloadRun
    where TSend : struct, ISendEnd
    where TReceive : struct, IReceiveEnd
    where TPipe : IPipe<TSend, TReceive>
{
    private const long WindDown = -1;

    private readonly Graph[] _graphs;
    private readonly int _balls;
    private readonly int _maxHops;

    public PinballRun(string label, Func<TPipe> newPipe, int graphs, int nodes, int balls, int hopsPerGraph)
        : base(label, (long)graphs * balls * (hopsPerGraph / balls))
    {
        _balls = balls;
        _maxHops = hopsPerGraph / balls;
        _graphs = new Graph[graphs];
        for (var g = 0; g < graphs; g++)
        {
            var graph = _graphs[g] = new Graph(balls, nodes);
            var pipes = graph.Pipes = new TPipe[nodes];
            for (var i = 0; i < nodes; i++)
                pipes[i] = newPipe();
            var ends = new TSend[nodes][];
            for (var i = 0; i < nodes; i++)
            {
                ends[i] = new TSend[nodes];
                for (var j = 0; j < nodes; j++)
                    ends[i][j] = pipes[j].NewSender();
            }

            foreach (var pipe in pipes)
                pipe.SealSenders();
            var firstBall = 0;
            for (var i = 0; i < nodes; i++)
            {
                var count = balls / nodes + (i < balls % nodes ? 1 : 0);
                graph.Nodes[i] = Track(Node(graph, g, i, ends[i], pipes[i].Receiver, firstBall, count));
                firstBall += count;
            }
        }

        Arm();
    }

    private async Task<long> Node(Graph graph, int graphId, int self, TSend[] peers, TReceive inbox, int firstBall, int ballCount)
    {
        var rng = new SplitMix64((ulong)(graphId + 61 * self));
        var others = peers.Length - 1;
        var maxHops = _maxHops;
        long hops = 0;
        await Gate.Task.ConfigureAwait(false);
        for (var b = 0; b < ballCount; b++)
            await peers[self].SendAsync((long)(firstBall + b) << 32).ConfigureAwait(false);
        while (true)
        {
            var v = await inbox.ReceiveAsync().ConfigureAwait(false);
            if (v == WindDown)
                return hops;
            hops++;
            var ball = v >> 32;
            var length = (int)v + 1;
            if (length < maxHops)
            {
                var j = rng.NextInt(others);
                if (j >= self)
                    j++;
                await peers[j].SendAsync((ball << 32) | (uint)length).ConfigureAwait(false);
                continue;
            }

            if ((ulong)ball >= (ulong)graph.Halted.Length || Interlocked.Increment(ref graph.Halted[ball]) != 1)
                throw new BenchmarkFailedException($"ball {ball} halted twice (or does not exist)");
            if (Interlocked.Decrement(ref graph.Remaining) == 0)
            {
                for (var j = 0; j < peers.Length; j++)
                {
                    if (j != self)
                        await peers[j].SendAsync(WindDown).ConfigureAwait(false);
                }

                return hops;
            }
        }
    }

    protected override long Verify()
    {
        var expected = (long)_balls * _maxHops + (Sizes.InjectChecksumFault ? 1 : 0);
        long checksum = 0;
        for (var g = 0; g < _graphs.Length; g++)
        {
            var graph = _graphs[g];
            long hops = 0;
            foreach (var node in graph.Nodes)
                hops += node.Result;
            Check(hops == expected, $"graph {g}: {hops} hops received, expected {expected}");
            Check(graph.Remaining == 0, $"graph {g}: {graph.Remaining} balls did not halt");
            for (var b = 0; b < graph.Halted.Length; b++)
                Check(graph.Halted[b] == 1, $"graph {g}: ball {b} halted {graph.Halted[b]} times");
            for (var i = 0; i < graph.Pipes.Length; i++)
                Check(!graph.Pipes[i].Receiver.TryReceive(out var extra), $"graph {g} node {i}: an extra message {extra}");
            checksum += hops;
        }

        return checksum;
    }

    private sealed class Graph(int balls, int nodes)
    {
        public int Remaining = balls;
        public readonly int[] Halted = new int[balls];
        public readonly Task<long>[] Nodes = new Task<long>[nodes];
        public TPipe[] Pipes = [];
    }
}
