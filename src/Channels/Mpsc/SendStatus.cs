namespace Sluice.Channels.Mpsc;

/// <summary>The outcome of a send that reports its status instead of throwing.</summary>
public enum SendStatus
{
    /// <summary>The item is in the channel; the receiver will get it (it was woken if it was waiting).</summary>
    Sent,

    /// <summary>The channel was full (only <see cref="MpscSender{T}.TrySend"/>): the item was not enqueued.</summary>
    Full,

    /// <summary>The channel is closed: the item was not enqueued, and no later send can succeed.</summary>
    Closed,

    /// <summary>The timeout elapsed while the channel stayed full: the item was not enqueued.</summary>
    TimedOut,
}
