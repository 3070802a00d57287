using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks.Sources;
using Sluice.Channels.Internal;
using Sluice.Sync;

namespace Sluice.Channels.Mpsc;

/// <summary>What a blocked sender is waiting to do, and how its result is reported.</summary>
internal enum SendKind : byte
{
    /// <summary><c>SendAsync(item, ct)</c> / <c>WriteAsync</c>: a <see cref="System.Threading.Tasks.ValueTask"/>; closed and canceled are exceptions.</summary>
    Send,

    /// <summary><c>SendAsync(item, timeout, ct)</c>: a <c>ValueTask&lt;SendStatus&gt;</c>.</summary>
    SendWithStatus,

    /// <summary><c>WaitToWriteAsync</c>: a <c>ValueTask&lt;bool&gt;</c>; waits for a free slot without taking it.</summary>
    WaitToSend,

    /// <summary>Blocking <c>Send</c>: the calling thread parks; no ValueTask.</summary>
    Blocking,
}

/// <summary>
/// A blocked sender: a pooled node of the <see cref="SenderWaiterList{T}"/> that holds the item, the
/// ownership state of its retry, and the ValueTask source (or the parker) its caller waits on.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// Steady state allocates nothing: nodes come from the list's pool, the cancellation callback and the
/// timeout timer are reused, the retry is dispatched as the node itself (an
/// <see cref="IThreadPoolWorkItem"/>), and the three ValueTask shapes (<see cref="IValueTaskSource"/>,
/// <c>IValueTaskSource&lt;SendStatus&gt;</c>, <c>IValueTaskSource&lt;bool&gt;</c>) are the node and two
/// views allocated with it.
/// </remarks>
internal sealed class SendWaiter<T> : Waiter<OperationOutcome>, IValueTaskSource
{
    private readonly BoundedChannelCore<T> _core;
    private readonly SenderWaiterList<T> _list;
    private readonly Parker _parker = new();

    /// <summary>List links and membership: under the list's lock.</summary>
    internal Cell<SendWaiter<T>?> Previous;

    /// <summary>The next node in the list, or in the pool's free list.</summary>
    internal Cell<SendWaiter<T>?> Next;

    /// <summary>Whether the node is in the list (under the lock).</summary>
    internal Cell<bool> Listed;

    /// <summary>Whether the node was unlinked by a notification (a freed slot) rather than by its own
    /// cancellation. Under the list's lock: reset when the node is listed, set just before a signal. Read
    /// by the runner only once it knows it is unlisted (no signal can then rewrite it), to decide whether
    /// a runner that will not fill the freed slot must forward the notification.</summary>
    internal Cell<bool> SignalWasNotification;

    /// <summary>The item to send (cleared on completion).</summary>
    internal Cell<T> Item;

    private Cell<SendKind> _kind;
    private Cell<long> _deadline; // blocking sends: MonotonicClock milliseconds, or long.MaxValue

    /// <summary>Creates a node for <paramref name="core"/> (pool misses only).</summary>
    /// <param name="core">The channel.</param>
    /// <param name="list">The list that pools it.</param>
    public SendWaiter(BoundedChannelCore<T> core, SenderWaiterList<T> list)
    {
        _core = core;
        _list = list;
        StatusSource = new StatusView(this);
        WaitSource = new WaitView(this);
    }

    /// <summary>The node seen as <c>IValueTaskSource&lt;SendStatus&gt;</c> (timeout sends).</summary>
    public IValueTaskSource<SendStatus> StatusSource { get; }

    /// <summary>The node seen as <c>IValueTaskSource&lt;bool&gt;</c> (WaitToWriteAsync).</summary>
    public IValueTaskSource<bool> WaitSource { get; }

    /// <summary>What this use waits for.</summary>
    public SendKind Kind => _kind.Read();

    /// <summary>The thread parker of a blocking send.</summary>
    public Parker Parker => _parker;

    /// <summary>A blocking send's deadline (MonotonicClock milliseconds; long.MaxValue for none).</summary>
    public long Deadline => _deadline.Read();

    /// <summary>Starts an asynchronous use (the caller just rented the node and becomes its runner).</summary>
    /// <param name="item">The item (default for <see cref="SendKind.WaitToSend"/>).</param>
    /// <param name="kind">Not <see cref="SendKind.Blocking"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="timeout">Ends the wait (infinite for none).</param>
    public void BeginAsync(T item, SendKind kind, CancellationToken cancellationToken, TimeSpan timeout)
    {
        Item.Write(item);
        _kind.Write(kind);
        SignalWasNotification.Write(false);
        BeginUse(cancellationToken, timeout);
    }

    /// <summary>Starts a blocking use on the calling thread.</summary>
    /// <param name="item">The item.</param>
    /// <param name="deadline">MonotonicClock milliseconds, or long.MaxValue.</param>
    public void BeginBlocking(T item, long deadline)
    {
        Item.Write(item);
        _kind.Write(SendKind.Blocking);
        _deadline.Write(deadline);
        SignalWasNotification.Write(false);
        BeginUse(default, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Under the list's lock, after a signal returned true: start the runner.</summary>
    public void StartRunner()
    {
        if (_kind.Read() == SendKind.Blocking)
            _parker.Unpark();
        else
            _core.Dispatch(this);
    }

    /// <summary>The runner's end: clears the item, then completes the ValueTask (async) or just the state (blocking).</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="inlineContinuation">Whether the runner is a dispatched work item of its own.</param>
    /// <returns><paramref name="outcome"/>.</returns>
    public OperationOutcome Finish(OperationOutcome outcome, bool inlineContinuation)
    {
        Item.Write(default!); // the pooled node must not keep the item alive
        if (_kind.Read() == SendKind.Blocking)
            CompleteBlocking();
        else
            Complete(outcome, inlineContinuation);
        return outcome;
    }

    /// <summary>A dispatched retry (a signal found the node parked).</summary>
    public override void Execute() =>
        _core.RunSender(this, notified: SignalWasNotification.Read(), inlineContinuation: true, skipFirstAttempt: false);

    /// <inheritdoc/>
    protected override void OnCancellationRequested()
    {
        // Unlink if listed; if that made us the runner (the node was parked), run now: the run sees the
        // request and completes the node as cancelled without pushing. We are a cancellation callback or
        // the timer thread, so the awaiter's continuation is dispatched, not run here. A blocking sender
        // requests its own timeout and is its own runner.
        if (_list.Cancel(this) && _kind.Read() != SendKind.Blocking)
            _core.RunSender(this, notified: false, inlineContinuation: false, skipFirstAttempt: false);
    }

    /// <inheritdoc/>
    protected override void Recycle() => _list.Return(this);

    // IValueTaskSource (SendAsync(item, ct), ChannelWriter.WriteAsync).

    /// <inheritdoc/>
    public ValueTaskSourceStatus GetStatus(short token) => StatusOf(token, SendKind.Send);

    /// <inheritdoc/>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        Core.OnCompleted(continuation, state, token, flags);

    /// <inheritdoc/>
    public void GetResult(short token)
    {
        var outcome = Consume(token, out var cancellationToken);
        switch (outcome)
        {
            case OperationOutcome.Success:
                return;
            case OperationOutcome.Closed:
                throw _core.CreateClosedException();
            default:
                throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Reads the result, retires the token and drops the awaiter's reference.</summary>
    private OperationOutcome Consume(short token, out CancellationToken cancellationToken)
    {
        var outcome = Core.GetResult(token);
        cancellationToken = CancellationToken;
        ReleaseRef(); // may recycle the node: nothing below touches it
        return outcome;
    }

    /// <summary>The status the given ValueTask shape reports: must agree with what its GetResult will do.</summary>
    private ValueTaskSourceStatus StatusOf(short token, SendKind shape)
    {
        if (!Core.TryPeekResult(token, out var outcome))
            return ValueTaskSourceStatus.Pending;
        switch (outcome)
        {
            case OperationOutcome.Success:
                return ValueTaskSourceStatus.Succeeded;
            case OperationOutcome.Closed:
                if (shape == SendKind.SendWithStatus)
                    return ValueTaskSourceStatus.Succeeded;
                var error = _core.CompletionError;
                if (error is OperationCanceledException)
                    return ValueTaskSourceStatus.Canceled; // GetResult rethrows it (both shapes)
                if (shape == SendKind.Send)
                    return ValueTaskSourceStatus.Faulted; // ChannelClosedException
                return error is null ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Faulted; // false, or the error
            case OperationOutcome.TimedOut:
                return ValueTaskSourceStatus.Succeeded; // only the status shape times out
            default:
                return ValueTaskSourceStatus.Canceled;
        }
    }

    /// <summary>The node as <c>IValueTaskSource&lt;SendStatus&gt;</c>.</summary>
    private sealed class StatusView(SendWaiter<T> node) : IValueTaskSource<SendStatus>
    {
        public ValueTaskSourceStatus GetStatus(short token) => node.StatusOf(token, SendKind.SendWithStatus);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            node.Core.OnCompleted(continuation, state, token, flags);

        public SendStatus GetResult(short token)
        {
            var outcome = node.Consume(token, out var cancellationToken);
            return outcome switch
            {
                OperationOutcome.Success => SendStatus.Sent,
                OperationOutcome.Closed => SendStatus.Closed,
                OperationOutcome.TimedOut => SendStatus.TimedOut,
                _ => throw new OperationCanceledException(cancellationToken),
            };
        }
    }

    /// <summary>The node as <c>IValueTaskSource&lt;bool&gt;</c> (WaitToWriteAsync).</summary>
    private sealed class WaitView(SendWaiter<T> node) : IValueTaskSource<bool>
    {
        public ValueTaskSourceStatus GetStatus(short token) => node.StatusOf(token, SendKind.WaitToSend);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            node.Core.OnCompleted(continuation, state, token, flags);

        public bool GetResult(short token)
        {
            var core = node._core;
            var outcome = node.Consume(token, out var cancellationToken);
            return outcome switch
            {
                OperationOutcome.Success => true,
                OperationOutcome.Closed => core.CompletionError is { } error ? Rethrow(error) : false,
                _ => throw new OperationCanceledException(cancellationToken),
            };
        }

        // The completion error itself, as System.Threading.Channels surfaces it from WaitToWriteAsync.
        private static bool Rethrow(Exception error)
        {
            ExceptionDispatchInfo.Throw(error);
            return false;
        }
    }
}
