using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Internal;
using Sluice.Sync;

namespace Sluice.Channels.Mpsc;

/// <summary>
/// The bounded MPSC channel: the <see cref="Ring{T}"/>, the <see cref="ReceiverWaker"/> and the
/// <see cref="SenderWaiterList{T}"/> composed (docs/design/bounded-mpsc.md §4, spec/tla/Channel.tla).
/// The public handles and the System.Threading.Channels adapters are thin views of this class.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para><b>Hot paths</b> take no lock: a send is <see cref="Ring{T}.TryPush"/> (one CAS) plus
/// <see cref="ReceiverWaker.Notify"/> (a SeqCst fence and one load); a receive is the single-consumer guard (one CAS),
/// <see cref="Ring{T}.TryPop"/>, and a SeqCst fence plus one load to see whether a sender waits.</para>
/// <para><b>Waiting</b> costs nothing per message in steady state: the receiver's waiter is cached, blocked
/// senders' nodes are pooled, and retries are dispatched as the waiters themselves.</para>
/// <para><b>Invariants</b> (checked by the systematic tests): every successfully sent item is received
/// exactly once, in per-sender order; Closed is reported to the receiver only after every successfully
/// sent item was received; a cancelled or timed-out send did not enqueue and a cancelled receive did
/// not dequeue; no free slot is left while a live sender waits with no notification in flight.</para>
/// </remarks>
internal sealed class BoundedChannelCore<T>
{
    /// <summary>In <see cref="_completionError"/>: closed without an error. Never thrown.</summary>
    private static readonly Exception s_closedWithoutError = new ChannelClosedException();

    private readonly Ring<T> _ring;
    private readonly ReceiverWaker _waker = new();
    private readonly SenderWaiterList<T> _senders;
    private readonly ThreadWaker _threadWaker = new();
    private readonly Action<IThreadPoolWorkItem>? _dispatchOverride;

    /// <summary>null while open; once closed, <see cref="s_closedWithoutError"/> or the error given to the
    /// adapter's TryComplete. Set (by the one winning closer) before the ring's CLOSED bit.</summary>
    private AtomicRef<Exception> _completionError;

    /// <summary>1 once closed: tells the consumer to watch for the drain (for the Completion task).</summary>
    private AtomicInt32 _closing;

    /// <summary>1 once the channel is closed and drained.</summary>
    private AtomicInt32 _drained;

    /// <summary>The Completion task's source, created on first request.</summary>
    private AtomicRef<TaskCompletionSource> _completionSource;

    /// <summary>The single-consumer guard: 1 while a receive runs, or while a waiting receive's ValueTask
    /// has not been consumed.</summary>
    private AtomicInt32 _receiving;

    /// <summary>The receiver's async waiter, when not in use (a one-element pool).</summary>
    private AtomicRef<ReceiveOperation<T>> _cachedReceive;

    /// <summary>Undisposed <see cref="MpscSender{T}"/> handles; the last one to go closes the channel.</summary>
    private AtomicInt32 _senderHandles = new(1);

    /// <summary>Creates an empty, open channel.</summary>
    /// <param name="capacity">At least 1.</param>
    /// <param name="dispatchOverride">Tests only: receives the retries the channel would hand to the thread
    /// pool, and the notified sender's retry the receiver would run itself after a pop, so a test can run
    /// them at chosen points (a captured inline retry stands for a receiver delayed between releasing the
    /// sender list's lock and starting the run). Null in production.</param>
    public BoundedChannelCore(int capacity, Action<IThreadPoolWorkItem>? dispatchOverride = null)
    {
        _ring = new Ring<T>(capacity);
        _senders = new SenderWaiterList<T>(this);
        _dispatchOverride = dispatchOverride;
    }

    /// <summary>The number of slots.</summary>
    public int Capacity => _ring.Capacity;

    /// <summary>Tests only: the ring.</summary>
    internal Ring<T> Ring => _ring;

    /// <summary>Items sent and not yet received (a snapshot; see <see cref="Ring{T}.Count"/>).</summary>
    public int Count => _ring.Count;

    /// <summary>Whether the channel is closed (a snapshot).</summary>
    public bool IsClosed => _ring.IsClosed;

    /// <summary>
    /// The error the channel was completed with, or null. Call only after observing the channel closed.
    /// </summary>
    public Exception? CompletionError
    {
        get
        {
            var error = ReadCompletionWord();
            return ReferenceEquals(error, s_closedWithoutError) ? null : error;
        }
    }

    /// <summary>
    /// A task that completes when the channel is closed and every item has been received: successfully,
    /// canceled (completed with an <see cref="OperationCanceledException"/>) or faulted (with the error).
    /// </summary>
    public Task Completion
    {
        get
        {
            // Acquire: pairs with the CAS below (another thread's): the task is fully constructed.
            var source = _completionSource.Load(MemoryOrder.Acquire);
            if (source is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                // SeqCst: Dekker with SignalDrained (it sets _drained, then reads this): one of us sees the other.
                source = _completionSource.CompareExchange(null, created, MemoryOrder.SeqCst, MemoryOrder.Acquire) ?? created;
            }

            // SeqCst: the other half of the Dekker pair above.
            if (_drained.Load(MemoryOrder.SeqCst) != 0)
                CompleteTask(source);
            return source.Task;
        }
    }

    // ------------------------------------------------------------------ sending

    /// <summary>Tries to send without waiting.</summary>
    /// <param name="item">The item.</param>
    /// <returns><see cref="SendStatus.Sent"/>, <see cref="SendStatus.Full"/> or <see cref="SendStatus.Closed"/>.</returns>
    public SendStatus TrySend(T item)
    {
        var r = _ring.TryPush(item);
        if (r == PushResult.Pushed)
        {
            _waker.Notify(); // in the same call as the push: a successful push never loses its wake-up
            return SendStatus.Sent;
        }

        return r == PushResult.Full ? SendStatus.Full : SendStatus.Closed;
    }

    /// <summary>Sends, waiting while the channel is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait (the item is then not enqueued).</param>
    /// <returns>Completes when sent; faults with the closed exception; cancels with <see cref="OperationCanceledException"/>.</returns>
    public ValueTask SendAsync(T item, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        var r = _ring.TryPush(item);
        if (r == PushResult.Pushed)
        {
            _waker.Notify();
            return default;
        }

        if (r == PushResult.Closed)
            return ValueTask.FromException(CreateClosedException());

        var node = _senders.Rent();
        node.BeginAsync(item, SendKind.Send, cancellationToken, Timeout.InfiniteTimeSpan);
        var token = node.Version;
        RunSender(node, notified: false, inlineContinuation: false, skipFirstAttempt: true);
        return new ValueTask(node, token);
    }

    /// <summary>Sends, waiting while the channel is full, at most <paramref name="timeout"/>.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">Validated by the caller; zero tries once.</param>
    /// <param name="cancellationToken">Cancels the wait (the item is then not enqueued).</param>
    /// <returns><see cref="SendStatus.Sent"/>, <see cref="SendStatus.Closed"/> or <see cref="SendStatus.TimedOut"/>; canceled with <see cref="OperationCanceledException"/>.</returns>
    public ValueTask<SendStatus> SendAsync(T item, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<SendStatus>(cancellationToken);
        var r = _ring.TryPush(item);
        if (r == PushResult.Pushed)
        {
            _waker.Notify();
            return new ValueTask<SendStatus>(SendStatus.Sent);
        }

        if (r == PushResult.Closed)
            return new ValueTask<SendStatus>(SendStatus.Closed);
        if (timeout == TimeSpan.Zero)
            return new ValueTask<SendStatus>(SendStatus.TimedOut);

        var node = _senders.Rent();
        node.BeginAsync(item, SendKind.SendWithStatus, cancellationToken, timeout);
        var token = node.Version;
        RunSender(node, notified: false, inlineContinuation: false, skipFirstAttempt: true);
        return new ValueTask<SendStatus>(node.StatusSource, token);
    }

    /// <summary>Waits until a send could succeed (a slot is free) or the channel is closed.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when a slot is free now; false when closed without error; the completion error when closed with one.</returns>
    public ValueTask<bool> WaitToSendAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        var r = _ring.ProbeSpace();
        if (r == PushResult.Pushed)
            return new ValueTask<bool>(true);
        if (r == PushResult.Closed)
            return CompletionError is { } error ? ValueTask.FromException<bool>(error) : new ValueTask<bool>(false);

        var node = _senders.Rent();
        node.BeginAsync(default!, SendKind.WaitToSend, cancellationToken, Timeout.InfiniteTimeSpan);
        var token = node.Version;
        RunSender(node, notified: false, inlineContinuation: false, skipFirstAttempt: true);
        return new ValueTask<bool>(node.WaitSource, token);
    }

    /// <summary>Sends, blocking the calling thread while the channel is full, at most <paramref name="timeout"/>.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">Validated by the caller; infinite to wait forever; zero tries once.</param>
    /// <returns><see cref="SendStatus.Sent"/>, <see cref="SendStatus.Closed"/> or <see cref="SendStatus.TimedOut"/>.</returns>
    public SendStatus Send(T item, TimeSpan timeout)
    {
        var r = _ring.TryPush(item);
        if (r == PushResult.Pushed)
        {
            _waker.Notify();
            return SendStatus.Sent;
        }

        if (r == PushResult.Closed)
            return SendStatus.Closed;
        if (timeout == TimeSpan.Zero)
            return SendStatus.TimedOut;

        var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : MonotonicClock.Milliseconds() + (long)timeout.TotalMilliseconds;
        var node = _senders.Rent();
        node.BeginBlocking(item, deadline);
        var outcome = RunSender(node, notified: false, inlineContinuation: false, skipFirstAttempt: true)!.Value;
        node.ReleaseRef(); // the blocked thread's reference: back to the pool
        return outcome switch
        {
            OperationOutcome.Success => SendStatus.Sent,
            OperationOutcome.Closed => SendStatus.Closed,
            _ => SendStatus.TimedOut,
        };
    }

    /// <summary>
    /// The blocked sender's attempt loop (docs/design/bounded-mpsc.md §3). The caller is the node's runner:
    /// its state is Running and it is not listed.
    /// </summary>
    /// <param name="node">The node.</param>
    /// <param name="notified">Whether this run was started by a notification (a freed slot) that it must
    /// use or forward.</param>
    /// <param name="inlineContinuation">Whether the runner is a dispatched work item of its own (the
    /// awaiter's continuation may then run here).</param>
    /// <param name="skipFirstAttempt">The caller's own attempt just found the ring full: go straight to listing.</param>
    /// <returns>The outcome once the node completed; null when an asynchronous node parked (a later signal
    /// restarts it on another thread). A blocking node parks its thread inside and always returns an outcome.</returns>
    internal OperationOutcome? RunSender(SendWaiter<T> node, bool notified, bool inlineContinuation, bool skipFirstAttempt)
    {
        var probeOnly = node.Kind == SendKind.WaitToSend;
        while (true)
        {
            if (!skipFirstAttempt)
            {
                var cancel = node.CancelRequested;
                if (cancel != OperationOutcome.Success)
                {
                    // FORWARD: we were told about a free slot and will not use it.
                    if (notified)
                        _senders.NotifyOne();
                    return node.Finish(cancel, inlineContinuation);
                }

                var r = Attempt(node, probeOnly);
                if (r == PushResult.Pushed)
                {
                    // A wait-only sender leaves the slot it was told about to others: pass the notification on.
                    if (probeOnly && notified)
                        _senders.NotifyOne();
                    return node.Finish(OperationOutcome.Success, inlineContinuation);
                }

                if (r == PushResult.Closed)
                    return node.Finish(OperationOutcome.Closed, inlineContinuation);
                // Full: someone else used the slot we may have been told about; wait again.
            }

            skipFirstAttempt = false;

            // A notified node keeps its place (front); a new one queues at the back. Refused only when
            // cancellation was requested while the node was unlisted (the Full above consumed any
            // notification, so there is nothing to forward).
            if (!_senders.Enqueue(node, atFront: notified))
                return node.Finish(node.CancelRequested, inlineContinuation);
            notified = false;

            // SeqCst: pairs with NotifyOne/NotifyAll's fence (Dekker): either this attempt sees the slot
            // freed (or CLOSED set) before their fence, or their isEmpty load sees us listed.
            Atomic.Fence(MemoryOrder.SeqCst);
            var second = Attempt(node, probeOnly);
            if (second != PushResult.Full)
            {
                // Unlist ourselves; if a signal got there first and it was a notification, forward it: we
                // used at most one slot (none when probing), and it may have been about another.
                if (!_senders.Remove(node) && node.SignalWasNotification.Read())
                    _senders.NotifyOne();
                return node.Finish(second == PushResult.Pushed ? OperationOutcome.Success : OperationOutcome.Closed, inlineContinuation);
            }

            if (node.Kind != SendKind.Blocking)
            {
                node.ArmOnce(); // cancellation and timeout: registered once per use, before the first park
                if (node.TryPark())
                    return null; // the next signal (a notification, a cancel unlinking us) restarts the run
            }
            else if (node.TryPark())
            {
                BlockUntilSignalled(node);
                // Unlisted now, by a notification or by our own timeout.
                notified = node.SignalWasNotification.Read();
                continue;
            }

            // TryPark failed: a signal or a cancellation request arrived while we ran. A signal unlinked us;
            // a request alone did not, so unlist ourselves before deciding anything: a completed node must
            // never stay listed, or it would absorb a notification.
            notified = !_senders.Remove(node) && node.SignalWasNotification.Read();
        }
    }

    /// <summary>A blocking sender's park: until a signal makes it the runner again, or its deadline passes.</summary>
    private static void BlockUntilSignalled(SendWaiter<T> node)
    {
        while (node.IsWaiting)
        {
            var deadline = node.Deadline;
            if (deadline == long.MaxValue)
            {
                node.Parker.Park(); // a spurious return re-checks the state
                continue;
            }

            var remaining = deadline - MonotonicClock.Milliseconds();
            if (remaining > 0 && node.Parker.Park(TimeSpan.FromMilliseconds(remaining)))
                continue;

            // Timed out: request our own cancellation. It unlinks us (and makes us the runner) unless a
            // notification unlinked us first (then we already are the runner); either way the state is no
            // longer Waiting, and the run that follows completes us as timed out (forwarding a notification).
            node.RequestCancel(OperationOutcome.TimedOut);
        }
    }

    /// <summary>One try for a blocked sender: push its item (and wake the receiver), or probe for space.</summary>
    private PushResult Attempt(SendWaiter<T> node, bool probeOnly)
    {
        if (probeOnly)
            return _ring.ProbeSpace();
        var r = _ring.TryPush(node.Item.Read());
        if (r == PushResult.Pushed)
            _waker.Notify(); // in the same call as the push: a successful push never loses its wake-up
        return r;
    }

    // ------------------------------------------------------------------ receiving

    /// <summary>Tries to receive without waiting. Single consumer.</summary>
    /// <param name="item">The item on <see cref="ReceiveStatus.Received"/>.</param>
    /// <returns><see cref="ReceiveStatus.Received"/>, <see cref="ReceiveStatus.Empty"/> or <see cref="ReceiveStatus.Closed"/> (after the drain).</returns>
    public ReceiveStatus TryReceive(out T item)
    {
        EnterReceive();
        var r = _ring.TryPop(out item);
        if (r == PopResult.Popped)
            AfterPop();
        else if (r == PopResult.Closed)
            SignalDrained();
        ExitReceive();
        return r switch
        {
            PopResult.Popped => ReceiveStatus.Received,
            PopResult.Empty => ReceiveStatus.Empty,
            _ => ReceiveStatus.Closed,
        };
    }

    /// <summary>Reads the next item without removing it. Single consumer.</summary>
    /// <param name="item">The item when one is available.</param>
    /// <returns>Whether an item is available.</returns>
    public bool TryPeek(out T item)
    {
        EnterReceive();
        var r = _ring.TryPeek(out item);
        if (r == PopResult.Closed)
            SignalDrained();
        ExitReceive();
        return r == PopResult.Popped;
    }

    /// <summary>Receives, waiting while the channel is empty. Single consumer.</summary>
    /// <param name="cancellationToken">Cancels the wait (nothing is then dequeued).</param>
    /// <returns>The item; faults with the closed exception once closed and drained; cancels with <see cref="OperationCanceledException"/>.</returns>
    public ValueTask<T> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<T>(cancellationToken);
        EnterReceive();
        var r = _ring.TryPop(out var item);
        if (r == PopResult.Popped)
        {
            AfterPop();
            ExitReceive();
            return new ValueTask<T>(item);
        }

        if (r == PopResult.Closed)
        {
            SignalDrained();
            ExitReceive();
            return ClosedReceive<T>();
        }

        var op = RentReceive();
        op.Begin(ReceiveKind.Receive, cancellationToken, Timeout.InfiniteTimeSpan);
        var token = op.Version;
        RunReceiver(op, inlineContinuation: false); // keeps the guard until the ValueTask is consumed
        return new ValueTask<T>(op, token);
    }

    /// <summary>Receives, waiting while the channel is empty, at most <paramref name="timeout"/>. Single consumer.</summary>
    /// <param name="timeout">Validated by the caller; zero tries once.</param>
    /// <param name="cancellationToken">Cancels the wait (nothing is then dequeued).</param>
    /// <returns>Received, Closed (after the drain) or TimedOut; canceled with <see cref="OperationCanceledException"/>.</returns>
    public ValueTask<ReceiveResult<T>> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<ReceiveResult<T>>(cancellationToken);
        EnterReceive();
        var r = _ring.TryPop(out var item);
        if (r == PopResult.Popped)
        {
            AfterPop();
            ExitReceive();
            return new ValueTask<ReceiveResult<T>>(new ReceiveResult<T>(ReceiveStatus.Received, item));
        }

        if (r == PopResult.Closed || timeout == TimeSpan.Zero)
        {
            if (r == PopResult.Closed)
                SignalDrained();
            ExitReceive();
            return new ValueTask<ReceiveResult<T>>(new ReceiveResult<T>(r == PopResult.Closed ? ReceiveStatus.Closed : ReceiveStatus.TimedOut, default!));
        }

        var op = RentReceive();
        op.Begin(ReceiveKind.ReceiveWithStatus, cancellationToken, timeout);
        var token = op.Version;
        RunReceiver(op, inlineContinuation: false);
        return new ValueTask<ReceiveResult<T>>(op.ResultSource, token);
    }

    /// <summary>Waits until an item is available (without taking it) or the channel is closed and drained. Single consumer.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when an item is available; false when closed and drained without error; the completion error otherwise.</returns>
    public ValueTask<bool> WaitToReceiveAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        EnterReceive();
        var r = _ring.TryPeek(out _);
        if (r == PopResult.Popped)
        {
            ExitReceive();
            return new ValueTask<bool>(true);
        }

        if (r == PopResult.Closed)
        {
            SignalDrained();
            ExitReceive();
            return CompletionError is { } error ? ValueTask.FromException<bool>(error) : new ValueTask<bool>(false);
        }

        var op = RentReceive();
        op.Begin(ReceiveKind.WaitToReceive, cancellationToken, Timeout.InfiniteTimeSpan);
        var token = op.Version;
        RunReceiver(op, inlineContinuation: false);
        return new ValueTask<bool>(op.WaitSource, token);
    }

    /// <summary>Receives, blocking the calling thread while the channel is empty, at most <paramref name="timeout"/>. Single consumer.</summary>
    /// <param name="item">The item on <see cref="ReceiveStatus.Received"/>.</param>
    /// <param name="timeout">Validated by the caller; infinite to wait forever; zero tries once.</param>
    /// <returns>Received, Closed (after the drain) or TimedOut.</returns>
    public ReceiveStatus Receive(out T item, TimeSpan timeout)
    {
        EnterReceive();
        var registered = false;
        try
        {
            var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : MonotonicClock.Milliseconds() + (long)timeout.TotalMilliseconds;
            while (true)
            {
                var r = _ring.TryPop(out item);
                if (r == PopResult.Empty)
                {
                    if (timeout == TimeSpan.Zero)
                        return ReceiveStatus.TimedOut;
                    // Register (again after every wake: the notifier consumed the registration), then
                    // re-check: a push that notified before our registration is visible now.
                    _waker.Register(_threadWaker);
                    registered = true;
                    r = _ring.TryPop(out item);
                    if (r == PopResult.Empty)
                    {
                        if (ParkReceiver(deadline))
                            continue; // woken (maybe spuriously, by a late wake): re-check
                        return ReceiveStatus.TimedOut;
                    }
                }

                if (r == PopResult.Popped)
                {
                    AfterPop();
                    return ReceiveStatus.Received;
                }

                SignalDrained();
                return ReceiveStatus.Closed;
            }
        }
        finally
        {
            if (registered)
                _waker.Unregister(); // harmless if a notifier already consumed it
            ExitReceive();
        }
    }

    /// <summary>Parks the receiving thread until woken or the deadline. False on timeout.</summary>
    private bool ParkReceiver(long deadline)
    {
        if (deadline == long.MaxValue)
        {
            _threadWaker.Parker.Park();
            return true;
        }

        var remaining = deadline - MonotonicClock.Milliseconds();
        return remaining > 0 && _threadWaker.Parker.Park(TimeSpan.FromMilliseconds(remaining));
    }

    /// <summary>
    /// The waiting receive's attempt loop (docs/design/bounded-mpsc.md §2, "WaitUntil"): check for
    /// cancellation, register, re-check, park. The caller is the waiter's runner and holds the receive guard
    /// (on the waiter's behalf: it is released when the ValueTask is consumed).
    /// </summary>
    /// <param name="op">The waiter.</param>
    /// <param name="inlineContinuation">Whether the runner is a dispatched work item of its own.</param>
    /// <param name="checkFirst">Woken: try the ring once before registering (the wake's item is usually there).</param>
    internal void RunReceiver(ReceiveOperation<T> op, bool inlineContinuation, bool checkFirst = false)
    {
        var peekOnly = op.Kind == ReceiveKind.WaitToReceive;
        while (true)
        {
            var cancel = op.CancelRequested;
            if (cancel != OperationOutcome.Success)
            {
                _waker.Unregister(); // nothing dequeued; withdraw so no notifier wakes us for nothing
                op.Finish(new ReceiveOutcome<T>(cancel, default!), inlineContinuation);
                return;
            }

            T item;
            PopResult r;
            var registered = false;
            // Woken: the item the notifier pushed is usually there, so look before registering. A hit saves
            // Register's RMW and fence and Unregister's RMW (three of a parked hop's atomics); a miss (a late
            // or spurious wake, or a push not yet visible) falls through to register-and-re-check. The
            // notifier consumed the registration, so nothing is left registered on a hit. Only a look: the
            // ring's own protocol makes whatever it finds safe to take, whoever is registered.
            if (checkFirst)
            {
                checkFirst = false;
                r = peekOnly ? _ring.TryPeek(out item) : _ring.TryPop(out item);
            }
            else
            {
                r = PopResult.Empty;
                item = default!;
            }

            if (r == PopResult.Empty)
            {
                // Register before re-checking; after any wake, register again (the notifier consumed it).
                _waker.Register(op);
                registered = true;
                r = peekOnly ? _ring.TryPeek(out item) : _ring.TryPop(out item);
            }

            if (r != PopResult.Empty)
            {
                if (registered)
                    _waker.Unregister();
                if (r == PopResult.Popped)
                {
                    if (peekOnly)
                        item = default!; // leave it in the channel: the caller will TryRead it
                    else
                        AfterPop();
                    op.Finish(new ReceiveOutcome<T>(OperationOutcome.Success, item), inlineContinuation);
                }
                else
                {
                    SignalDrained();
                    op.Finish(new ReceiveOutcome<T>(OperationOutcome.Closed, default!), inlineContinuation);
                }

                return;
            }

            op.ArmOnce(); // cancellation and timeout: registered once per use, before the first park
            if (op.TryPark())
                return; // the next wake (or a cancel) restarts the run
            // A wake or a cancellation request arrived while we ran: loop.
        }
    }

    /// <summary>Releases the receive guard once a waiting receive's ValueTask was consumed.</summary>
    internal void ExitWaitingReceive() => ExitReceive();

    /// <summary>The cached receive waiter, or a new one if it is still in use (a late callback holds it).</summary>
    private ReceiveOperation<T> RentReceive() =>
        // Acquire: pairs with ReturnReceiveOperation's Release: the waiter's last use is complete.
        _cachedReceive.Exchange(null, MemoryOrder.Acquire) ?? new ReceiveOperation<T>(this);

    /// <summary>Puts the receive waiter back (its last reference was dropped).</summary>
    /// <param name="op">The waiter.</param>
    internal void ReturnReceiveOperation(ReceiveOperation<T> op) =>
        // Release: pairs with RentReceive's Acquire.
        _cachedReceive.Store(op, MemoryOrder.Release);

    /// <summary>After every successful pop: wake one blocked sender, and watch for the drain after a close.</summary>
    private void AfterPop()
    {
        // SeqCst: (1) pairs with a blocked sender's fence after it lists itself (Dekker): either we see it
        // listed, or its retry sees the slot we just freed; (2) pairs with Close's fence: either we see
        // _closing, or the closer sees our new dequeue position in its drain check.
        Atomic.Fence(MemoryOrder.SeqCst);
        if (_senders.NotifyOneAfterFence() is { } sender)
            RunNotifiedSender(sender);
        // Acquire: pairs with Close's Release store: the CLOSED bit is visible to IsDrained.
        if (_closing.Load(MemoryOrder.Acquire) != 0 && _ring.IsDrained())
            SignalDrained();
    }

    /// <summary>
    /// The receiver just freed a slot and owns the run of the sender it notified: an asynchronous sender's
    /// retry runs here, on the receiver's thread, so the freed slot is refilled before the receiver looks
    /// again (as System.Threading.Channels moves a blocked writer's item under its lock). Dispatching the
    /// retry instead let the receiver find the ring empty and park once per message on a small ring (two
    /// thread-pool work items per message instead of one). The sender's awaiter still resumes on the
    /// thread pool (its continuation is dispatched, never run on the receiver's stack). (A blocking sender
    /// was unparked under the list's lock and retries on its own thread.)
    /// </summary>
    /// <param name="sender">The asynchronous node, unlisted and Running, whose notification this run must use or forward.</param>
    private void RunNotifiedSender(SendWaiter<T> sender)
    {
        if (_dispatchOverride is not null)
            sender.StartRunner();
        else
            RunSender(sender, notified: sender.SignalWasNotification.Read(), inlineContinuation: false, skipFirstAttempt: false);
    }

    private void EnterReceive()
    {
        // Acquire: pairs with ExitReceive's Release: the previous receive's consumer-side writes (the
        // dequeue position, the waker's slots, the cached waiter) happen before ours, whatever thread ran it.
        if (_receiving.CompareExchange(0, 1, MemoryOrder.Acquire, MemoryOrder.Relaxed) != 0)
            throw new InvalidOperationException(
                "The receiver of an MPSC channel is single-consumer, and another receive is in progress: a receive on another " +
                "thread, or a ReceiveAsync/WaitToReadAsync whose ValueTask has not been awaited yet (a waiting receive holds the " +
                "receiver until its result is consumed).");
    }

    private void ExitReceive()
    {
        // Release: pairs with EnterReceive's Acquire.
        _receiving.Store(0, MemoryOrder.Release);
    }

    // ------------------------------------------------------------------ closing

    /// <summary>
    /// Closes the channel: later sends fail; every waiter is woken; the receiver drains what was sent
    /// before and then sees Closed.
    /// </summary>
    /// <param name="error">Null, or the error to complete with (the adapter's TryComplete).</param>
    /// <returns><see langword="true"/> if this call closed it; <see langword="false"/> if it was already closed (it is closed on return either way).</returns>
    public bool Close(Exception? error)
    {
        // AcqRel: Release publishes the error (and, before it, nothing else is needed) to
        // ReadCompletionWord's Acquire; one winner decides the completion error.
        var won = _completionError.CompareExchange(null, error ?? s_closedWithoutError, MemoryOrder.AcqRel, MemoryOrder.Acquire) is null;
        // Also when we lost: the winner may not have set the bit yet, and "closed on return" must hold.
        _ring.Close();
        if (!won)
            return false;

        // Release: pairs with AfterPop's Acquire load: a consumer that sees the flag sees CLOSED.
        _closing.Store(1, MemoryOrder.Release);
        _waker.Notify();       // the receiver re-checks: it reports Closed once drained
        _senders.NotifyAll();  // blocked senders retry and fail Closed; starts with a SeqCst fence (see AfterPop)
        if (_ring.IsDrained())
            SignalDrained();
        return true;
    }

    /// <summary>Another <see cref="MpscSender{T}"/> handle exists.</summary>
    public void AddSenderHandle()
    {
        // Relaxed: a counter; the handle being cloned keeps the count above zero meanwhile.
        _senderHandles.FetchAdd(1, MemoryOrder.Relaxed);
    }

    /// <summary>A handle was disposed; the last one closes the channel.</summary>
    public void ReleaseSenderHandle()
    {
        // AcqRel: the last decrement must see every other handle's release (like a reference count).
        if (_senderHandles.FetchAdd(-1, MemoryOrder.AcqRel) == 1)
            Close(null);
    }

    /// <summary>
    /// The exception a send or receive on a closed channel throws, as System.Threading.Channels builds it:
    /// the completion error itself if it is an <see cref="OperationCanceledException"/>; otherwise a
    /// <see cref="ChannelClosedException"/> wrapping the error, if any.
    /// </summary>
    /// <returns>A new exception.</returns>
    public Exception CreateClosedException()
    {
        var error = CompletionError;
        return error is OperationCanceledException ? error
            : error is not null ? new ChannelClosedException(error)
            : new ChannelClosedException();
    }

    /// <summary>The synchronous result of ReadAsync on a closed, drained channel, exactly as the BCL's.</summary>
    private ValueTask<TValue> ClosedReceive<TValue>()
    {
        var error = CompletionError;
        if (error is OperationCanceledException oce)
            return ValueTask.FromCanceled<TValue>(oce.CancellationToken.IsCancellationRequested ? oce.CancellationToken : new CancellationToken(true));
        return ValueTask.FromException<TValue>(error is null ? new ChannelClosedException() : new ChannelClosedException(error));
    }

    /// <summary>The channel is closed and drained: complete the Completion task (once).</summary>
    private void SignalDrained()
    {
        // SeqCst: Dekker with the Completion getter (it publishes the source, then reads this flag).
        if (_drained.Exchange(1, MemoryOrder.SeqCst) != 0)
            return;
        // SeqCst: the other half of that pair.
        if (_completionSource.Load(MemoryOrder.SeqCst) is { } source)
            CompleteTask(source);
    }

    private void CompleteTask(TaskCompletionSource source)
    {
        var error = CompletionError;
        if (error is OperationCanceledException oce)
            source.TrySetCanceled(oce.CancellationToken);
        else if (error is not null)
            source.TrySetException(error);
        else
            source.TrySetResult();
    }

    /// <summary>
    /// The completion word, waiting for it to become visible: the closer sets it before the CLOSED bit in
    /// program order, but a thread that saw the bit through relaxed loads may not see it yet.
    /// </summary>
    private Exception ReadCompletionWord()
    {
        // Acquire: pairs with Close's Release CAS: the error object is fully visible.
        var error = _completionError.Load(MemoryOrder.Acquire);
        return error ?? WaitForCompletionWord();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Exception WaitForCompletionWord()
    {
        var spinner = new SpinWaiter();
        while (true)
        {
            // Acquire: as in ReadCompletionWord. The write is already done (it precedes the CLOSED bit that
            // our caller observed), so this loop ends as soon as it becomes visible.
            if (_completionError.Load(MemoryOrder.Acquire) is { } error)
                return error;
            spinner.SpinOnce();
        }
    }

    // ------------------------------------------------------------------ enumeration and dispatch

    /// <summary>Enumerates items as they arrive until the channel is closed and drained. Single consumer.</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The items, in order.</returns>
    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await WaitToReceiveAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryReceive(out var item) == ReceiveStatus.Received)
                yield return item;
        }
    }

    /// <summary>Hands a waiter's retry to the thread pool (or, in tests, to the override).</summary>
    /// <param name="work">The waiter.</param>
    internal void Dispatch(IThreadPoolWorkItem work)
    {
        if (_dispatchOverride is { } dispatch)
            dispatch(work);
        else
            ContinuationDispatcher.Dispatch(work);
    }
}
