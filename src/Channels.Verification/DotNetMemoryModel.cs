using System.Runtime.CompilerServices;
using Sluice.Sync;

namespace Sluice.Verification;

/// <summary>
/// The .NET memory model expressed in the shim's C11 orderings (dotnet/runtime docs/design/specs/Memory-model.md),
/// for modelling code written with <c>Volatile</c> and <c>Interlocked</c>: <c>Volatile.Read</c> is an acquire
/// load, <c>Volatile.Write</c> a release store, and every <c>Interlocked</c> operation a full fence: a SeqCst
/// read-modify-write surrounded by SeqCst fences.
/// </summary>
public static class DotNetMemoryModel
{
    /// <summary><c>Volatile.Read</c>: an acquire load.</summary>
    /// <param name="location">The location.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns>The value read.</returns>
    public static int VolatileRead(ref AtomicInt32 location, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        location.Load(MemoryOrder.Acquire, file, line);

    /// <summary><c>Volatile.Write</c>: a release store.</summary>
    /// <param name="location">The location.</param>
    /// <param name="value">The value.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public static void VolatileWrite(ref AtomicInt32 location, int value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        location.Store(value, MemoryOrder.Release, file, line);

    /// <summary><c>Interlocked.Exchange</c>: a full fence, a SeqCst exchange, a full fence.</summary>
    /// <param name="location">The location.</param>
    /// <param name="value">The new value.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns>The previous value.</returns>
    public static int InterlockedExchange(ref AtomicInt32 location, int value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Atomic.Fence(MemoryOrder.SeqCst, file, line);
        var previous = location.Exchange(value, MemoryOrder.SeqCst, file, line);
        Atomic.Fence(MemoryOrder.SeqCst, file, line);
        return previous;
    }

    /// <summary><c>Interlocked.CompareExchange</c>: a full fence, a SeqCst compare-exchange, a full fence.</summary>
    /// <param name="location">The location.</param>
    /// <param name="value">The value written on success.</param>
    /// <param name="comparand">The expected value.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns>The value observed.</returns>
    public static int InterlockedCompareExchange(ref AtomicInt32 location, int value, int comparand, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Atomic.Fence(MemoryOrder.SeqCst, file, line);
        var observed = location.CompareExchange(comparand, value, MemoryOrder.SeqCst, MemoryOrder.SeqCst, file, line);
        Atomic.Fence(MemoryOrder.SeqCst, file, line);
        return observed;
    }

    /// <summary><c>Interlocked.Add</c>: a full fence, a SeqCst fetch-add, a full fence.</summary>
    /// <param name="location">The location.</param>
    /// <param name="delta">The amount.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns>The new value (as <c>Interlocked.Add</c> returns).</returns>
    public static int InterlockedAdd(ref AtomicInt32 location, int delta, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Atomic.Fence(MemoryOrder.SeqCst, file, line);
        var previous = location.FetchAdd(delta, MemoryOrder.SeqCst, file, line);
        Atomic.Fence(MemoryOrder.SeqCst, file, line);
        return unchecked(previous + delta);
    }

    /// <summary><c>Interlocked.MemoryBarrier</c> / <c>Thread.MemoryBarrier</c>: a SeqCst fence.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public static void MemoryBarrier([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Atomic.Fence(MemoryOrder.SeqCst, file, line);
}
