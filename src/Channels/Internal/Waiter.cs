using System;
using System.Diagnostics;
using System.Threading;
using Sluice.Sync;

namespace Sluice.Channels.Internal;

/// <summary>
/// What every pooled waiter of a channel shares: an ownership state machine that decides who runs the
/// operation, the cancellation request, a reference count that decides when the waiter may be recycled,
/// the <see cref="ValueTaskSourceCore{TResult}"/> its ValueTask completes through, and the per-use
/// cancellation registration and reusable timeout timer.
/// </summary>
/// <typeparam name="TResult">The result stored in the ValueTask source.</typeparam>
/// <remarks>
/// <para><b>Ownership.</b> <see cref="Running"/>: exactly one thread (the owner, or the runner a signal
/// started) executes the operation's attempt loop. <see cref="Waiting"/>: nobody runs; the next
/// <see cref="Signal"/> makes its caller start a runner. <see cref="Notified"/>: a signal arrived while
/// someone was running; instead of parking, the runner takes it and loops. <see cref="Completed"/>: the
/// result is set. <see cref="Idle"/>: in a pool. Only a runner leaves <see cref="Running"/> for
/// <see cref="Waiting"/> or <see cref="Completed"/>, so the attempt loop never runs twice at once (an
/// item is never pushed twice, the receiver's waker is never registered from two threads).</para>
/// <para><b>Cancellation</b> lives in the same word as the ownership state, so a request that arrives
/// while a runner is running makes that runner's <see cref="TryPark"/> fail: a request can never slip in
/// between the runner's last check and its park. A request that finds the waiter parked is acted on by
/// the derived class (<see cref="OnCancellationRequested"/>).</para>
/// <para><b>Recycling.</b> One reference per party that may still touch the waiter: the ValueTask's
/// awaiter (released by GetResult) or the blocked thread, the cancellation callback (released by the
/// callback, or by whoever unregisters it first), the timer (likewise). The waiter returns to its pool
/// only when the count reaches zero, so a late callback never sees the next use. That is also why the
/// registration is removed with <see cref="CancellationTokenRegistration.Unregister"/>, never Dispose
/// (which would block on a running callback that may be waiting for us).</para>
/// </remarks>
internal abstract class Waiter<TResult> : IThreadPoolWorkItem
{
    /// <summary>In a pool.</summary>
    public const int Idle = 0;

    /// <summary>One thread runs the attempt loop.</summary>
    public const int Running = 1;

    /// <summary>Parked: nobody runs; the next signal starts a runner.</summary>
    public const int Waiting = 2;

    /// <summary>A signal arrived while running: the runner loops instead of parking.</summary>
    public const int Notified = 3;

    /// <summary>The result is set.</summary>
    public const int Completed = 4;

    private const int StateMask = 7;
    private const int CancelShift = 3;
    private const int CancelMask = 3 << CancelShift;

    private static readonly Action<object?, CancellationToken> s_onCanceled = static (state, _) =>
    {
        var waiter = (Waiter<TResult>)state!;
        waiter.RequestCancel(OperationOutcome.Canceled);
        waiter.ReleaseRef(); // the registration's reference
    };

    private static readonly Action<object?> s_onTimeout = static state =>
    {
        var waiter = (Waiter<TResult>)state!;
        waiter.RequestCancel(OperationOutcome.TimedOut);
        waiter.ReleaseRef(); // the timer's reference
    };

    /// <summary>Bits 0–2: <see cref="Idle"/> … <see cref="Completed"/>. Bits 3–4: the cancellation kind
    /// requested for this use (<see cref="OperationOutcome.Canceled"/> or <see cref="OperationOutcome.TimedOut"/>).</summary>
    private AtomicInt32 _state;
    private AtomicInt32 _refs;

    /// <summary>The ValueTask source of the current use.</summary>
    private protected ValueTaskSourceCore<TResult> Core;

    private Cell<CancellationToken> _cancellationToken;
    private Cell<TimeSpan> _timeout;
    private Cell<bool> _armed;
    private Cell<bool> _registered;
    private Cell<CancellationTokenRegistration> _registration;
    private Cell<bool> _timerArmed;
    private Cell<OneShotTimer?> _timer;

    /// <summary>The token of the current use (for <c>new ValueTask(source, token)</c>).</summary>
    public short Version => Core.Version;

    /// <summary>The cancellation kind requested for the current use, or <see cref="OperationOutcome.Success"/> (none).</summary>
    public OperationOutcome CancelRequested =>
        // Relaxed: a hint for the runner's loop. What must not be missed is ordered elsewhere: a request
        // makes TryPark fail (same word), and the sender list reads it under its lock.
        (OperationOutcome)((_state.Load(MemoryOrder.Relaxed) & CancelMask) >> CancelShift);

    /// <summary>The current use's cancellation token (for the exception of a canceled operation).</summary>
    public CancellationToken CancellationToken => _cancellationToken.Read();

    /// <summary>Whether the waiter is parked (a blocked thread's re-check after each park).</summary>
    public bool IsWaiting =>
        // Acquire: pairs with Signal's AcqRel: once we see Running, the signaller's writes are visible.
        (_state.Load(MemoryOrder.Acquire) & StateMask) == Waiting;

    /// <summary>
    /// Starts a use: the caller owns the waiter (it just rented it) and becomes its runner.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait; registered only when the operation parks.</param>
    /// <param name="timeout">Ends the wait; a timer is armed only when the operation parks. Infinite for none.</param>
    private protected void BeginUse(CancellationToken cancellationToken, TimeSpan timeout)
    {
        _cancellationToken.Write(cancellationToken);
        _timeout.Write(timeout);
        _armed.Write(false);
        Core.Reset();
        // Relaxed (both stores): the renter received the waiter through its pool's hand-off (a lock or a
        // release/acquire pair) and nobody else may change these words before the waiter is visible
        // again: late callbacks are excluded by the reference count, and a late receiver wake only CASes
        // the state, which tolerates any value (a spurious wake costs one retry).
        _refs.Store(1, MemoryOrder.Relaxed); // the owner's reference (the ValueTask, or the blocked thread)
        _state.Store(Running, MemoryOrder.Relaxed); // also clears the last use's cancellation request
    }

    /// <summary>
    /// Runner only: stop running and wait for a signal. Fails if a signal or a cancellation request
    /// arrived since the runner last parked; the pending signal is then taken (the state is Running
    /// again, a cancellation request kept) and the runner must loop.
    /// </summary>
    /// <returns><see langword="true"/> if parked.</returns>
    public bool TryPark()
    {
        // Release: pairs with Signal's AcqRel: everything this run wrote is visible to the next runner.
        // Acquire on failure: pairs with Signal's and RequestCancel's Release: the signaller's writes (an
        // unlink, the notification flag, a cancel request) are visible to our next iteration.
        var observed = _state.CompareExchange(Running, Waiting, MemoryOrder.Release, MemoryOrder.Acquire);
        if (observed == Running)
            return true;

        // Take the signal: Notified → Running, keeping a cancellation request (which may still be
        // arriving, hence the loop). Relaxed: the failed CAS already acquired what signallers published.
        while ((observed & StateMask) == Notified)
        {
            var previous = _state.CompareExchange(observed, (observed & ~StateMask) | Running, MemoryOrder.Relaxed, MemoryOrder.Relaxed);
            if (previous == observed)
                break;
            observed = previous;
        }

        return false;
    }

    /// <summary>
    /// Tells the waiter to re-check. Waiting → Running: the caller must start a runner (returns
    /// <see langword="true"/>). Running → Notified: the current runner will loop. Otherwise (already
    /// notified, completed, idle: a late wake) nothing happens.
    /// </summary>
    /// <returns>Whether the caller must start a runner.</returns>
    public bool Signal()
    {
        // Relaxed: the first guess of a CAS loop.
        var s = _state.Load(MemoryOrder.Relaxed);
        while (true)
        {
            var state = s & StateMask;
            int next;
            if (state == Waiting)
                next = (s & ~StateMask) | Running;
            else if (state == Running)
                next = (s & ~StateMask) | Notified;
            else
                return false;

            // AcqRel: Acquire pairs with TryPark's Release (the parked run's writes reach the runner we
            // start, through the dispatch or unpark that follows); Release publishes our own writes (an
            // unlink, the notification flag) to the runner, whose TryPark or IsWaiting acquires them.
            var observed = _state.CompareExchange(s, next, MemoryOrder.AcqRel, MemoryOrder.Relaxed);
            if (observed == s)
                return state == Waiting;
            s = observed;
        }
    }

    /// <summary>
    /// Runner only, before the first park of a use: registers the cancellation callback and arms the
    /// timeout timer (no-op on later parks of the same use). Either may fire at once (on another thread,
    /// or inline for a token canceled meanwhile); they only request cancellation.
    /// </summary>
    public void ArmOnce()
    {
        if (_armed.Read())
            return;
        _armed.Write(true);

        var cancellationToken = _cancellationToken.Read();
        if (cancellationToken.CanBeCanceled)
        {
            // Relaxed: the callback's decrement is an RMW, which always reads the latest value.
            _refs.FetchAdd(1, MemoryOrder.Relaxed);
            _registered.Write(true);
            _registration.Write(cancellationToken.UnsafeRegister(s_onCanceled, this));
        }

        var timeout = _timeout.Read();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            var timer = _timer.Read();
            if (timer is null)
            {
                timer = new OneShotTimer(s_onTimeout, this); // once per waiter: reused by every later use
                _timer.Write(timer);
            }

            // Relaxed: as for the registration.
            _refs.FetchAdd(1, MemoryOrder.Relaxed);
            _timerArmed.Write(true);
            timer.Start(timeout);
        }
    }

    /// <summary>
    /// Requests cancellation (the first request of a use wins; a request after completion is ignored)
    /// and lets the derived waiter act on it.
    /// </summary>
    /// <param name="kind"><see cref="OperationOutcome.Canceled"/> or <see cref="OperationOutcome.TimedOut"/>.</param>
    public void RequestCancel(OperationOutcome kind)
    {
        // Relaxed: the first guess of a CAS loop.
        var s = _state.Load(MemoryOrder.Relaxed);
        while (true)
        {
            var state = s & StateMask;
            if ((s & CancelMask) != 0 || state == Completed || state == Idle)
                return;
            // Release: pairs with TryPark's failure Acquire (a runner that fails to park sees the request)
            // and, through the sender list's lock, with Enqueue's check.
            var observed = _state.CompareExchange(s, s | ((int)kind << CancelShift), MemoryOrder.Release, MemoryOrder.Relaxed);
            if (observed == s)
                break;
            s = observed;
        }

        OnCancellationRequested();
    }

    /// <summary>Drops one reference; the last one recycles the waiter.</summary>
    public void ReleaseRef()
    {
        // AcqRel: Release orders this holder's accesses before the recycling; Acquire lets the last
        // holder see every other holder's accesses before it recycles.
        var before = _refs.FetchAdd(-1, MemoryOrder.AcqRel);
        Debug.Assert(before > 0);
        if (before == 1)
        {
            // Relaxed: the pool's hand-off orders it before the next use; late wakes ignore Idle.
            _state.Store(Idle, MemoryOrder.Relaxed);
            Recycle();
        }
    }

    /// <summary>A dispatched runner: the operation's attempt loop on a thread-pool thread.</summary>
    public abstract void Execute();

    /// <summary>
    /// Runner only: disarms the callback and timer, marks the use completed and completes the ValueTask
    /// source. The runner must not touch the waiter afterwards (it may be recycled at once).
    /// </summary>
    /// <param name="result">The result.</param>
    /// <param name="inlineContinuation">Whether the runner is a dispatched work item of its own (see <see cref="ValueTaskSourceCore{TResult}.SetResult"/>).</param>
    private protected void Complete(TResult result, bool inlineContinuation)
    {
        Disarm();
        // Relaxed: late wakes and cancellations ignore a completed waiter; the result is published by
        // SetResult.
        _state.Store(Completed, MemoryOrder.Relaxed);
        Core.SetResult(result, inlineContinuation);
    }

    /// <summary>Runner only: marks the use completed without a ValueTask (a blocking operation's end).</summary>
    private protected void CompleteBlocking()
    {
        // Relaxed: the blocked thread itself is the runner and keeps its result in a local.
        _state.Store(Completed, MemoryOrder.Relaxed);
    }

    /// <summary>The derived waiter's reaction to the first cancellation request of a use (it may run the operation inline).</summary>
    protected abstract void OnCancellationRequested();

    /// <summary>Returns the waiter to its pool (the last reference was dropped).</summary>
    protected abstract void Recycle();

    private void Disarm()
    {
        if (_registered.Read())
        {
            _registered.Write(false);
            // Unregister, never Dispose: Dispose waits for a running callback, which may be waiting for us.
            if (_registration.Read().Unregister())
                DropArmingRef(); // it will never run: its reference is ours to drop
        }

        if (_timerArmed.Read())
        {
            _timerArmed.Write(false);
            if (_timer.Read()!.TryCancel())
                DropArmingRef();
        }
    }

    private void DropArmingRef()
    {
        // AcqRel: as in ReleaseRef. The owner's reference is still held, so this never recycles.
        var before = _refs.FetchAdd(-1, MemoryOrder.AcqRel);
        Debug.Assert(before > 1);
    }
}
