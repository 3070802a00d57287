using System.Runtime.CompilerServices;
using System.Threading;
#if SLUICE_CHECKED
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>Memory fences with explicit C11 orderings.</summary>
public static class Atomic
{
    /// <summary>
    /// A fence. <see cref="MemoryOrder.Acquire"/>: later accesses cannot move before earlier loads;
    /// <see cref="MemoryOrder.Release"/>: earlier accesses cannot move after later stores;
    /// <see cref="MemoryOrder.AcqRel"/>: both; <see cref="MemoryOrder.SeqCst"/>: both, plus a place in the
    /// single total order of sequentially consistent operations (the only fence that orders a store
    /// before a later load: the Dekker / store-buffering pattern). <see cref="MemoryOrder.Relaxed"/> is a no-op.
    /// </summary>
    /// <param name="order">The fence's ordering.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fence(MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.Fence(order, file, line);
            return;
        }
#endif
        switch (order)
        {
            case MemoryOrder.Relaxed:
                break;
#if NET10_0_OR_GREATER
            case MemoryOrder.Acquire:
                Volatile.ReadBarrier(); // .NET 10: orders earlier loads before later loads and stores
                break;
            case MemoryOrder.Release:
                Volatile.WriteBarrier(); // .NET 10: orders earlier loads and stores before later stores
                break;
            case MemoryOrder.AcqRel:
                Volatile.ReadBarrier(); // acquire half
                Volatile.WriteBarrier(); // release half; neither orders store->load, which AcqRel does not promise
                break;
#endif
            default:
                Interlocked.MemoryBarrier(); // SeqCst (and, before .NET 10, acquire/release fences): a full fence
                break;
        }
    }
}
