using System.Runtime.CompilerServices;
using System.Threading;
#if SLUICE_CHECKED
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// The spin / yield hint for a loop that waits for another thread's write.
/// </summary>
/// <remarks>
/// Release build: <see cref="SpinWait"/> (spins, then yields; never sleeps for 1 ms). Checked build:
/// the thread is descheduled until another thread writes shared memory, and its next loads read the
/// newest stores, so a correct spin loop terminates in the model and a spin loop waiting for a write
/// that never comes is reported as a livelock. Every wait loop in code written against the shim must
/// call <see cref="SpinOnce"/>.
/// </remarks>
public struct SpinWaiter
{
    private SpinWait _spin;

    /// <summary>How many times <see cref="SpinOnce"/> was called.</summary>
    public readonly int Count => _spin.Count;

    /// <summary>Whether the next <see cref="SpinOnce"/> yields the processor instead of spinning (release build).</summary>
    public readonly bool NextSpinWillYield => _spin.NextSpinWillYield;

    /// <summary>One iteration of backoff.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SpinOnce([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.SpinHint(file, line);
            return;
        }
#endif
        _spin.SpinOnce(sleep1Threshold: -1);
    }
}
