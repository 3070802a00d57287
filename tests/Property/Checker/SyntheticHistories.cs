using System;
using System.Collections.Generic;
using System.Linq;
using Sluice.Verification.Linearizability;

namespace Sluice.Tests.Property.Checker;

/// <summary>
/// Large linearizable channel histories for measuring the checker: <c>threads</c> threads, thread 0 the
/// consumer (TryReceive, a third of the operations), the others senders (TrySend, timed Send) with unique payloads; operations are
/// executed against the sequential model at linearization points 10, 20, 30, … and each is widened into an
/// interval that stays inside its thread's slot, so about <c>threads</c> operations overlap at any time.
/// </summary>
public static class SyntheticHistories
{
    public static History<ChannelOp, ChannelResult> Build(int operations, int threads, int capacity, int seed)
    {
        var rng = new Random(seed);
        var queue = new Queue<int>();
        var next = 1;
        var ops = new List<(int Thread, ChannelOp Op, ChannelResult Result, long Lin)>();
        for (var i = 0; i < operations; i++)
        {
            var t = rng.Next(3) == 0 ? 0 : rng.Next(1, threads); // the consumer takes a third of the operations
            var lin = 10L * (i + 1);
            if (t == 0)
            {
                ops.Add((t, ChannelOp.TryReceive(), queue.Count > 0 ? ChannelResult.Received(queue.Dequeue()) : ChannelOutcome.Empty, lin));
            }
            else if (rng.Next(2) == 0)
            {
                var v = next++;
                var sent = queue.Count < capacity;
                if (sent)
                    queue.Enqueue(v);
                ops.Add((t, ChannelOp.TrySend(v), sent ? ChannelOutcome.Sent : ChannelOutcome.Full, lin));
            }
            else
            {
                var v = next++;
                var sent = queue.Count < capacity;
                if (sent)
                    queue.Enqueue(v);
                ops.Add((t, ChannelOp.Send(v, TimeSpan.FromMilliseconds(1)), sent ? ChannelOutcome.Sent : ChannelOutcome.TimedOut, lin));
            }
        }

        // Widen each operation into an interval inside its thread's slot: halfway to the neighbouring operations of the same thread.
        var h = new History<ChannelOp, ChannelResult>();
        var byThread = ops.Select((o, i) => (o, i)).GroupBy(x => x.o.Thread).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToList());
        var intervals = new (long Inv, long Resp)[ops.Count];
        foreach (var list in byThread.Values)
        {
            for (var k = 0; k < list.Count; k++)
            {
                var lin = ops[list[k]].Lin;
                var lo = k == 0 ? 0 : (ops[list[k - 1]].Lin + lin) / 2 + 1;
                var hi = k == list.Count - 1 ? lin + 10L * threads : (ops[list[k + 1]].Lin + lin) / 2 - 1;
                intervals[list[k]] = (lin - rng.NextInt64(0, lin - lo + 1), lin + rng.NextInt64(0, hi - lin + 1));
            }
        }

        for (var i = 0; i < ops.Count; i++)
            h.Add(new HistoryOperation<ChannelOp, ChannelResult>(ops[i].Thread, ops[i].Op, ops[i].Result, intervals[i].Inv, intervals[i].Resp));
        return h;
    }

    /// <summary>
    /// The same history with a FIFO violation near its end: the last two successful receives whose sends are
    /// ordered in real time get each other's values, so the search has to rule out (almost) everything before
    /// it can answer.
    /// </summary>
    public static History<ChannelOp, ChannelResult> SwapLastTwoReceives(History<ChannelOp, ChannelResult> h)
    {
        var ops = h.Operations.ToList();
        var sendOf = ops.Where(o => o.Input.IsSend).ToDictionary(o => o.Input.Value);
        var received = ops.Select((o, i) => (o, i)).Where(x => x.o.Output.Outcome == ChannelOutcome.Received).Select(x => x.i).ToArray();
        for (var k = received.Length - 1; k > 0; k--)
        {
            for (var m = k - 1; m >= Math.Max(0, k - 64); m--)
            {
                var (i, j) = (received[m], received[k]);
                var (a, b) = (ops[i], ops[j]);
                if (!sendOf[a.Output.Value].Precedes(sendOf[b.Output.Value]))
                    continue;
                ops[i] = new(a.Thread, a.Input, b.Output, a.Invoked, a.Responded);
                ops[j] = new(b.Thread, b.Input, a.Output, b.Invoked, b.Responded);
                return new History<ChannelOp, ChannelResult>(ops);
            }
        }

        throw new InvalidOperationException("No two receives with ordered sends.");
    }
}
