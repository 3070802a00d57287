using System;
using System.Runtime.CompilerServices;
using System.Threading;
#if SLUICE_CHECKED
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// The one place where work is handed to another thread: continuations of completed waits.
/// </summary>
/// <remarks>
/// Release build: the thread pool, without capturing the <see cref="ExecutionContext"/> (the awaiting
/// async method flows its own) and without allocating, always through the global queue. Preferring the
/// calling thread's local queue (what <c>ManualResetValueTaskSourceCore</c> does) was measured and
/// rejected: the caller here is usually a thread that keeps running (a receiver that just ran a blocked
/// sender's retry and goes on draining, a sender in its own loop), and work queued behind it waits until
/// it stops. SPSC fell from 31 to 12 msg/µs (the producer's continuation waited for the consumer to run
/// dry) and pinball at 241 balls did 0.37 work items per message instead of 0.03
/// in bench/results/2026-11-21-dev-2core-3, the run with local queues (ANALYSIS.md there).
/// Checked build: the continuation becomes a new logical thread of the checker, schedulable like any
/// other, that happens after the dispatch.
/// </remarks>
public static class ContinuationDispatcher
{
    /// <summary>Runs <paramref name="workItem"/> on another thread.</summary>
    /// <param name="workItem">The work item.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dispatch(IThreadPoolWorkItem workItem, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.Dispatch(workItem.Execute, file, line);
            return;
        }
#endif
        ThreadPool.UnsafeQueueUserWorkItem(workItem, preferLocal: false);
    }

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) on another thread.</summary>
    /// <param name="callback">The continuation.</param>
    /// <param name="state">Its argument.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dispatch(Action<object?> callback, object? state, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.Dispatch(() => callback(state), file, line);
            return;
        }
#endif
        ThreadPool.UnsafeQueueUserWorkItem(callback, state, preferLocal: false);
    }
}
