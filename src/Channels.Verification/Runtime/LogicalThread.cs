using System;
using Sluice.Verification.Memory;

namespace Sluice.Verification.Runtime;

internal enum ThreadStatus
{
    /// <summary>Created; its body has not started (a timer waiting to fire).</summary>
    NotStarted,

    /// <summary>Paused at a scheduling point (or running).</summary>
    Runnable,

    /// <summary>Paused at a blocking operation whose condition is false.</summary>
    Blocked,

    Finished,
}

/// <summary>
/// One logical thread of an execution: a spawned thread, a dispatched continuation, or a fired
/// timer. It carries the thread's memory view (weak-memory state) and its scheduling state.
/// </summary>
internal sealed class LogicalThread
{
    public LogicalThread(Execution execution, int id, string name, Action body)
    {
        Execution = execution;
        Id = id;
        Name = name;
        Body = body;
        Context = new ModelContext(execution, this);
    }

    public Execution Execution { get; }

    public int Id { get; }

    public string Name { get; }

    public Action Body { get; }

    public ModelContext Context { get; }

    public Worker? Worker { get; set; }

    public ThreadStatus Status { get; set; } = ThreadStatus.NotStarted;

    /// <summary>The operation it will perform when next scheduled.</summary>
    public Operation Pending { get; set; }

    /// <summary>True until its first scheduling point: a new thread runs eagerly up to its first operation, then returns control.</summary>
    public bool InPrologue { get; set; }

    public LogicalThread? ReturnTo { get; set; }

    // ---- blocking ----
    public Func<bool>? Unblocked { get; set; }

    public bool TimeoutAllowed { get; set; }

    public string BlockReason { get; set; } = "";

    /// <summary>Scheduling points this thread reached (who to blame for an exceeded step bound).</summary>
    public int Steps { get; set; }

    /// <summary>Where its last compare-exchange failed spuriously (no two spurious failures in a row there).</summary>
    public string? LastSpuriousSite { get; set; }

    /// <summary>&gt; 0 while it registers an await continuation: it must not be unwound there (ContinuationRegistration).</summary>
    public int NoUnwind { get; set; }

    // ---- yield / spin ----
    public bool Yielded { get; set; }

    public int YieldWriteStamp { get; set; } = -1;

    public int PreviousYieldWriteStamp { get; set; } = -2;

    /// <summary>What the thread had seen when it last yielded: after a yield a load must read newer if it can.</summary>
    public Message?[]? SeenAtYield { get; set; }

    // ---- memory ----
    public View Cur { get; set; } = new();

    /// <summary>Views of messages read without acquire: an acquire fence joins them.</summary>
    public View AcqPending { get; set; } = new();

    /// <summary>The view at the last release fence: relaxed stores after it publish this.</summary>
    public View? RelFence { get; set; }

    /// <summary>Its view when it finished (what a join acquires).</summary>
    public View? FinalView { get; set; }

    /// <summary>For a timer thread: the timer it belongs to.</summary>
    public ModelTimer? Timer { get; set; }

    public string Label => $"T{Id}";

    public override string ToString() => $"{Label} ({Name})";
}
