using System;
using System.Runtime.CompilerServices;
using System.Threading;
#if SLUICE_CHECKED
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// A reusable one-shot timer for timeouts: <see cref="Start"/> arms it, the callback runs once on
/// another thread unless <see cref="TryCancel"/> wins first.
/// </summary>
/// <remarks>
/// <para>Exactly one of "the callback runs" and "<see cref="TryCancel"/> returns <see langword="true"/>"
/// happens per arming. Re-arming after a fire or a successful cancel reuses the same underlying timer
/// (no allocation after the first <see cref="Start"/>).</para>
/// <para>Release build: one <see cref="Timer"/> created without capturing the execution context.
/// Checked build: virtual time. The checker chooses when an armed timer fires (at any scheduling
/// point, or only when every thread is blocked, per <c>CheckerOptions.Timeouts</c>).</para>
/// </remarks>
public sealed class OneShotTimer
{
    private const int Idle = 0;
    private const int Armed = 1;

    private readonly Action<object?> _callback;
    private readonly object? _state;
    private Timer? _timer;
    private int _armed;
    private long _deadline;
#if SLUICE_CHECKED
    private ModelTimer? _model;
#endif

    /// <summary>Creates an unarmed timer that will call <paramref name="callback"/>(<paramref name="state"/>).</summary>
    /// <param name="callback">Runs on another thread when the timer fires.</param>
    /// <param name="state">The callback's argument.</param>
    public OneShotTimer(Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _callback = callback;
        _state = state;
    }

    /// <summary>Arms the timer to fire after <paramref name="due"/>.</summary>
    /// <param name="due">The delay; must be between zero and int.MaxValue milliseconds.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <exception cref="InvalidOperationException">The timer is already armed.</exception>
    public void Start(TimeSpan due, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var ms = (long)due.TotalMilliseconds;
        if (ms < 0 || ms > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(due), due, "The delay must be between 0 and int.MaxValue milliseconds.");
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.TimerStart(ref _model, _callback, _state, due, file, line);
            return;
        }
#endif
        if (Interlocked.CompareExchange(ref _armed, Armed, Idle) != Idle)
            throw new InvalidOperationException("The timer is already armed; cancel it or let it fire before starting it again.");
        Volatile.Write(ref _deadline, Environment.TickCount64 + ms);
        if (_timer is null)
        {
            using (ExecutionContext.SuppressFlow())
                _timer = new Timer(static s => ((OneShotTimer)s!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
        }

        _timer.Change(ms, Timeout.Infinite);
    }

    /// <summary>Disarms the timer if it has not fired.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns><see langword="true"/> if the callback will not run for this arming.</returns>
    public bool TryCancel([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.TimerCancel(ref _model, file, line);
#endif
        if (Interlocked.CompareExchange(ref _armed, Idle, Armed) != Armed)
            return false;
        _timer?.Change(Timeout.Infinite, Timeout.Infinite);
        return true;
    }

    private void Fire()
    {
        // A callback from an earlier arming can arrive late (after a cancel and a re-arm), and a
        // callback can also come a tick early: in both cases push the timer to the current deadline.
        var early = Volatile.Read(ref _deadline) - Environment.TickCount64;
        if (early > 0 && Volatile.Read(ref _armed) == Armed)
        {
            _timer?.Change(early, Timeout.Infinite);
            return;
        }

        if (Interlocked.CompareExchange(ref _armed, Idle, Armed) == Armed)
            _callback(_state);
    }
}
