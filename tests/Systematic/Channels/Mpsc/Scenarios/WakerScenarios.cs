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

    /// <summary>
    /// The sink registers <paramref name="registrations"/> different waiters in a row without waiting (the
    /// contract allows it: sink calls are never concurrent), while <paramref name="notifiers"/> threads
    /// notify once each. Checks the hand-off of the two waiter slots: the sink overwrites a slot only after
    /// every notifier that read it has finished with it (the checker reports any unordered access as a race).
    /// </summary>
    public static void SinkSwitchingWaiters(int notifiers, int registrations)
    {
        var waker = new ReceiverWaker();
        var sources = new List<ModelThreadHandle>();
        for (var n = 0; n < notifiers; n++)
            sources.Add(ModelThread.Spawn(waker.Notify, $"notifier {n}"));
        for (var i = 0; i < registrations; i++)
            waker.Register(new ThreadWaker());
        waker.Unregister();
        foreach (var s in sources)
            s.Join();
    }
}
