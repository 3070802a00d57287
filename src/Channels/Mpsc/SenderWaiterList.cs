using System.Diagnostics;
using Sluice.Channels.Internal;
using Sluice.Sync;

namespace Sluice.Channels.Mpsc;

/// <summary>
/// Blocked senders, in FIFO order: an intrusive doubly-linked list of pooled <see cref="SendWaiter{T}"/>
/// nodes under a lock that only the slow path takes. The protocol is docs/design/bounded-mpsc.md §3 and
/// spec/tla/SenderWaiter.tla.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para><b>Notifications are conserved.</b> Every <see cref="NotifyOne"/> follows one freed slot and
/// signals at most one node; a signalled node either pushes (uses the slot), finds the ring full
/// (someone else used it), finds it closed, or is cancelled, and a cancelled signalled node forwards
/// the notification with <see cref="NotifyOne"/>. A node that is unlinked by its own cancellation
/// (<see cref="Cancel"/>) consumed no notification and forwards nothing. A C# waiter cannot be
/// "forgotten" once signalled: its runner is dispatched or its thread unparked, so tachyonix's
/// forgotten-sender erosion of capacity cannot happen.</para>
/// <para><b>Signals are delivered under the lock</b> (a deviation from tachyonix, which also does it, and
/// from an earlier draft of the design note): so once a thread holding the lock finds a node unlisted, the
/// node's signal has been delivered and no late signal can reach a recycled node.</para>
/// <para><b>Dekker pairing.</b> A sender lists itself (isEmpty := 0 under the lock), issues a SeqCst
/// fence and tries the ring again; a consumer frees a slot (or a closer sets CLOSED), issues a SeqCst
/// fence and reads isEmpty. At least one of them sees the other's write, so a freed slot is never
/// missed by a listed sender.</para>
/// </remarks>
internal sealed class SenderWaiterList<T>
{
    private readonly BoundedChannelCore<T> _core;
    private readonly MutexLock _lock = new();

    // Under the lock.
    private Cell<SendWaiter<T>?> _head;
    private Cell<SendWaiter<T>?> _tail;
    private Cell<SendWaiter<T>?> _free;

    /// <summary>1 when no node is listed. Written under the lock; read without it by notifiers.</summary>
    private AtomicInt32 _isEmpty = new(1);

    /// <summary>Creates an empty list for <paramref name="core"/>'s senders.</summary>
    /// <param name="core">The channel whose senders wait here.</param>
    public SenderWaiterList(BoundedChannelCore<T> core) => _core = core;

    /// <summary>A node from the pool (allocated only when the pool is empty: steady state allocates nothing).</summary>
    /// <returns>An idle node owned by the caller.</returns>
    public SendWaiter<T> Rent()
    {
        _lock.Enter();
        var node = _free.Read();
        if (node is not null)
            _free.Write(node.Next.Read());
        _lock.Exit();
        if (node is null)
            return new SendWaiter<T>(_core, this);
        node.Next.Write(null);
        return node;
    }

    /// <summary>Returns an idle node to the pool (its last reference was dropped).</summary>
    /// <param name="node">The node; not listed.</param>
    public void Return(SendWaiter<T> node)
    {
        Debug.Assert(!node.Listed.Read());
        node.Previous.Write(null);
        _lock.Enter();
        node.Next.Write(_free.Read());
        _free.Write(node);
        _lock.Exit();
    }

    /// <summary>
    /// Lists <paramref name="node"/> at the back (a new waiter) or the front (a signalled waiter whose
    /// retry found the ring full keeps its place). Refuses a node whose cancellation was requested: a
    /// cancel that found the node unlisted (its retry was running) must not leave it listed, waiting for a
    /// notification that may never come.
    /// </summary>
    /// <param name="node">The node; its runner calls this.</param>
    /// <param name="atFront">Whether to list it first.</param>
    /// <returns><see langword="false"/> if refused (the caller completes the node as cancelled).</returns>
    public bool Enqueue(SendWaiter<T> node, bool atFront)
    {
        _lock.Enter();
        // Under the lock, so a Cancel (flag, then lock) either found the node listed or is seen here.
        if (node.CancelRequested != OperationOutcome.Success)
        {
            _lock.Exit();
            return false;
        }

        var head = _head.Read();
        var tail = _tail.Read();
        if (head is null)
        {
            node.Previous.Write(null);
            node.Next.Write(null);
            _head.Write(node);
            _tail.Write(node);
        }
        else if (atFront)
        {
            node.Previous.Write(null);
            node.Next.Write(head);
            head.Previous.Write(node);
            _head.Write(node);
        }
        else
        {
            node.Previous.Write(tail);
            node.Next.Write(null);
            tail!.Next.Write(node);
            _tail.Write(node);
        }

        node.Listed.Write(true);
        node.SignalWasNotification.Write(false);
        // Relaxed: written under the lock; the sender's SeqCst fence after Enqueue publishes it to
        // notifiers (Dekker with NotifyOne's fence).
        _isEmpty.Store(0, MemoryOrder.Relaxed);
        _lock.Exit();
        return true;
    }

    /// <summary>Unlinks <paramref name="node"/> if it is listed (its runner's own try succeeded).</summary>
    /// <param name="node">The node.</param>
    /// <returns><see langword="true"/> if it was listed; <see langword="false"/> if a signal already unlinked it (that signal has been delivered).</returns>
    public bool Remove(SendWaiter<T> node)
    {
        _lock.Enter();
        var listed = node.Listed.Read();
        if (listed)
            Unlink(node);
        _lock.Exit();
        return listed;
    }

    /// <summary>
    /// The cancellation side: the caller has set the node's cancel request. If the node is listed it is
    /// unlinked (it consumed no notification) and signalled.
    /// </summary>
    /// <param name="node">The node.</param>
    /// <returns>
    /// <see langword="true"/> if the node was parked and the caller now owns its run (it must run it: the
    /// run completes the node as cancelled). <see langword="false"/> otherwise: the node was running (it
    /// will see the request) or was already unlinked by a notification (its runner will see the request
    /// and forward the notification).
    /// </returns>
    public bool Cancel(SendWaiter<T> node)
    {
        var startRunner = false;
        _lock.Enter();
        if (node.Listed.Read())
        {
            Unlink(node);
            node.SignalWasNotification.Write(false);
            startRunner = node.Signal();
        }

        _lock.Exit();
        return startRunner;
    }

    /// <summary>After freeing one slot: signals the first listed node and starts its runner (dispatches its
    /// retry, or unparks its thread). Starts with the SeqCst fence.</summary>
    public void NotifyOne()
    {
        // SeqCst: pairs with the fence a sender issues after Enqueue (Dekker): either we see it listed, or
        // its retry sees the slot freed (or the CLOSED bit set) before this call.
        Atomic.Fence(MemoryOrder.SeqCst);
        NotifyOneAfterFence()?.StartRunner();
    }

    /// <summary>
    /// <see cref="NotifyOne"/> for a caller that has just issued the SeqCst fence itself, and that starts
    /// the runner itself: unlinks and signals the first listed node.
    /// </summary>
    /// <returns>The asynchronous node whose run the caller now owns (it must start it, or run it: the lock
    /// is released), or null (nobody listed; the node was already running and will loop; or it was a
    /// blocking sender, whose thread was unparked here).</returns>
    public SendWaiter<T>? NotifyOneAfterFence()
    {
        // Relaxed: ordered by the caller's SeqCst fence (see NotifyOne).
        if (_isEmpty.Load(MemoryOrder.Relaxed) != 0)
            return null; // cheap when nobody waits

        SendWaiter<T>? runner = null;
        _lock.Enter();
        var node = _head.Read();
        if (node is not null)
        {
            Unlink(node);
            if (Deliver(node))
            {
                // A blocked thread polls its own state and may finish and reuse the node as soon as the
                // signal lands, so it is unparked here, under the lock, and never touched afterwards (the
                // linearizability suite caught a version that read the node's kind after unlocking). An
                // asynchronous node cannot move until its runner runs it: that run is the caller's now.
                if (node.Kind == SendKind.Blocking)
                    node.StartRunner();
                else
                    runner = node;
            }
        }

        _lock.Exit();
        return runner;
    }

    /// <summary>On close: signals every listed node (each retries and fails Closed). Starts with the SeqCst fence.</summary>
    public void NotifyAll()
    {
        // SeqCst: as in NotifyOne, pairing with the CLOSED bit the caller set just before.
        Atomic.Fence(MemoryOrder.SeqCst);
        // Relaxed: as in NotifyOneAfterFence.
        if (_isEmpty.Load(MemoryOrder.Relaxed) != 0)
            return;

        _lock.Enter();
        while (_head.Read() is { } node)
        {
            Unlink(node);
            if (Deliver(node))
                node.StartRunner(); // dispatch its retry, or unpark its thread: cheap, never runs it here
        }

        _lock.Exit();
    }

    /// <summary>Under the lock: a notification for an unlinked node.</summary>
    /// <returns>Whether the node was parked: the caller now owns its run.</returns>
    private static bool Deliver(SendWaiter<T> node)
    {
        node.SignalWasNotification.Write(true);
        return node.Signal();
    }

    /// <summary>Under the lock.</summary>
    private void Unlink(SendWaiter<T> node)
    {
        var previous = node.Previous.Read();
        var next = node.Next.Read();
        if (previous is null)
            _head.Write(next);
        else
            previous.Next.Write(next);
        if (next is null)
            _tail.Write(previous);
        else
            next.Previous.Write(previous);
        node.Previous.Write(null);
        node.Next.Write(null);
        node.Listed.Write(false);
        if (_head.Read() is null)
        {
            // Relaxed: under the lock; a stale 0 only costs a notifier one lock acquisition.
            _isEmpty.Store(1, MemoryOrder.Relaxed);
        }
    }
}
