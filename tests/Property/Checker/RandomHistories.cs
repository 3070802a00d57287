using System;
using System.Collections.Generic;
using System.Linq;
using Sluice.Verification.Linearizability;

namespace Sluice.Tests.Property.Checker;

/// <summary>A random channel history for testing the checker itself.</summary>
public sealed record RandomHistory(int Capacity, ChannelSpecificationOptions Spec, History<ChannelOp, ChannelResult> History, string Origin)
{
    public override string ToString()
    {
        var lines = History.Operations.Select((o, i) => $"  #{i} [{o.Invoked,3},{o.Responded,3}] T{o.Thread} {o.Input} → {o.Output}");
        var q = History.Quiescence.Select(p => $"  quiescent at {p.Time}: pending {string.Join(",", p.Pending.Select(i => "#" + i))}");
        return $"capacity {Capacity}, relaxed {Spec.EmptyWhileOldestSendInFlight}, strict timeouts {Spec.StrictTimeouts} ({Origin})\n" +
               string.Join("\n", lines.Concat(q));
    }
}

/// <summary>
/// Builds histories by running a random sequence of operations against a simple reference model, placing
/// each at a linearization point and widening it into an interval (so the history is linearizable), and
/// then, half of the time, corrupting it (a result, a value, an interval) so that it may not be.
/// </summary>
public static class RandomHistories
{
    public static RandomHistory Build(int seed, int maxOps, bool allowDuplicates)
    {
        var rng = new Random(seed);
        var capacity = rng.Next(1, 4);
        var spec = new ChannelSpecificationOptions { EmptyWhileOldestSendInFlight = rng.Next(3) == 0, StrictTimeouts = rng.Next(4) != 0 };
        var n = rng.Next(1, maxOps + 1);
        var queue = new Queue<int>();
        var closed = false;
        var nextValue = 1;
        var ops = new List<(ChannelOp Op, ChannelResult Result, long Lin)>();
        for (var i = 0; i < n; i++)
        {
            var lin = 10L * (i + 1);
            var roll = rng.Next(100);
            ChannelOp op;
            ChannelResult r;
            var value = allowDuplicates && rng.Next(4) == 0 ? rng.Next(1, 3) : nextValue++;
            if (roll < 30)
            {
                op = ChannelOp.TrySend(value);
                r = closed ? ChannelOutcome.Closed : queue.Count < capacity ? ChannelOutcome.Sent : ChannelOutcome.Full;
            }
            else if (roll < 45)
            {
                var timed = rng.Next(2) == 0;
                op = rng.Next(2) == 0 ? ChannelOp.Send(value, timed ? TimeSpan.FromMilliseconds(1) : null) : ChannelOp.SendAsync(value, timed ? TimeSpan.FromMilliseconds(1) : null, rng.Next(2) == 0 ? 1 : null);
                if (closed)
                    r = ChannelOutcome.Closed;
                else if (queue.Count < capacity)
                    r = op.Token is not null && rng.Next(4) == 0 ? ChannelOutcome.Cancelled : ChannelOutcome.Sent;
                else
                    r = op.Token is not null && rng.Next(2) == 0 ? ChannelOutcome.Cancelled : timed ? ChannelOutcome.TimedOut : ChannelOutcome.Sent; // an untimed send on a full channel "waits": placed later, below
            }
            else if (roll < 70)
            {
                op = ChannelOp.TryReceive();
                r = queue.Count > 0 ? ChannelResult.Received(queue.Peek()) : closed ? ChannelOutcome.Closed : ChannelOutcome.Empty;
            }
            else if (roll < 85)
            {
                var timed = rng.Next(2) == 0;
                op = rng.Next(2) == 0 ? ChannelOp.Receive(timed ? TimeSpan.FromMilliseconds(1) : null) : ChannelOp.ReceiveAsync(timed ? TimeSpan.FromMilliseconds(1) : null, rng.Next(2) == 0 ? 2 : null);
                if (queue.Count > 0)
                    r = ChannelResult.Received(queue.Peek());
                else if (closed)
                    r = ChannelOutcome.Closed;
                else if (op.Token is not null)
                    r = ChannelOutcome.Cancelled;
                else if (timed)
                    r = ChannelOutcome.TimedOut;
                else
                    r = ChannelOutcome.Empty; // untimed receive on an empty open channel: rewritten below (blocked)
            }
            else if (roll < 93)
            {
                op = rng.Next(2) == 0 ? ChannelOp.Close() : ChannelOp.CloseReceiver();
                r = closed ? ChannelOutcome.AlreadyClosed : ChannelOutcome.ClosedNow;
            }
            else
            {
                op = ChannelOp.Count();
                r = new ChannelResult(ChannelOutcome.Counted, queue.Count);
            }

            // Untimed waits that cannot complete now: make them non-waiting equivalents (keeps the generator simple).
            if (op.IsWaiting && op.Timeout is null && r.Outcome != ChannelOutcome.Cancelled && (op.IsSend ? !closed && queue.Count >= capacity : !closed && queue.Count == 0))
            {
                op = op.IsSend ? ChannelOp.TrySend(value) : ChannelOp.TryReceive();
                r = op.IsSend ? ChannelOutcome.Full : ChannelOutcome.Empty;
            }

            switch (r.Outcome)
            {
                case ChannelOutcome.Sent:
                    queue.Enqueue(op.Value);
                    break;
                case ChannelOutcome.Received:
                    queue.Dequeue();
                    break;
                case ChannelOutcome.ClosedNow:
                    closed = true;
                    break;
            }

            ops.Add((op, r, lin));
        }

        var history = new History<ChannelOp, ChannelResult>();
        var widths = rng.Next(3) switch { 0 => 4, 1 => 15, _ => 35 };
        foreach (var (op, r, lin) in ops)
        {
            var inv = lin - rng.Next(0, widths);
            var resp = lin + rng.Next(0, widths);
            history.Add(new HistoryOperation<ChannelOp, ChannelResult>(rng.Next(3), op, r, inv, resp));
        }

        var origin = "linearizable by construction";
        if (rng.Next(2) == 0)
            (history, origin) = Corrupt(history, rng);

        if (rng.Next(3) == 0)
        {
            var q = rng.Next(0, 10 * (n + 1));
            var pending = history.Operations.Select((o, i) => (o, i)).Where(x => x.o.Input.IsWaiting && x.o.Invoked < q && x.o.Responded > q).Select(x => x.i).ToArray();
            history.AddQuiescence(new QuiescencePoint(q, pending));
            origin += ", with a quiescence point";
        }

        return new RandomHistory(capacity, spec, history, origin);
    }

    private static (History<ChannelOp, ChannelResult>, string) Corrupt(History<ChannelOp, ChannelResult> h, Random rng)
    {
        var ops = h.Operations.ToList();
        var i = rng.Next(ops.Count);
        var o = ops[i];
        string what;
        switch (rng.Next(4))
        {
            case 0:
                var outcomes = Enum.GetValues<ChannelOutcome>().Where(x => x != ChannelOutcome.Threw).ToArray();
                var outcome = outcomes[rng.Next(outcomes.Length)];
                ops[i] = new(o.Thread, o.Input, new ChannelResult(outcome, outcome is ChannelOutcome.Received or ChannelOutcome.Counted ? rng.Next(0, 5) : 0), o.Invoked, o.Responded);
                what = $"result of #{i} replaced";
                break;
            case 1:
                ops[i] = new(o.Thread, o.Input, o.Output with { Value = o.Output.Value + 1 }, o.Invoked, o.Responded);
                what = $"value of #{i} changed";
                break;
            case 2:
                var j = rng.Next(ops.Count);
                var p = ops[j];
                ops[i] = new(o.Thread, o.Input, p.Output, o.Invoked, o.Responded);
                ops[j] = new(p.Thread, p.Input, o.Output, p.Invoked, p.Responded);
                what = $"results of #{i} and #{j} swapped";
                break;
            default:
                var shift = rng.Next(-40, 41);
                ops[i] = new(o.Thread, o.Input, o.Output, o.Invoked + shift, o.Responded + shift);
                what = $"#{i} moved by {shift}";
                break;
        }

        return (new History<ChannelOp, ChannelResult>(ops), "corrupted: " + what);
    }
}
