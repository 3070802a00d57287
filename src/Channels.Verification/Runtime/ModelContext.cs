using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using Sluice.Sync;
using Sluice.Verification.Memory;

namespace Sluice.Verification.Runtime;

/// <summary>
/// The checked shim's entry into the checker: one per logical thread, reachable from the OS thread
/// that currently hosts it. Outside an exploration <see cref="Current"/> is null and the shim falls
/// through to the real primitives.
/// </summary>
internal sealed class ModelContext
{
    [ThreadStatic]
    private static ModelContext? t_current;

    private static readonly ConcurrentDictionary<(string File, int Line), string> Sites = new();

    public ModelContext(Execution execution, LogicalThread thread)
    {
        Execution = execution;
        Thread = thread;
    }

    /// <summary>The logical thread running on this OS thread, or null outside an exploration.</summary>
    public static ModelContext? Current
    {
        get => t_current;
        internal set => t_current = value;
    }

    public Execution Execution { get; }

    public LogicalThread Thread { get; }

    public static string Site(string file, int line) =>
        Sites.GetOrAdd((file, line), static k => (k.File.Length == 0 ? "?" : Path.GetFileName(k.File)) + ":" + k.Line.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void EnterNoUnwind() => Thread.NoUnwind++;

    public void ExitNoUnwind() => Thread.NoUnwind--;

    // ---- atomics ----

    public ModelValue AtomicLoad(ref ModelLocation? slot, ModelValue initial, ValueWidth width, MemoryOrder order, string file, int line)
    {
        var site = Site(file, line);
        var loc = Execution.ResolveLocation(ref slot, initial, width, site);
        return Execution.Load(Thread, loc, Adjust(file, line, order), site);
    }

    public void AtomicStore(ref ModelLocation? slot, ModelValue initial, ValueWidth width, ModelValue value, MemoryOrder order, string file, int line)
    {
        var site = Site(file, line);
        var loc = Execution.ResolveLocation(ref slot, initial, width, site);
        Execution.Store(Thread, loc, value, Adjust(file, line, order), site);
    }

    public ModelValue AtomicRmw(ref ModelLocation? slot, ModelValue initial, ValueWidth width, RmwKind kind, ModelValue operand, ModelValue comparand,
        MemoryOrder success, MemoryOrder failure, bool weak, string file, int line) =>
        AtomicRmw(ref slot, initial, width, kind, operand, comparand, success, failure, weak, file, line, out _);

    public ModelValue AtomicRmw(ref ModelLocation? slot, ModelValue initial, ValueWidth width, RmwKind kind, ModelValue operand, ModelValue comparand,
        MemoryOrder success, MemoryOrder failure, bool weak, string file, int line, out bool exchanged)
    {
        var site = Site(file, line);
        var loc = Execution.ResolveLocation(ref slot, initial, width, site);
        var adjusted = Adjust(file, line, success);
        if (adjusted != success && kind == RmwKind.CompareExchange)
            failure = Weaker(failure, adjusted);
        return Execution.Rmw(Thread, loc, kind, operand, comparand, adjusted, failure, weak, site, out exchanged);
    }

    public void Fence(MemoryOrder order, string file, int line) =>
        Execution.Fence(Thread, Adjust(file, line, order), Site(file, line));

    private MemoryOrder Adjust(string file, int line, MemoryOrder order) =>
        Execution.Overrides is { } overrides ? overrides.Adjust(file, line, order) : order;

    /// <summary>A compare-exchange's failure ordering (a load) after its success ordering was weakened.</summary>
    private static MemoryOrder Weaker(MemoryOrder failure, MemoryOrder success) =>
        success is MemoryOrder.Relaxed or MemoryOrder.Release ? MemoryOrder.Relaxed
        : failure == MemoryOrder.SeqCst && success != MemoryOrder.SeqCst ? MemoryOrder.Acquire
        : failure;

    public ModelCell CellAccess(ModelCell? cell, bool isWrite, string file, int line) =>
        Execution.CellAccess(Thread, cell, isWrite, Site(file, line));

    // ---- scheduling, blocking, time ----

    public void SpinHint(string file, int line) => Execution.SpinHint(Thread, Site(file, line));

    public void Dispatch(Action continuation, string file, int line) => Execution.Dispatch(Thread, continuation, Site(file, line));

    public bool Park(ref ModelParker? slot, TimeSpan timeout, string file, int line) =>
        Execution.Park(Thread, Execution.ResolveParker(ref slot), timeout, Site(file, line));

    public void Unpark(ref ModelParker? slot, string file, int line) =>
        Execution.Unpark(Thread, Execution.ResolveParker(ref slot), Site(file, line));

    public void MutexEnter(ref ModelMutex? slot, string file, int line) =>
        Execution.MutexEnter(Thread, Execution.ResolveMutex(ref slot), Site(file, line));

    public void MutexExit(ref ModelMutex? slot, string file, int line) =>
        Execution.MutexExit(Thread, Execution.ResolveMutex(ref slot), Site(file, line));

    public void TimerStart(ref ModelTimer? slot, Action<object?> callback, object? state, TimeSpan due, string file, int line) =>
        Execution.TimerStart(Thread, Execution.ResolveTimer(ref slot), callback, state, due, Site(file, line));

    /// <summary>
    /// Virtual time for deadlines: it never advances. Code written against the shim uses the clock only
    /// to shorten a later park; a timed park's timeout is always the checker's choice.
    /// </summary>
    public long ClockMilliseconds(string file, int line)
    {
        Execution.ThrowIfAborting();
        return 0;
    }

    public bool TimerCancel(ref ModelTimer? slot, string file, int line) =>
        Execution.TimerCancel(Thread, Execution.ResolveTimer(ref slot), Site(file, line));
}

/// <summary>
/// The synchronisation context of model threads: an awaited Task's continuation posted here becomes a
/// logical thread. A post from a thread the checker does not control is reported as misuse.
/// </summary>
internal sealed class ModelSynchronizationContext : SynchronizationContext
{
    private readonly Execution _execution;

    public ModelSynchronizationContext(Execution execution) => _execution = execution;

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (ModelContext.Current is { } ctx && ctx.Execution == _execution)
            _execution.Dispatch(ctx.Thread, () => d(state), "SynchronizationContext.Post");
        else
            _execution.ReportUncontrolled("a continuation was posted from a thread outside the checker (was a real timer or Task.Run awaited?)");
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (ModelContext.Current is { } ctx && ctx.Execution == _execution)
            d(state);
        else
            _execution.ReportUncontrolled("SynchronizationContext.Send was called from a thread outside the checker");
    }

    public override SynchronizationContext CreateCopy() => this;
}
