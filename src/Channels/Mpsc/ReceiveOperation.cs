using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks.Sources;
using Sluice.Channels.Internal;
using Sluice.Sync;

namespace Sluice.Channels.Mpsc;

/// <summary>What a waiting receive waits for, and how its result is reported.</summary>
internal enum ReceiveKind : byte
{
    /// <summary><c>ReceiveAsync(ct)</c> / <c>ReadAsync</c>: a <c>ValueTask&lt;T&gt;</c>; closed and canceled are exceptions.</summary>
    Receive,

    /// <summary><c>ReceiveAsync(timeout, ct)</c>: a <c>ValueTask&lt;ReceiveResult&lt;T&gt;&gt;</c>.</summary>
    ReceiveWithStatus,

    /// <summary><c>WaitToReadAsync</c>: a <c>ValueTask&lt;bool&gt;</c>; waits for an item without taking it.</summary>
    WaitToReceive,
}

/// <summary>The result a <see cref="ReceiveOperation{T}"/> completes with.</summary>
/// <typeparam name="T">The item type.</typeparam>
internal readonly struct ReceiveOutcome<T>
{
    /// <summary>Creates an outcome.</summary>
    /// <param name="outcome">How the receive ended.</param>
    /// <param name="item">The item when <paramref name="outcome"/> is <see cref="OperationOutcome.Success"/> (and the receive took one).</param>
    public ReceiveOutcome(OperationOutcome outcome, T item)
    {
        Outcome = outcome;
        Item = item;
    }

    /// <summary>How the receive ended.</summary>
    public OperationOutcome Outcome { get; }

    /// <summary>The item received, if any.</summary>
    public T Item { get; }
}

/// <summary>
/// The receiver's asynchronous waiter: registered with the <see cref="ReceiverWaker"/>, it retries on
/// a thread-pool thread when woken. One is cached per channel (the single consumer has at most one
/// waiting receive), so awaiting an empty channel allocates nothing.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class ReceiveOperation<T> : Waiter<ReceiveOutcome<T>>, IValueTaskSource<T>, IWakeable
{
    private readonly BoundedChannelCore<T> _core;
    private Cell<ReceiveKind> _kind;

    /// <summary>Creates a waiter for <paramref name="core"/>.</summary>
    /// <param name="core">The channel.</param>
    public ReceiveOperation(BoundedChannelCore<T> core)
    {
        _core = core;
        ResultSource = new ResultView(this);
        WaitSource = new WaitView(this);
    }

    /// <summary>The waiter as <c>IValueTaskSource&lt;ReceiveResult&lt;T&gt;&gt;</c>.</summary>
    public IValueTaskSource<ReceiveResult<T>> ResultSource { get; }

    /// <summary>The waiter as <c>IValueTaskSource&lt;bool&gt;</c> (WaitToReadAsync).</summary>
    public IValueTaskSource<bool> WaitSource { get; }

    /// <summary>What this use waits for.</summary>
    public ReceiveKind Kind => _kind.Read();

    /// <summary>Starts a use: the caller holds the receive guards and becomes the runner.</summary>
    /// <param name="kind">What to wait for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="timeout">Ends the wait (infinite for none).</param>
    public void Begin(ReceiveKind kind, CancellationToken cancellationToken, TimeSpan timeout)
    {
        _kind.Write(kind);
        BeginUse(cancellationToken, timeout);
    }

    /// <summary>From the receiver waker (any thread, any time, maybe late): re-check.</summary>
    public void Wake()
    {
        if (Signal())
            _core.Dispatch(this); // parked: retry on the thread pool, never on the notifier's thread
    }

    /// <summary>Runner only: completes the use.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="inlineContinuation">Whether the runner is a dispatched work item of its own.</param>
    public void Finish(ReceiveOutcome<T> outcome, bool inlineContinuation) => Complete(outcome, inlineContinuation);

    /// <inheritdoc/>
    public override void Execute() => _core.RunReceiver(this, inlineContinuation: true, checkFirst: true);

    /// <inheritdoc/>
    protected override void OnCancellationRequested()
    {
        // Parked: we take the run and complete it as cancelled here (the run checks the request first
        // and dequeues nothing). Running: the runner's TryPark fails and it sees the request.
        if (Signal())
            _core.RunReceiver(this, inlineContinuation: false);
    }

    /// <inheritdoc/>
    protected override void Recycle() => _core.ReturnReceiveOperation(this);

    /// <inheritdoc/>
    public ValueTaskSourceStatus GetStatus(short token) => StatusOf(token, ReceiveKind.Receive);

    /// <inheritdoc/>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        Core.OnCompleted(continuation, state, token, flags);

    /// <inheritdoc/>
    public T GetResult(short token)
    {
        var outcome = Consume(token, out var cancellationToken);
        return outcome.Outcome switch
        {
            OperationOutcome.Success => outcome.Item,
            OperationOutcome.Closed => throw _core.CreateClosedException(),
            _ => throw new OperationCanceledException(cancellationToken),
        };
    }

    /// <summary>Reads the result, retires the token, recycles the waiter and releases the receive guards.</summary>
    private ReceiveOutcome<T> Consume(short token, out CancellationToken cancellationToken)
    {
        var outcome = Core.GetResult(token);
        cancellationToken = CancellationToken;
        ReleaseRef(); // may recycle the waiter: nothing below touches it
        _core.ExitWaitingReceive();
        return outcome;
    }

    /// <summary>The status the given ValueTask shape reports: must agree with what its GetResult will do.</summary>
    private ValueTaskSourceStatus StatusOf(short token, ReceiveKind shape)
    {
        if (!Core.TryPeekResult(token, out var outcome))
            return ValueTaskSourceStatus.Pending;
        switch (outcome.Outcome)
        {
            case OperationOutcome.Success:
            case OperationOutcome.TimedOut: // only the status shape times out
                return ValueTaskSourceStatus.Succeeded;
            case OperationOutcome.Closed:
                if (shape == ReceiveKind.ReceiveWithStatus)
                    return ValueTaskSourceStatus.Succeeded;
                var error = _core.CompletionError;
                if (error is OperationCanceledException)
                    return ValueTaskSourceStatus.Canceled;
                if (shape == ReceiveKind.Receive)
                    return ValueTaskSourceStatus.Faulted; // ChannelClosedException
                return error is null ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Faulted; // false, or the error
            default:
                return ValueTaskSourceStatus.Canceled;
        }
    }

    /// <summary>The waiter as <c>IValueTaskSource&lt;ReceiveResult&lt;T&gt;&gt;</c>.</summary>
    private sealed class ResultView(ReceiveOperation<T> op) : IValueTaskSource<ReceiveResult<T>>
    {
        public ValueTaskSourceStatus GetStatus(short token) => op.StatusOf(token, ReceiveKind.ReceiveWithStatus);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            op.Core.OnCompleted(continuation, state, token, flags);

        public ReceiveResult<T> GetResult(short token)
        {
            var outcome = op.Consume(token, out var cancellationToken);
            return outcome.Outcome switch
            {
                OperationOutcome.Success => new ReceiveResult<T>(ReceiveStatus.Received, outcome.Item),
                OperationOutcome.Closed => new ReceiveResult<T>(ReceiveStatus.Closed, default!),
                OperationOutcome.TimedOut => new ReceiveResult<T>(ReceiveStatus.TimedOut, default!),
                _ => throw new OperationCanceledException(cancellationToken),
            };
        }
    }

    /// <summary>The waiter as <c>IValueTaskSource&lt;bool&gt;</c> (WaitToReadAsync).</summary>
    private sealed class WaitView(ReceiveOperation<T> op) : IValueTaskSource<bool>
    {
        public ValueTaskSourceStatus GetStatus(short token) => op.StatusOf(token, ReceiveKind.WaitToReceive);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            op.Core.OnCompleted(continuation, state, token, flags);

        public bool GetResult(short token)
        {
            var core = op._core;
            var outcome = op.Consume(token, out var cancellationToken);
            return outcome.Outcome switch
            {
                OperationOutcome.Success => true,
                OperationOutcome.Closed => core.CompletionError is { } error ? Rethrow(error) : false,
                _ => throw new OperationCanceledException(cancellationToken),
            };
        }

        // The completion error itself, as System.Threading.Channels surfaces it from WaitToReadAsync.
        private static bool Rethrow(Exception error)
        {
            ExceptionDispatchInfo.Throw(error);
            return false;
        }
    }
}
