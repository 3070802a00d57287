using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

/// <summary>Helpers shared by the unit tests. Deadlines here only stop a broken build from hanging the run; no test uses time as its oracle.</summary>
internal static class TestSupport
{
    /// <summary>How long a test waits for something that must happen before declaring a hang.</summary>
    public static readonly TimeSpan HangDeadline = TimeSpan.FromSeconds(20);

    /// <summary>Awaits <paramref name="task"/>, failing the test instead of hanging if it never completes.</summary>
    public static Task WithDeadline(this Task task) => task.WaitAsync(HangDeadline);

    /// <summary>Awaits <paramref name="task"/>, failing the test instead of hanging if it never completes.</summary>
    public static Task<T> WithDeadline<T>(this Task<T> task) => task.WaitAsync(HangDeadline);

    /// <summary>Awaits <paramref name="task"/>, failing the test instead of hanging if it never completes.</summary>
    public static Task WithDeadline(this ValueTask task) => task.AsTask().WaitAsync(HangDeadline);

    /// <summary>Awaits <paramref name="task"/>, failing the test instead of hanging if it never completes.</summary>
    public static Task<T> WithDeadline<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(HangDeadline);

    /// <summary>Waits (yielding) until <paramref name="condition"/> holds; fails after the hang deadline.</summary>
    public static void SpinUntil(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, HangDeadline))
            Assert.Fail("Timed out waiting until " + what);
    }

    /// <summary>Runs <paramref name="body"/> on a new dedicated thread (not the thread pool).</summary>
    public static Task<T> OnThread<T>(Func<T> body, out Thread thread)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        thread = new Thread(() =>
        {
            try { tcs.SetResult(body()); }
            catch (Exception e) { tcs.SetException(e); }
        }) { IsBackground = true };
        thread.Start();
        return tcs.Task;
    }

    /// <summary>Waits until <paramref name="thread"/> is blocked (parked in a wait). Only a way to reach the
    /// blocked path more often: every test is correct whether or not the thread had blocked yet.</summary>
    public static void WaitUntilBlocked(Thread thread) =>
        SpinUntil(() => (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0, "the thread blocks");
}

/// <summary>
/// Receives the retries a channel would hand to the thread pool, so a test decides exactly when each
/// one runs (a deterministic schedule on one thread).
/// </summary>
internal sealed class ManualDispatcher
{
    private readonly ConcurrentQueue<IThreadPoolWorkItem> _queue = new();

    public int Pending => _queue.Count;

    public void Dispatch(IThreadPoolWorkItem work) => _queue.Enqueue(work);

    public void RunOne()
    {
        Assert.True(_queue.TryDequeue(out var work), "expected a dispatched retry");
        work!.Execute();
    }

    public void RunAll()
    {
        while (_queue.TryDequeue(out var work))
            work.Execute();
    }
}

/// <summary>A SynchronizationContext that counts the continuations posted to it and runs them on the thread pool.</summary>
internal sealed class RecordingContext : SynchronizationContext
{
    private int _posts;

    public int Posts => Volatile.Read(ref _posts);

    public override void Post(SendOrPostCallback d, object? state)
    {
        Interlocked.Increment(ref _posts);
        ThreadPool.QueueUserWorkItem(_ => d(state));
    }
}
