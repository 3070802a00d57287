namespace Sluice.Channels.Mpsc;

/// <summary>The outcome of a receive that reports its status instead of throwing.</summary>
public enum ReceiveStatus
{
    /// <summary>An item was received (removed from the channel).</summary>
    Received,

    /// <summary>The channel was empty (only <see cref="MpscReceiver{T}.TryReceive"/>): nothing was removed.</summary>
    Empty,

    /// <summary>
    /// The channel is closed and every item sent before the close has been received: no item will ever
    /// arrive. Reported only after the drain, never while an item that was sent successfully remains.
    /// </summary>
    Closed,

    /// <summary>The timeout elapsed while the channel stayed empty: nothing was removed.</summary>
    TimedOut,
}
