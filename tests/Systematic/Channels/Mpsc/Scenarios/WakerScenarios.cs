using System.Collections.Generic;
using Sluice.Channels.Mpsc;
using Sluice.Sync;
using Sluice.Verification;

namespace Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;

/// <summary>Receiver-waker scenarios (src/Channels/Mpsc/ReceiverWaker.cs), compiled for the real code and every twin.</summary>
public static class WakerScenarios
{
    private static bool TryTake(ref AtomicInt32 tokens)
    {
        var seen = tokens.Load(MemoryOrder.Relaxed);
        while (seen > 0)
        {
            var observed = tokens.CompareExchange(seen, seen - 1, MemoryOrder.Relaxed, MemoryOrder.Relaxed);
            if (observed == seen)
                return true;
            seen = observed;
        }

        return false;
    }

    /// <summary>
    /// <paramref name="notifiers"/> threads each add a token and notify; the sink consumes them all,
    /// waiting on <paramref name="waiters"/> different waiters in turn.
    /// </summary>
    public static void Sink(int notifiers, int waiters)
    {
        var waker = new ReceiverWaker();
        var tokens = new AtomicInt32(0);
        var sources = new List<ModelThreadHandle>();
        for (var n = 0; n < notifiers; n++)
        {
            sources.Add(ModelThread.Spawn(() =>
            {
                tokens.FetchAdd(1, MemoryOrder.Relaxed);
                waker.Notify();
            }, $"notifier {n}"));
        }

        var sinkWaiters = new ThreadWaker[waiters];
        for (var i = 0; i < waiters; i++)
            sinkWaiters[i] = new ThreadWaker();

        var consumed = 0;
        var wait = 0;
        while (consumed < notifiers)
        {
            if (TryTake(ref tokens))
            {
                consumed++;
                continue;
            }

            var w = sinkWaiters[wait++ % waiters];
            waker.Register(w);
            if (TryTake(ref tokens))
            {
                waker.Unregister();
                consumed++;
                continue;
            }

            w.Parker.Park(); // woken (or a stale permit from an earlier registration): re-check
        }

        foreach (var s in sources)
            s.Join();
    }

}
