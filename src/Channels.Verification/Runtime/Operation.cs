namespace Sluice.Verification.Runtime;

/// <summary>What a logical thread is about to do at a scheduling point.</summary>
internal enum OpKind
{
    Load,
    Store,
    Rmw,
    Fence,
    SpinHint,
    Park,
    Unpark,
    MutexEnter,
    MutexExit,
    Join,
    TimerStart,
    TimerCancel,
    TimerFire,
    Quiescence,

    /// <summary>An explicit scheduling point (ModelThread.Yield) before an effect the checker cannot see.</summary>
    Point,
}

/// <summary>
/// A pending operation: enough to decide scheduling, dependency (for sleep-set reduction) and to
/// print the report. <see cref="Object"/> is the location id for memory operations and the object id
/// for parkers, mutexes, timers and joined threads.
/// </summary>
internal readonly record struct Operation(OpKind Kind, int Object, bool SeqCst, bool Writes, string Site)
{
    public bool IsMemory => Kind is OpKind.Load or OpKind.Store or OpKind.Rmw;

    /// <summary>
    /// Whether executing <paramref name="a"/> and <paramref name="b"/> (of different threads) in either
    /// order can lead to different states or change whether the other is enabled. Conservative:
    /// anything not proven independent is dependent.
    /// </summary>
    public static bool Dependent(in Operation a, in Operation b)
    {
        // Spin hints, joins, timer fires and quiescence waits change or depend on scheduling state in ways the simple
        // rules below do not describe: treat them as dependent with everything.
        if (IsSchedulingOp(a.Kind) || IsSchedulingOp(b.Kind))
            return true;

        // Every sequentially consistent operation and fence reads and writes the global SC order.
        if (a.SeqCst && b.SeqCst)
            return true;

        if (a.IsMemory && b.IsMemory)
            return a.Object == b.Object && (a.Writes || b.Writes);

        // Non-SC fences only change their own thread's view.
        if (a.Kind == OpKind.Fence || b.Kind == OpKind.Fence)
            return false;

        if (a.IsMemory || b.IsMemory)
            return false;

        // Parkers, mutexes, timers: same object ⇒ dependent.
        return a.Object == b.Object && SameFamily(a.Kind, b.Kind);
    }

    private static bool IsSchedulingOp(OpKind k) =>
        k is OpKind.SpinHint or OpKind.Join or OpKind.TimerFire or OpKind.Quiescence or OpKind.Point;

    private static bool SameFamily(OpKind x, OpKind y) => Family(x) == Family(y);

    private static int Family(OpKind k) => k switch
    {
        OpKind.Park or OpKind.Unpark => 1,
        OpKind.MutexEnter or OpKind.MutexExit => 2,
        OpKind.TimerStart or OpKind.TimerCancel or OpKind.TimerFire => 3,
        _ => 0,
    };
}
