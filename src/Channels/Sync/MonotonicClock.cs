using System;
using System.Runtime.CompilerServices;
#if SLUICE_CHECKED
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// A monotonic millisecond clock for deadlines: a thread that wakes spuriously from a timed
/// <see cref="Parker.Park(TimeSpan, string, int)"/> parks again only for the time that is left.
/// </summary>
/// <remarks>
/// <para>Release build: <see cref="Environment.TickCount64"/>. Checked build, inside an exploration: the
/// checker's virtual time (<c>ModelContext.ClockMilliseconds</c>). Code written against the shim must
/// treat a timed park that returns <see langword="false"/> as the timeout, whatever this clock says; it
/// uses the clock only to shorten later parks, so a checker whose virtual clock never advances (a timed
/// park's timeout is then purely the checker's choice) stays faithful.</para>
/// </remarks>
public static class MonotonicClock
{
    /// <summary>Milliseconds since an arbitrary fixed origin; never decreases.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns>The current time in milliseconds.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Milliseconds([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.ClockMilliseconds(file, line);
#endif
        return Environment.TickCount64;
    }
}
