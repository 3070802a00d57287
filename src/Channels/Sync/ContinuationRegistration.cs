using System;
using System.Runtime.CompilerServices;
#if SLUICE_CHECKED
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// Marks the body of an <c>IValueTaskSource.OnCompleted</c> (registering an await's continuation). Such
/// code must never throw: the async method builder rethrows an exception from it on the thread pool,
/// which ends the process.
/// </summary>
/// <remarks>
/// Release build: nothing (an empty struct; both calls inline away). Checked build: when the checker ends
/// an execution (a failure was found elsewhere, or the execution was pruned) while this thread is inside
/// a registration, the thread completes the registration without further scheduling and is unwound at
/// its next shim operation after <see cref="Dispose"/>.
/// </remarks>
public readonly ref struct ContinuationRegistration
{
#if SLUICE_CHECKED
    private readonly ModelContext? _context;

    private ContinuationRegistration(ModelContext? context) => _context = context;
#endif

    /// <summary>Enters a registration; dispose it when the registration is done.</summary>
    /// <returns>The scope.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ContinuationRegistration Enter()
    {
#if SLUICE_CHECKED
        var ctx = ModelContext.Current;
        ctx?.EnterNoUnwind();
        return new ContinuationRegistration(ctx);
#else
        return default;
#endif
    }

    /// <summary>Leaves the registration.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dispose()
    {
#if SLUICE_CHECKED
        _context?.ExitNoUnwind();
#endif
    }
}
