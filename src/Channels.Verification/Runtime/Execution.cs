using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Sluice.Verification.Memory;
using Sluice.Verification.Reporting;
using Sluice.Verification.Scheduling;

namespace Sluice.Verification.Runtime;

/// <summary>
/// One execution of the code under test: its logical threads, its memory, its trace. Exactly one
/// logical thread runs at a time (baton passing); every shim operation is a scheduling point where the
/// strategy picks which thread performs its pending operation next.
/// </summary>
/// <remarks>
/// This file holds the scheduler; the memory model, the synchronisation objects and tracing are in the
/// other parts of this partial class.
/// </remarks>
internal sealed partial class Execution
{
    private readonly SemaphoreSlim _done = new(0);
    private readonly ModelSynchronizationContext _syncContext;
    private int _nextObjectId;

    public Execution(CheckerOptions options, IStrategy strategy, long number)
    {
        Options = options;
        Strategy = strategy;
        Number = number;
        _syncContext = new ModelSynchronizationContext(this);
    }

    public CheckerOptions Options { get; }

    /// <summary>Weakened orderings for this exploration (shared by its executions), or null.</summary>
    public OrderingOverrides? Overrides { get; init; }

    public IStrategy Strategy { get; }

    /// <summary>1-based index of this execution in its exploration.</summary>
    public long Number { get; }

    public List<LogicalThread> Threads { get; } = new();

    public LogicalThread? Running { get; private set; }

    /// <summary>Scheduling points passed so far.</summary>
    public int Step { get; private set; }

    /// <summary>Incremented by every operation another thread could observe (what a spinning thread waits for).</summary>
    public int WriteCounter { get; private set; }

    public int Preemptions { get; private set; }

    public int StaleReads { get; private set; }

    public List<ChoiceRecord> Choices { get; } = new();

    public CheckFailure? Failure { get; private set; }

    /// <summary>The execution is being unwound (failure or pruning).</summary>
    public bool Aborting { get; private set; }

    /// <summary>The execution was cut short as redundant (sleep sets); not a failure.</summary>
    public bool Pruned { get; private set; }

    public bool HungOutsideChecker { get; private set; }

    /// <summary>Each thread's state when the failure was recorded (before unwinding).</summary>
    public string ThreadsAtFailure { get; private set; } = "";

    internal int NewObjectId() => ++_nextObjectId;

    // ------------------------------------------------------------------ running an execution

    /// <summary>Runs <paramref name="body"/> as the main logical thread and waits until every thread has finished or the execution failed.</summary>
    public void Run(Action body)
    {
        var main = NewThread("main", body);
        main.Status = ThreadStatus.Runnable;
        Running = main;
        Worker.Start(main);
        if (!_done.Wait(Options.ExecutionTimeout))
        {
            HungOutsideChecker = true;
            Failure ??= new CheckFailure(FailureKind.Hung,
                $"Execution {Number} did not return to the checker within {Options.ExecutionTimeout.TotalSeconds:0} s. " +
                "A model thread is looping or blocking outside the shim (a busy loop without shim operations, a real lock, Task.Wait, Thread.Sleep).");
            Aborting = true;
        }
    }

    internal LogicalThread NewThread(string name, Action body)
    {
        var t = new LogicalThread(this, Threads.Count, name, body);
        Threads.Add(t);
        t.Cur.Clock.Tick(t.Id); // epoch 0 is "before the thread existed": its first event must not be covered by everyone
        return t;
    }

    /// <summary>Runs a logical thread's body on its worker; returns the thread to resume next (null: the execution is over).</summary>
    internal LogicalThread? RunBody(LogicalThread t)
    {
        ModelContext.Current = t.Context;
        SynchronizationContext.SetSynchronizationContext(_syncContext);
        try
        {
            t.Status = ThreadStatus.Runnable;
            if (!Aborting)
                t.Body();
        }
        catch (ExecutionAbortedException)
        {
            // Unwinding an execution that ended early.
        }
        catch (Exception ex)
        {
            if (!Aborting)
                RecordFailure(new CheckFailure(FailureKind.Exception, $"{t} threw {ex.GetType().Name}: {ex.Message}", ex), t);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
            ModelContext.Current = null;
        }

        return Finish(t);
    }

    /// <summary>Called on the worker after it went back to the pool.</summary>
    internal void AfterFinish(LogicalThread? next)
    {
        if (next is null)
        {
            Running = null;
            _done.Release();
            return;
        }

        Resume(next);
    }

    private LogicalThread? Finish(LogicalThread t)
    {
        t.Status = ThreadStatus.Finished;
        t.FinalView = t.Cur;
        WriteCounter++;
        if (Tracing && !Aborting)
            Trace(t, TraceKind.Lifecycle, "finished", "");

        if (t.InPrologue)
        {
            // It finished before reaching any operation: give control back to whoever started it.
            t.InPrologue = false;
            var back = t.ReturnTo;
            t.ReturnTo = null;
            return Running = back;
        }

        if (Aborting)
            return Running = NextToUnwind();

        if (Threads.All(x => x.Status == ThreadStatus.Finished))
        {
            CheckEndOfExecution();
            return Running = Aborting ? NextToUnwind() : null;
        }

        var next = PickNext(current: null);
        return Running = next ?? NextToUnwind();
    }

    private void Resume(LogicalThread next)
    {
        Running = next;
        if (next.Worker is null)
            Worker.Start(next);
        else
            next.Worker.Resume();
    }

    // ------------------------------------------------------------------ scheduling points

    /// <summary>
    /// Called by the running thread <paramref name="t"/> just before it performs <paramref name="op"/>.
    /// Returns when <paramref name="t"/> is chosen to perform it.
    /// </summary>
    internal void SchedulePoint(LogicalThread t, Operation op)
    {
        ThrowIfAborting();
        if (Aborting)
            return; // finishing an await registration while the execution is unwound: no more scheduling
        t.Pending = op;

        if (t.InPrologue)
        {
            // A new thread ran eagerly up to its first operation (nothing it did so far is visible to
            // others); now it waits there like any other thread and its creator continues.
            t.InPrologue = false;
            var back = t.ReturnTo!;
            t.ReturnTo = null;
            SwitchTo(t, back);
            return;
        }

        Step++;
        t.Steps++;
        if (Step > Options.MaxSteps)
            Fail(StepBoundFailure(BusiestThread()));

        var next = PickNext(t);
        if (next is null)
            ThrowIfAborting(); // PickNext recorded a deadlock or livelock
        else if (next != t)
            SwitchTo(t, next);
    }

    /// <summary>A scheduling decision after <paramref name="t"/> yielded (no new operation).</summary>
    private void RescheduleAfterYield(LogicalThread t)
    {
        var next = PickNext(t);
        if (next is null)
            ThrowIfAborting();
        else if (next != t)
            SwitchTo(t, next);
        t.Yielded = false;
    }

    private void SwitchTo(LogicalThread from, LogicalThread to)
    {
        Resume(to);
        from.Worker!.WaitTurn();
        ThrowIfAborting();
    }

    /// <summary>
    /// Unwinds the running thread if the execution is ending — except inside an await registration
    /// (<c>ContinuationRegistration</c>), where an exception would be rethrown on the thread pool and end the
    /// process: there the thread finishes the registration unscheduled and is unwound at its next operation.
    /// </summary>
    internal void ThrowIfAborting()
    {
        if (Aborting && (Running is null || Running.NoUnwind == 0))
            throw new ExecutionAbortedException();
    }

    /// <summary>Records a failure and unwinds the calling model thread.</summary>
    internal void Fail(CheckFailure failure)
    {
        RecordFailure(failure, Running);
        throw new ExecutionAbortedException();
    }

    internal void RecordFailure(CheckFailure failure, LogicalThread? at)
    {
        if (Failure is null)
        {
            Failure = failure;
            ThreadsAtFailure = DescribeThreads();
            if (Tracing)
                Trace(at, TraceKind.Failure, "✗ " + failure.Kind, "");
        }

        Aborting = true;
    }

    private LogicalThread? NextToUnwind()
    {
        foreach (var t in Threads)
        {
            if (t.Status == ThreadStatus.Finished)
                continue;
            if (t.Worker is null)
            {
                t.Status = ThreadStatus.Finished; // never started (an armed timer): nothing to unwind
                continue;
            }

            return t;
        }

        return null;
    }

    // ------------------------------------------------------------------ choosing the next thread

    private bool IsTimerLike(LogicalThread t) =>
        t.Status == ThreadStatus.NotStarted || (t.Status == ThreadStatus.Blocked && t.TimeoutAllowed && !(t.Unblocked?.Invoke() ?? false));

    private bool Deprioritized(LogicalThread t) => t.Yielded && t.YieldWriteStamp == WriteCounter;

    private bool Stuck(LogicalThread t) => Deprioritized(t) && t.PreviousYieldWriteStamp == t.YieldWriteStamp;

    private bool ReadyNow(LogicalThread t) => t.Status switch
    {
        ThreadStatus.Runnable => !Deprioritized(t),
        ThreadStatus.Blocked => (t.Unblocked?.Invoke() ?? false) || (t.TimeoutAllowed && Options.Timeouts == TimeoutMode.AnyPoint),
        ThreadStatus.NotStarted => Options.Timeouts == TimeoutMode.AnyPoint,
        _ => false,
    };

    /// <summary>
    /// Picks the thread that performs the next operation. <paramref name="current"/> is the thread at the
    /// scheduling point (null when a thread just finished). Returns null after recording a deadlock or
    /// livelock.
    /// </summary>
    private LogicalThread? PickNext(LogicalThread? current)
    {
        var currentEnabled = current is not null && ReadyNow(current);
        if (!currentEnabled)
        {
            // A join that just became possible (its target finished) is invisible to other threads:
            // run it at once instead of offering it as a choice. Joins only become possible when a
            // thread finishes, which is exactly when no thread is current.
            foreach (var t in Threads)
            {
                if (t.Status == ThreadStatus.Blocked && t.Pending.Kind == OpKind.Join && t.Unblocked!())
                {
                    Strategy.OnExecute(t, t.Pending);
                    return t;
                }
            }
        }

        var options = new List<LogicalThread>();
        if (currentEnabled)
            options.Add(current!);
        foreach (var t in Threads)
        {
            if (t != current && ReadyNow(t))
                options.Add(t);
        }

        if (options.Count == 0)
        {
            // Nothing can run normally: threads that yielded, and (virtual time) timers and timed waits.
            var spinning = Threads.Where(t => t.Status == ThreadStatus.Runnable && Deprioritized(t)).ToList();
            var timed = Options.Timeouts == TimeoutMode.WhenIdle ? Threads.Where(IsTimerLike).ToList() : new List<LogicalThread>();
            var live = spinning.Where(t => !Stuck(t)).ToList();
            options.AddRange(live);
            options.AddRange(timed);
            if (options.Count == 0)
            {
                if (spinning.Count > 0)
                    RecordFailure(LivelockFailure(spinning), current);
                else
                    RecordFailure(DeadlockFailure(), current);
                return null;
            }

            currentEnabled = false;
            if (current is not null && options.Remove(current))
                options.Insert(0, current);
        }

        var choice = new ThreadChoice(options, current, currentEnabled, Preemptions);
        var index = Strategy.PickThread(choice);
        if (index < 0)
        {
            // Sleep-set blocked: every remaining continuation is equivalent to one already explored.
            Pruned = true;
            Aborting = true;
            return null;
        }

        if (index >= options.Count)
        {
            RecordFailure(new CheckFailure(FailureKind.Nondeterminism,
                $"The schedule asked for option {index} but only {options.Count} threads could run at step {Step}: the code under test behaves differently from the run that produced the schedule."), current);
            return null;
        }

        var chosen = options[index];
        if (options.Count > 1)
            Choices.Add(new ChoiceRecord(ChoiceKind.Thread, chosen.Id));
        if (currentEnabled && chosen != current)
        {
            Preemptions++;
            if (Tracing)
                Trace(chosen, TraceKind.Switch, $"preempts {current!.Label}", "");
        }

        Strategy.OnExecute(chosen, chosen.Pending);
        return chosen;
    }

    /// <summary>A choice among <paramref name="count"/> values (which store to read, where to place a store, spurious failure).</summary>
    internal int ChooseValue(ChoiceKind kind, int count)
    {
        if (count <= 1 || Aborting)
            return 0;
        var index = Strategy.PickValue(kind, count);
        if (index < 0 || index >= count)
        {
            Fail(new CheckFailure(FailureKind.Nondeterminism,
                $"The schedule asked for {kind} option {index} but there were {count} at step {Step}: the code under test behaves differently from the run that produced the schedule."));
        }

        Choices.Add(new ChoiceRecord(kind, index));
        return index;
    }

    // ------------------------------------------------------------------ end of execution

    private void CheckEndOfExecution()
    {
        foreach (var root in _asyncRoots)
        {
            if (root.Task is null)
                continue;
            if (!root.Task.IsCompleted)
            {
                RecordFailure(new CheckFailure(FailureKind.TaskNeverCompleted,
                    $"Every thread finished but the task of {root.Thread} (started at {root.Site}) never completed: " +
                    "it awaits something whose continuation was never scheduled (a lost wake-up)."), null);
                return;
            }

            if (root.Task.IsFaulted && !root.Observed)
            {
                var ex = root.Task.Exception!.InnerExceptions.Count == 1 ? root.Task.Exception.InnerException! : root.Task.Exception;
                if (ex is ExecutionAbortedException)
                    continue;
                RecordFailure(new CheckFailure(FailureKind.Exception, $"The task of {root.Thread} threw {ex.GetType().Name}: {ex.Message}", ex), null);
                return;
            }
        }

        if (_uncontrolled is not null)
            RecordFailure(new CheckFailure(FailureKind.Misuse, _uncontrolled), null);
    }

    private CheckFailure DeadlockFailure()
    {
        var blocked = Threads.Where(t => t.Status == ThreadStatus.Blocked)
            .Select(t => $"  {t} is blocked: {t.BlockReason} at {t.Pending.Site}");
        var awaiting = Threads.Any(t => t.Status == ThreadStatus.Blocked && t.BlockReason.StartsWith("awaiting the task", StringComparison.Ordinal));
        var hint = awaiting
            ? "\nA task is awaited whose continuation never came back: either a wake-up was lost, or the task is completed outside the checker " +
              "(Task.Delay, Task.Run, a real timer), whose continuation cannot return to the model — inside an exploration await only " +
              "shim-based sources and tasks completed by model threads."
            : "";
        return new CheckFailure(FailureKind.Deadlock,
            "Deadlock: every live thread is blocked and no timer can fire.\n" + string.Join("\n", blocked) + hint);
    }

    private CheckFailure LivelockFailure(List<LogicalThread> spinning)
    {
        var lines = spinning.Select(t => $"  {t} spins at {t.Pending.Site}; the cycle it repeats:\n{CycleOf(t)}");
        return new CheckFailure(FailureKind.Livelock,
            "Livelock: every live thread is spinning, and no thread has written anything since each of them last yielded, " +
            "so each iteration reads the same values again forever.\n" + string.Join("\n", lines));
    }

    private LogicalThread BusiestThread() =>
        Threads.Where(x => x.Status != ThreadStatus.Finished).OrderByDescending(x => x.Steps).FirstOrDefault() ?? Running!;

    private CheckFailure StepBoundFailure(LogicalThread t) => new(FailureKind.StepBoundExceeded,
        $"The execution exceeded {Options.MaxSteps} scheduling points (MaxSteps). This usually means a loop waits for another " +
        $"thread without a spin hint (SpinWaiter.SpinOnce), or never terminates. {t} was running; the cycle it repeats:\n{CycleOf(t)}");
}
