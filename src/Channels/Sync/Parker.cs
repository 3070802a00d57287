using System;
using System.Runtime.CompilerServices;
using System.Threading;
#if SLUICE_CHECKED
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// Blocks one thread until another thread unparks it: a single permit, like Rust's <c>thread::park</c>.
/// </summary>
/// <remarks>
/// <para>An <see cref="Unpark"/> that happens before <see cref="Park(string, int)"/> is not lost: it leaves a permit
/// that the next park consumes at once. Permits do not accumulate (at most one). Everything the
/// unparking thread wrote before <see cref="Unpark"/> is visible after the park returns <see langword="true"/>.</para>
/// <para>Only the owning thread may park; any thread may unpark. Release build: a lock-free fast path and
/// <see cref="Monitor.Wait(object, int)"/>. Checked build: the logical thread blocks; a timed park is a
/// choice point where the checker may fire the timeout.</para>
/// </remarks>
public sealed class Parker
{
    private const int Empty = 0;
    private const int Parked = 1;
    private const int Notified = 2;

    /// <summary>SemaphoreSlim's count (SpinWait.SpinCountforSpinBeforeWait), which BlockingCollection relies on.</summary>
    private const int SpinRoundsBeforeBlocking = 35;

    private int _state;
    private readonly object _gate = new();
#if SLUICE_CHECKED
    private ModelParker? _model;
#endif

    /// <summary>Blocks until unparked (returns at once if a permit is waiting).</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public void Park([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Park(Timeout.InfiniteTimeSpan, file, line);

    /// <summary>Blocks until unparked or until <paramref name="timeout"/> elapses.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> to wait forever.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns><see langword="true"/> if a permit was consumed; <see langword="false"/> on timeout.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (other than infinite) or too large.</exception>
    public bool Park(TimeSpan timeout, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var ms = (long)timeout.TotalMilliseconds;
        if (ms < -1 || ms > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be Timeout.InfiniteTimeSpan or between 0 and int.MaxValue milliseconds.");
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.Park(ref _model, timeout, file, line);
#endif
        // A waiting permit is consumed without touching the lock.
        if (Interlocked.CompareExchange(ref _state, Empty, Notified) == Notified)
            return true;
        if (ms == 0)
            return false;

        // Spin before blocking, as SemaphoreSlim does (35 rounds, yielding the core but never sleeping): a
        // Monitor.Wait/Pulse round trip costs a futex sleep and wake, while the unparker is often only a
        // moment away. On two cores the unparker frequently needs *our* core, so stopping before SpinWait's
        // first yield (the previous policy) left blocking ping-pong at 11.6 µs per round trip against
        // BlockingCollection's 0.9 µs, which spins this way (bench/results, run -4 and -5).
        var spinner = default(SpinWait);
        for (var i = 0; i < SpinRoundsBeforeBlocking; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            // Acquire (the CAS is a full fence): pairs with Unpark's exchange, as the first check above.
            if (Volatile.Read(ref _state) == Notified && Interlocked.CompareExchange(ref _state, Empty, Notified) == Notified)
                return true;
        }

        var deadline = ms < 0 ? long.MaxValue : Environment.TickCount64 + ms;
        lock (_gate)
        {
            // Parked is set under the gate, so an unparker that sees it pulses only after we wait.
            if (Interlocked.CompareExchange(ref _state, Parked, Empty) != Empty)
            {
                Volatile.Write(ref _state, Empty); // it was Notified: consume the permit
                return true;
            }

            while (true)
            {
                var remaining = ms < 0 ? Timeout.Infinite : (int)Math.Max(0, deadline - Environment.TickCount64);
                Monitor.Wait(_gate, remaining);
                if (Volatile.Read(ref _state) == Notified)
                {
                    Volatile.Write(ref _state, Empty); // only the owner leaves Notified, so a plain release store suffices
                    return true;
                }

                if (ms >= 0 && Environment.TickCount64 >= deadline)
                {
                    // Timed out, unless an unpark raced in: then take its permit.
                    if (Interlocked.CompareExchange(ref _state, Empty, Parked) == Parked)
                        return false;
                    Volatile.Write(ref _state, Empty);
                    return true;
                }
            }
        }
    }

    /// <summary>Makes a permit available, waking the parked thread if there is one.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public void Unpark([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.Unpark(ref _model, file, line);
            return;
        }
#endif
        // The exchange is a full fence: everything written before Unpark is visible to the parked thread.
        if (Interlocked.Exchange(ref _state, Notified) == Parked)
        {
            lock (_gate)
                Monitor.Pulse(_gate);
        }
    }
}
