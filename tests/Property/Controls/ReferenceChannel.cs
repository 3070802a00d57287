using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Sluice.Sync;
using Sluice.Verification.Linearizability;

namespace Sluice.Tests.Property.Controls;

/// <summary>The defects the negative controls inject into <see cref="ReferenceChannel"/>.</summary>
public enum ReferenceBug
{
    /// <summary>None: the reference channel is correct (the positive control).</summary>
    None,

    /// <summary>A send that finds another send in flight inserts its item before the last one (occasionally reorders two items).</summary>
    ReorderUnderContention,

    /// <summary>TryReceive trusts a "published" counter that senders bump with a racy load-then-store: an increment can be lost, and TryReceive then says Empty while a sent item is in the channel.</summary>
    EmptyWhileCommitted,

    /// <summary>TrySend checks the capacity before taking the lock and does not check again under it: two racing sends can both pass, admitting capacity + 1 items.</summary>
    AdmitsCapacityPlusOne,

    /// <summary>A cancelled receive that finds an item takes it and still reports Cancelled: the item is lost.</summary>
    CancelledReceiveConsumes,

    /// <summary>A sequential bug (the capacity check is off by one), for the sequential model test's shrinking.</summary>
    OffByOneCapacity,
}

/// <summary>
/// A simple, obviously correct bounded channel written against the shim (a lock, a list, parkers and
/// task completion sources for waiters), so it runs both under the checker (model mode) and on real
/// threads (stress mode). With a <see cref="ReferenceBug"/> it becomes one of the negative controls.
/// </summary>
public sealed class ReferenceChannel : IChannelUnderTest
{
    private readonly int _capacity;
    private readonly ReferenceBug _bug;
    private readonly MutexLock _lock = new();
    private readonly List<int> _items = new();          // guarded by _lock
    private readonly List<Waiter> _senders = new();     // guarded by _lock
    private Waiter? _receiver;                           // guarded by _lock
    private bool _closed;                                // guarded by _lock
    private AtomicInt32 _count;                          // the item count, readable without the lock (AdmitsCapacityPlusOne)
    private AtomicInt32 _published;                      // EmptyWhileCommitted's racy counter
    private AtomicInt32 _inFlight;                       // ReorderUnderContention: sends between entry and exit
    private AtomicInt32 _closedFlag;                     // EmptyWhileCommitted's lock-free closed check

    public ReferenceChannel(int capacity, ReferenceBug bug = ReferenceBug.None)
    {
        _capacity = capacity;
        _bug = bug;
    }

    /// <summary>A subject for the suite: the correct channel or one of the controls.</summary>
    public static ChannelSubject Subject(ReferenceBug bug) =>
        new(bug == ReferenceBug.None ? "reference channel (correct)" : "negative control: " + bug, capacity => new ReferenceChannel(capacity, bug));

    private sealed class Waiter
    {
        public bool Cancelled;                        // guarded by the channel's lock
        public bool TimedOut;                         // guarded by the channel's lock
        public Parker? Parker;                        // blocking waits
        public TaskCompletionSource<bool>? Signal;    // asynchronous waits: the current wake-up

        public void Wake()
        {
            Parker?.Unpark();
            Signal?.TrySetResult(true);
            Signal = null;
        }
    }

    public async ValueTask<ChannelResult> ExecuteAsync(ChannelOp operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var tracked = _bug == ReferenceBug.ReorderUnderContention && operation.IsSend;
        if (tracked)
            _inFlight.FetchAdd(1, MemoryOrder.SeqCst);
        try
        {
            return operation.Kind switch
            {
                ChannelOpKind.TrySend => TrySend(operation.Value),
                ChannelOpKind.Send => await Wait(operation, isSend: true, isAsync: false, cancellationToken),
                ChannelOpKind.SendAsync => await Wait(operation, isSend: true, isAsync: true, cancellationToken),
                ChannelOpKind.TryReceive => TryReceive(),
                ChannelOpKind.Receive => await Wait(operation, isSend: false, isAsync: false, cancellationToken),
                ChannelOpKind.ReceiveAsync => await Wait(operation, isSend: false, isAsync: true, cancellationToken),
                ChannelOpKind.Close or ChannelOpKind.CloseReceiver => Close(),
                ChannelOpKind.Count => Count(),
                _ => throw new NotSupportedException(operation.Kind.ToString()),
            };
        }
        finally
        {
            if (tracked)
                _inFlight.FetchAdd(-1, MemoryOrder.SeqCst);
        }
    }

    private bool HasRoom => _bug == ReferenceBug.OffByOneCapacity ? _items.Count <= _capacity : _items.Count < _capacity;

    private ChannelResult TrySend(int value)
    {
        if (_bug == ReferenceBug.AdmitsCapacityPlusOne && _count.Load(MemoryOrder.SeqCst) < _capacity)
        {
            // The defect: the capacity was checked without the lock and is not checked again under it.
            Widen();
            _lock.Enter();
            if (_closed)
            {
                _lock.Exit();
                return ChannelOutcome.Closed;
            }

            EnqueueLocked(value);
            _lock.Exit();
            AfterEnqueue();
            return ChannelOutcome.Sent;
        }

        _lock.Enter();
        ChannelResult r = _closed ? ChannelOutcome.Closed : HasRoom ? ChannelOutcome.Sent : ChannelOutcome.Full;
        if (r.Outcome == ChannelOutcome.Sent)
            EnqueueLocked(value);
        _lock.Exit();
        if (r.Outcome == ChannelOutcome.Sent)
            AfterEnqueue();
        return r;
    }

    private void EnqueueLocked(int value)
    {
        if (_bug == ReferenceBug.ReorderUnderContention && _inFlight.Load(MemoryOrder.SeqCst) >= 2 && _items.Count >= 1)
            _items.Insert(_items.Count - 1, value); // the defect: jumps ahead of the last item
        else
            _items.Add(value);
        _count.FetchAdd(1, MemoryOrder.SeqCst);
        _receiver?.Wake();
    }

    private void AfterEnqueue()
    {
        if (_bug == ReferenceBug.EmptyWhileCommitted)
        {
            var c = _published.Load(MemoryOrder.SeqCst);      // the defect: a racy increment (load, then store)
            Widen();
            _published.Store(c + 1, MemoryOrder.SeqCst);
        }
    }

    private int DequeueLocked()
    {
        var v = _items[0];
        _items.RemoveAt(0);
        _count.FetchAdd(-1, MemoryOrder.SeqCst);
        if (_bug == ReferenceBug.EmptyWhileCommitted)
            _published.FetchAdd(-1, MemoryOrder.SeqCst);
        foreach (var s in _senders)
            s.Wake();
        _senders.Clear();
        return v;
    }

    /// <summary>
    /// Stress mode only: yields inside a racy window so that real threads hit it often enough for a test that
    /// must see the defect (the model explores a preemption there anyway: the surrounding accesses are
    /// scheduling points).
    /// </summary>
    private static void Widen()
    {
        if (!Sluice.Verification.ModelThread.IsModelled)
            Thread.Yield();
    }

    private ChannelResult TryReceive()
    {
        if (_bug == ReferenceBug.EmptyWhileCommitted && _published.Load(MemoryOrder.SeqCst) <= 0 && _closedFlag.Load(MemoryOrder.SeqCst) == 0)
            return ChannelOutcome.Empty; // the defect: trusts the racy counter
        _lock.Enter();
        ChannelResult r = _items.Count > 0 ? ChannelResult.Received(DequeueLocked()) : _closed ? ChannelOutcome.Closed : ChannelOutcome.Empty;
        _lock.Exit();
        return r;
    }

    private ChannelResult Close()
    {
        _lock.Enter();
        var wasOpen = !_closed;
        _closed = true;
        _closedFlag.Store(1, MemoryOrder.SeqCst);
        _receiver?.Wake();
        foreach (var s in _senders)
            s.Wake();
        _senders.Clear();
        _lock.Exit();
        return wasOpen ? ChannelOutcome.ClosedNow : ChannelOutcome.AlreadyClosed;
    }

    private ChannelResult Count()
    {
        _lock.Enter();
        var n = _items.Count;
        _lock.Exit();
        return new ChannelResult(ChannelOutcome.Counted, n);
    }

    private void Interrupt(Waiter w, bool cancelled)
    {
        _lock.Enter();
        if (cancelled)
            w.Cancelled = true;
        else
            w.TimedOut = true;
        w.Wake();
        _lock.Exit();
    }

    /// <summary>
    /// A waiting send or receive: try under the lock; if it cannot complete, register, release the lock
    /// and wait for a wake-up (a parker for threads, a task completion source for async), then retry.
    /// A timeout or a cancellation sets a flag under the lock and wakes the waiter; the retry decides.
    /// </summary>
    private async ValueTask<ChannelResult> Wait(ChannelOp op, bool isSend, bool isAsync, CancellationToken token)
    {
        if (token.IsCancellationRequested)
            return ChannelOutcome.Cancelled;
        var w = new Waiter();
        var registration = token.CanBeCanceled
            ? token.UnsafeRegister(static s => { var (ch, waiter) = ((ReferenceChannel, Waiter))s!; ch.Interrupt(waiter, cancelled: true); }, (this, w))
            : default;
        OneShotTimer? timer = null;
        if (isAsync && op.Timeout is TimeSpan due && due > TimeSpan.Zero)
        {
            timer = new OneShotTimer(static s => { var (ch, waiter) = ((ReferenceChannel, Waiter))s!; ch.Interrupt(waiter, cancelled: false); }, (this, w));
            timer.Start(due);
        }

        try
        {
            while (true)
            {
                _lock.Enter();
                if (TryComplete(op, isSend, w, out var result))
                {
                    if (_receiver == w)
                        _receiver = null;
                    _senders.Remove(w);
                    _lock.Exit();
                    if (isSend && result.Outcome == ChannelOutcome.Sent)
                        AfterEnqueue();
                    return result;
                }

                TaskCompletionSource<bool>? signal = null;
                if (isAsync)
                    w.Signal = signal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                else
                    w.Parker ??= new Parker();
                if (isSend)
                {
                    if (!_senders.Contains(w))
                        _senders.Add(w);
                }
                else
                {
                    _receiver = w;
                }

                _lock.Exit();
                if (signal is not null)
                {
                    await signal.Task;
                }
                else if (!w.Parker!.Park(isAsync ? Timeout.InfiniteTimeSpan : op.Timeout ?? Timeout.InfiniteTimeSpan))
                {
                    _lock.Enter();
                    w.TimedOut = true;
                    _lock.Exit();
                }
            }
        }
        finally
        {
            registration.Unregister(); // never Dispose: it would wait for a callback running on another (logical) thread
            timer?.TryCancel();
        }
    }

    private bool TryComplete(ChannelOp op, bool isSend, Waiter w, out ChannelResult result)
    {
        if (isSend)
        {
            if (_closed)
                result = ChannelOutcome.Closed;
            else if (HasRoom)
            {
                EnqueueLocked(op.Value);
                result = ChannelOutcome.Sent;
            }
            else if (w.Cancelled)
                result = ChannelOutcome.Cancelled;
            else if (w.TimedOut || op.Timeout == TimeSpan.Zero)
                result = ChannelOutcome.TimedOut;
            else
            {
                result = default;
                return false;
            }

            return true;
        }

        if (_bug == ReferenceBug.CancelledReceiveConsumes && w.Cancelled)
        {
            if (_items.Count > 0)
                DequeueLocked(); // the defect: the item is taken, and the receive still reports Cancelled
            result = ChannelOutcome.Cancelled;
            return true;
        }

        if (_items.Count > 0)
            result = ChannelResult.Received(DequeueLocked());
        else if (_closed)
            result = ChannelOutcome.Closed;
        else if (w.Cancelled)
            result = ChannelOutcome.Cancelled;
        else if (w.TimedOut || op.Timeout == TimeSpan.Zero)
            result = ChannelOutcome.TimedOut;
        else
        {
            result = default;
            return false;
        }

        return true;
    }
}
