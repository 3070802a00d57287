using System;
using System.Globalization;

namespace Sluice.Verification.Linearizability;

/// <summary>The operations of a bounded FIFO channel that scenarios exercise.</summary>
public enum ChannelOpKind
{
    /// <summary>Non-blocking send: Sent, Full or Closed.</summary>
    TrySend,

    /// <summary>Blocking send (a thread waits): Sent or Closed; with a timeout also TimedOut.</summary>
    Send,

    /// <summary>Asynchronous send: Sent or Closed; with a timeout TimedOut; with a token Cancelled.</summary>
    SendAsync,

    /// <summary>Non-blocking receive: a value, Empty or Closed.</summary>
    TryReceive,

    /// <summary>Blocking receive: a value or Closed; with a timeout also TimedOut.</summary>
    Receive,

    /// <summary>Asynchronous receive: a value or Closed; with a timeout TimedOut; with a token Cancelled.</summary>
    ReceiveAsync,

    /// <summary>Close from a sender: whether this call closed the channel.</summary>
    Close,

    /// <summary>Close from the receiver: whether this call closed the channel.</summary>
    CloseReceiver,

    /// <summary>The number of messages the receiver can take.</summary>
    Count,

    /// <summary>Cancels the token of another operation (not a channel operation; not in the checked history).</summary>
    Cancel,
}

/// <summary>One operation of a channel scenario, with its arguments.</summary>
/// <param name="Kind">What to call.</param>
public sealed record ChannelOp(ChannelOpKind Kind)
{
    /// <summary>The payload of a send.</summary>
    public int Value { get; init; }

    /// <summary>For a waiting operation: the timeout (null: wait until it completes, the channel closes or the token is cancelled).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>For an asynchronous operation: the id of the cancellation token it observes (null: none); for <see cref="ChannelOpKind.Cancel"/>: the token it cancels.</summary>
    public int? Token { get; init; }

    /// <summary>Sends of any kind.</summary>
    public bool IsSend => Kind is ChannelOpKind.TrySend or ChannelOpKind.Send or ChannelOpKind.SendAsync;

    /// <summary>Receives of any kind.</summary>
    public bool IsReceive => Kind is ChannelOpKind.TryReceive or ChannelOpKind.Receive or ChannelOpKind.ReceiveAsync;

    /// <summary>Operations that may wait (block a thread or complete asynchronously later).</summary>
    public bool IsWaiting => Kind is ChannelOpKind.Send or ChannelOpKind.SendAsync or ChannelOpKind.Receive or ChannelOpKind.ReceiveAsync;

    /// <summary>Operations that only the consumer of a single-consumer channel may call.</summary>
    public bool IsConsumerOnly => IsReceive || Kind is ChannelOpKind.Count or ChannelOpKind.CloseReceiver;

    /// <summary>Operations that never wait (safe in the sequential init and post parts).</summary>
    public bool NeverWaits => !IsWaiting || Timeout == TimeSpan.Zero;

    /// <summary>A non-blocking send.</summary>
    /// <param name="value">The payload.</param>
    /// <returns>The operation.</returns>
    public static ChannelOp TrySend(int value) => new(ChannelOpKind.TrySend) { Value = value };

    /// <summary>A blocking send.</summary>
    /// <param name="value">The payload.</param>
    /// <param name="timeout">Optional timeout.</param>
    /// <returns>The operation.</returns>
    public static ChannelOp Send(int value, TimeSpan? timeout = null) => new(ChannelOpKind.Send) { Value = value, Timeout = timeout };

    /// <summary>An asynchronous send.</summary>
    /// <param name="value">The payload.</param>
    /// <param name="timeout">Optional timeout.</param>
    /// <param name="token">Optional cancellation token id.</param>
    /// <returns>The operation.</returns>
    public static ChannelOp SendAsync(int value, TimeSpan? timeout = null, int? token = null) => new(ChannelOpKind.SendAsync) { Value = value, Timeout = timeout, Token = token };

    /// <summary>A non-blocking receive.</summary>
    /// <returns>The operation.</returns>
    public static ChannelOp TryReceive() => new(ChannelOpKind.TryReceive);

    /// <summary>A blocking receive.</summary>
    /// <param name="timeout">Optional timeout.</param>
    /// <returns>The operation.</returns>
    public static ChannelOp Receive(TimeSpan? timeout = null) => new(ChannelOpKind.Receive) { Timeout = timeout };

    /// <summary>An asynchronous receive.</summary>
    /// <param name="timeout">Optional timeout.</param>
    /// <param name="token">Optional cancellation token id.</param>
    /// <returns>The operation.</returns>
    public static ChannelOp ReceiveAsync(TimeSpan? timeout = null, int? token = null) => new(ChannelOpKind.ReceiveAsync) { Timeout = timeout, Token = token };

    /// <summary>Close from a sender.</summary>
    /// <returns>The operation.</returns>
    public static ChannelOp Close() => new(ChannelOpKind.Close);

    /// <summary>Close from the receiver.</summary>
    /// <returns>The operation.</returns>
    public static ChannelOp CloseReceiver() => new(ChannelOpKind.CloseReceiver);

    /// <summary>Read the receiver's count.</summary>
    /// <returns>The operation.</returns>
    public static ChannelOp Count() => new(ChannelOpKind.Count);

    /// <summary>Cancel a token.</summary>
    /// <param name="token">The token id.</param>
    /// <returns>The operation.</returns>
    public static ChannelOp Cancel(int token) => new(ChannelOpKind.Cancel) { Token = token };

    /// <inheritdoc />
    public override string ToString()
    {
        var args = Kind switch
        {
            ChannelOpKind.Cancel => "ct" + Token?.ToString(CultureInfo.InvariantCulture),
            _ when IsSend => Value.ToString(CultureInfo.InvariantCulture) + Extras(),
            _ => Extras().TrimStart(',', ' '),
        };
        return $"{Kind}({args})";
    }

    private string Extras()
    {
        var s = "";
        if (Timeout is TimeSpan t)
            s += ", " + (t == TimeSpan.Zero ? "0" : t.TotalMilliseconds.ToString("0.##", CultureInfo.InvariantCulture) + "ms");
        if (Token is int k)
            s += ", ct" + k.ToString(CultureInfo.InvariantCulture);
        return s;
    }
}

/// <summary>What a channel operation returned.</summary>
public enum ChannelOutcome
{
    /// <summary>The message was sent.</summary>
    Sent,

    /// <summary>A non-blocking send found the channel full.</summary>
    Full,

    /// <summary>The channel was closed (a send: the message was not sent; a receive: closed and drained).</summary>
    Closed,

    /// <summary>A waiting operation's timeout elapsed (no effect).</summary>
    TimedOut,

    /// <summary>A waiting operation was cancelled (no effect).</summary>
    Cancelled,

    /// <summary>A receive got <see cref="ChannelResult.Value"/>.</summary>
    Received,

    /// <summary>A non-blocking receive found no message.</summary>
    Empty,

    /// <summary>A close call that closed the channel.</summary>
    ClosedNow,

    /// <summary>A close call on a channel already closed.</summary>
    AlreadyClosed,

    /// <summary>A count of <see cref="ChannelResult.Value"/>.</summary>
    Counted,

    /// <summary>A cancel call returned.</summary>
    Done,

    /// <summary>The call threw an exception the adapter does not map (<see cref="ChannelResult.Error"/>): never linearizable.</summary>
    Threw,
}

/// <summary>The result of a channel operation.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Value">The value received, or the count.</param>
/// <param name="Error">For <see cref="ChannelOutcome.Threw"/>: the exception type and message.</param>
public readonly record struct ChannelResult(ChannelOutcome Outcome, int Value = 0, string? Error = null)
{
    /// <summary>A received value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The result.</returns>
    public static ChannelResult Received(int value) => new(ChannelOutcome.Received, value);

    /// <summary>A result without a value.</summary>
    /// <param name="outcome">The outcome.</param>
    public static implicit operator ChannelResult(ChannelOutcome outcome) => new(outcome);

    /// <summary>A result without a value (named alternative to the implicit conversion).</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The result.</returns>
    public static ChannelResult FromChannelOutcome(ChannelOutcome outcome) => new(outcome);

    /// <summary>An unexpected exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The result.</returns>
    public static ChannelResult FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(ChannelOutcome.Threw, 0, exception.GetType().Name + ": " + exception.Message);
    }

    /// <inheritdoc />
    public override string ToString() => Outcome switch
    {
        ChannelOutcome.Received => Value.ToString(CultureInfo.InvariantCulture),
        ChannelOutcome.Counted => Value.ToString(CultureInfo.InvariantCulture),
        ChannelOutcome.ClosedNow => "true",
        ChannelOutcome.AlreadyClosed => "false",
        ChannelOutcome.Done => "void",
        ChannelOutcome.Threw => "threw " + Error,
        _ => Outcome.ToString(),
    };
}
