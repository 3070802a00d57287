using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Sluice.Verification.Runtime;

/// <summary>
/// An OS thread that hosts one logical thread at a time. Logical threads pass a baton: exactly one
/// of them runs; the others wait on their worker's semaphore. Workers are reused across executions
/// (creating an OS thread per logical thread per execution would dominate the run time).
/// </summary>
internal sealed class Worker
{
    private static readonly ConcurrentBag<Worker> Idle = new();
    private static int _created;

    private readonly SemaphoreSlim _go = new(0);
    private LogicalThread? _assigned;

    private Worker()
    {
        var thread = new Thread(Loop, maxStackSize: 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "sluice-checker-worker-" + Interlocked.Increment(ref _created),
        };
        thread.Start();
    }

    /// <summary>How many OS threads the checker has created in this process.</summary>
    public static int Created => Volatile.Read(ref _created);

    /// <summary>Takes an idle worker (or creates one) and makes it run <paramref name="thread"/>'s body.</summary>
    public static void Start(LogicalThread thread)
    {
        if (!Idle.TryTake(out var worker))
            worker = new Worker();
        worker._assigned = thread;
        thread.Worker = worker;
        worker._go.Release();
    }

    /// <summary>Hands the baton to the logical thread hosted here.</summary>
    public void Resume() => _go.Release();

    /// <summary>Called by the hosted logical thread: wait for the baton.</summary>
    public void WaitTurn() => _go.Wait();

    private void Loop()
    {
        while (true)
        {
            _go.Wait();
            var thread = _assigned!;
            LogicalThread? next;
            try
            {
                next = thread.Execution.RunBody(thread);
            }
            catch (Exception ex)
            {
                // RunBody catches everything the model thread throws; reaching here is a checker bug.
                Environment.FailFast("Sluice checker worker failed: " + ex);
                return;
            }

            _assigned = null;
            thread.Worker = null;
            Idle.Add(this);
            thread.Execution.AfterFinish(next);
        }
    }
}
