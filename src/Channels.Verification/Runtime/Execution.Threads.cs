using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Sluice.Verification.Memory;
using Sluice.Verification.Reporting;

namespace Sluice.Verification.Runtime;

/// <summary>
/// Threads, continuations, blocking and timers: spawn/join, dispatch, park/unpark, mutexes, timers,
/// spin hints. Each carries the happens-before edge its real counterpart provides.
/// </summary>
internal sealed partial class Execution
{
    private readonly List<AsyncRoot> _asyncRoots = new();
    private string? _uncontrolled;

    internal sealed class AsyncRoot
    {
        public AsyncRoot(string site) => Site = site;

        public string Site { get; }

        public LogicalThread? Thread { get; set; }

        public Task? Task { get; set; }

        public bool Observed { get; set; }

        /// <summary>The view of the thread that completed the task, at completion (what awaiting it acquires).</summary>
        public View? CompletedView { get; set; }

        public void Start(Func<Task> body)
        {
            var task = body();
            Task = task;

            // Runs inline on whichever model thread completes the task, so its view can be captured.
            task.ContinueWith(static (_, s) => ((AsyncRoot)s!).CompletedView = ModelContext.Current?.Thread.Cur.Clone(),
                this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    // ------------------------------------------------------------------ threads and continuations

    /// <summary>Creates a logical thread that happens after <paramref name="parent"/>'s operations so far and runs it up to its first operation.</summary>
    internal LogicalThread Spawn(LogicalThread parent, string name, Action body, string site)
    {
        ThrowIfAborting();
        var child = NewThread(name, body);
        if (Aborting)
        {
            child.Status = ThreadStatus.Finished; // dispatched while the execution is unwound: it never runs
            return child;
        }

        child.Cur = parent.Cur.Clone(); // spawn synchronises: the child sees everything the parent did
        child.Cur.Clock.Tick(child.Id);
        parent.Cur.Clock.Tick(parent.Id);
        child.InPrologue = true;
        child.ReturnTo = parent;
        WriteCounter++;
        if (Tracing)
            Trace(parent, TraceKind.Lifecycle, $"start {child.Label} ({name})", site);
        SwitchTo(parent, child);
        return child;
    }

    internal AsyncRoot SpawnAsync(LogicalThread parent, string name, Func<Task> body, string site)
    {
        var root = new AsyncRoot(site);
        _asyncRoots.Add(root);
        root.Thread = Spawn(parent, name, () => root.Start(body), site);
        return root;
    }

    /// <summary>A continuation handed to another thread (thread pool in release): a new logical thread.</summary>
    internal void Dispatch(LogicalThread from, Action continuation, string site) =>
        Spawn(from, "continuation dispatched at " + site, continuation, site);

    internal void Join(LogicalThread t, LogicalThread target, string site)
    {
        // Joining a finished thread is invisible to every other thread: no scheduling point.
        if (target.Status == ThreadStatus.Finished)
            ThrowIfAborting();
        else
        {
            BlockingPoint(t, new Operation(OpKind.Join, target.Id, SeqCst: false, Writes: false, site),
                () => target.Status == ThreadStatus.Finished, timeoutAllowed: false, () => $"joining {target}");
        }

        t.Cur.Join(target.FinalView); // join synchronises with everything the target did
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, $"joined {target.Label}", site);
    }

    internal void JoinAsync(LogicalThread t, AsyncRoot root, string site)
    {
        if (root.Task is { IsCompleted: true })
            ThrowIfAborting();
        else
        {
            BlockingPoint(t, new Operation(OpKind.Join, root.Thread!.Id, SeqCst: false, Writes: false, site),
                () => root.Task is { IsCompleted: true }, timeoutAllowed: false, () => $"awaiting the task of {root.Thread}");
        }

        root.Observed = true;
        t.Cur.Join(root.CompletedView); // awaiting a task synchronises with the thread that completed it
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, $"joined the task of {root.Thread!.Label}", site);
        root.Task!.GetAwaiter().GetResult();
    }

    /// <summary>
    /// A blocking operation: <paramref name="t"/> can be scheduled only while <paramref name="unblocked"/>
    /// holds (or, when <paramref name="timeoutAllowed"/>, when the checker fires the timeout). Returns
    /// whether it was unblocked (false: timed out).
    /// </summary>
    private bool BlockingPoint(LogicalThread t, Operation op, Func<bool> unblocked, bool timeoutAllowed, Func<string> reason)
    {
        t.Unblocked = unblocked;
        t.TimeoutAllowed = timeoutAllowed;
        t.BlockReason = reason();
        t.Status = ThreadStatus.Blocked;
        try
        {
            SchedulePoint(t, op);
            return unblocked();
        }
        finally
        {
            t.Status = ThreadStatus.Runnable;
            t.Unblocked = null;
            t.TimeoutAllowed = false;
        }
    }

    /// <summary>An explicit scheduling point: what the thread does next happens when the checker chooses.</summary>
    internal void Point(LogicalThread t, string site)
    {
        SchedulePoint(t, new Operation(OpKind.Point, -1, SeqCst: false, Writes: true, site));
        WriteCounter++;
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, "scheduling point", site);
    }

    /// <summary>
    /// Blocks <paramref name="t"/> until every other logical thread has finished or is blocked (a park,
    /// a lock, a join, an armed timer that has not fired): the execution is quiescent, so whatever is
    /// still waiting waits for something only <paramref name="t"/> can do.
    /// </summary>
    internal void AwaitQuiescence(LogicalThread t, string site)
    {
        bool Quiescent()
        {
            foreach (var x in Threads)
            {
                if (x == t || x.Status is ThreadStatus.Finished or ThreadStatus.NotStarted)
                    continue;
                if (x.Status == ThreadStatus.Blocked && !(x.Unblocked?.Invoke() ?? false))
                    continue;
                return false;
            }

            return true;
        }

        BlockingPoint(t, new Operation(OpKind.Quiescence, -1, SeqCst: false, Writes: false, site), Quiescent, timeoutAllowed: false,
            () => "awaiting quiescence (every other thread finished or blocked)");
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, "quiescent: every other thread has finished or is blocked", site);
    }

    /// <summary>Adds a line to the trace of <paramref name="t"/> (no scheduling point; only when tracing).</summary>
    internal void Annotate(LogicalThread t, string text, string site)
    {
        if (Tracing && !Aborting)
            Trace(t, TraceKind.Operation, "» " + text, site);
    }

    // ------------------------------------------------------------------ spin hints

    internal void SpinHint(LogicalThread t, string site)
    {
        ThrowIfAborting();
        if (Aborting)
            return;
        Step++;
        t.Steps++;
        if (Step > Options.MaxSteps)
            Fail(StepBoundFailure(BusiestThread()));
        t.Yielded = true;
        t.PreviousYieldWriteStamp = t.YieldWriteStamp;
        t.YieldWriteStamp = WriteCounter;
        t.SeenAtYield = t.Cur.SnapshotSeen();
        t.Pending = new Operation(OpKind.SpinHint, -1, SeqCst: false, Writes: false, site);
        if (Tracing)
            Trace(t, TraceKind.Operation, "spin hint (yields until another thread writes)", site);
        RescheduleAfterYield(t);
    }

    // ------------------------------------------------------------------ parker

    internal ModelParker ResolveParker(ref ModelParker? slot)
    {
        if (slot is null || slot.Execution != this)
            slot = new ModelParker(this, NewObjectId());
        return slot;
    }

    internal bool Park(LogicalThread t, ModelParker p, TimeSpan timeout, string site)
    {
        var op = new Operation(OpKind.Park, p.Id, SeqCst: false, Writes: true, site);
        bool unparked;
        if (timeout == TimeSpan.Zero)
        {
            SchedulePoint(t, op);
            unparked = p.Permit;
        }
        else
        {
            unparked = BlockingPoint(t, op, () => p.Permit, timeout != Timeout.InfiniteTimeSpan, () => $"parked on P{p.Id}");
        }

        if (unparked)
        {
            p.Permit = false;
            t.Cur.Join(p.Released); // unpark happens before the park that consumes its permit
            WriteCounter++;
        }

        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, unparked ? $"park P{p.Id} → permit consumed" : $"park P{p.Id} → timed out", site);
        return unparked;
    }

    internal void Unpark(LogicalThread t, ModelParker p, string site)
    {
        SchedulePoint(t, new Operation(OpKind.Unpark, p.Id, SeqCst: false, Writes: true, site));
        p.Permit = true;
        p.Released.Join(t.Cur);
        WriteCounter++;
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, $"unpark P{p.Id}", site);
    }

    // ------------------------------------------------------------------ mutex

    internal ModelMutex ResolveMutex(ref ModelMutex? slot)
    {
        if (slot is null || slot.Execution != this)
            slot = new ModelMutex(this, NewObjectId());
        return slot;
    }

    internal void MutexEnter(LogicalThread t, ModelMutex m, string site)
    {
        if (m.Owner == t)
            Fail(Misuse($"{t} tried to enter lock M{m.Id} it already holds (MutexLock is not reentrant).", site));
        BlockingPoint(t, new Operation(OpKind.MutexEnter, m.Id, SeqCst: false, Writes: true, site),
            () => m.Owner is null, timeoutAllowed: false, () => $"waiting for lock M{m.Id}, held by {m.Owner?.ToString() ?? "nobody"}");
        m.Owner = t;
        t.Cur.Join(m.Released); // lock acquire synchronises with the previous release
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, $"lock M{m.Id}", site);
    }

    internal void MutexExit(LogicalThread t, ModelMutex m, string site)
    {
        if (m.Owner != t)
            Fail(Misuse($"{t} released lock M{m.Id} it does not hold (owner: {m.Owner?.ToString() ?? "nobody"}).", site));
        SchedulePoint(t, new Operation(OpKind.MutexExit, m.Id, SeqCst: false, Writes: true, site));
        m.Owner = null;
        m.Released = t.Cur.Clone();
        WriteCounter++;
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, $"unlock M{m.Id}", site);
    }

    // ------------------------------------------------------------------ timers (virtual time)

    internal ModelTimer ResolveTimer(ref ModelTimer? slot)
    {
        if (slot is null || slot.Execution != this)
            slot = new ModelTimer(this, NewObjectId());
        return slot;
    }

    internal void TimerStart(LogicalThread t, ModelTimer timer, Action<object?> callback, object? state, TimeSpan due, string site)
    {
        SchedulePoint(t, new Operation(OpKind.TimerStart, timer.Id, SeqCst: false, Writes: true, site));
        if (timer.Armed is not null)
            Fail(Misuse($"Timer {timer.Id} was started while armed; cancel it or let it fire first.", site));
        LogicalThread? fire = null;
        fire = NewThread($"timer {timer.Id} armed at {site}", () =>
        {
            timer.Armed = null;
            if (Tracing)
                Trace(fire, TraceKind.Lifecycle, $"timer {timer.Id} fires", site);
            callback(state);
        });
        fire.Status = ThreadStatus.NotStarted;
        fire.Timer = timer;
        fire.Cur = t.Cur.Clone(); // arming happens before the callback
        fire.Cur.Clock.Tick(fire.Id);
        fire.Pending = new Operation(OpKind.TimerFire, timer.Id, SeqCst: false, Writes: true, site);
        timer.Armed = fire;
        WriteCounter++;
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, $"arm timer {timer.Id} ({due.TotalMilliseconds:0} ms, virtual) → {fire.Label}", site);
    }

    internal bool TimerCancel(LogicalThread t, ModelTimer timer, string site)
    {
        SchedulePoint(t, new Operation(OpKind.TimerCancel, timer.Id, SeqCst: false, Writes: true, site));
        var cancelled = false;
        if (timer.Armed is { Status: ThreadStatus.NotStarted } fire)
        {
            fire.Status = ThreadStatus.Finished;
            timer.Armed = null;
            cancelled = true;
            WriteCounter++;
        }

        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            Trace(t, TraceKind.Operation, cancelled ? $"cancel timer {timer.Id} → cancelled" : $"cancel timer {timer.Id} → too late (fired)", site);
        return cancelled;
    }

    // ------------------------------------------------------------------ uncontrolled concurrency

    internal void ReportUncontrolled(string what) =>
        _uncontrolled ??= $"Uncontrolled concurrency: {what}. Inside an exploration, code must only create threads " +
                          "and continuations through the checker (ModelThread, the shim); Task.Run, Task.Delay and real timers escape it.";
}
