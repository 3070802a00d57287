namespace Sluice.Channels.Internal;

/// <summary>How a waiting channel operation ended.</summary>
/// <remarks>The cancellation kinds are non-zero so that a waiter's "cancel requested" word can hold them.</remarks>
internal enum OperationOutcome
{
    /// <summary>Sent, received, or (for the wait-only operations) "the operation can proceed now".</summary>
    Success = 0,

    /// <summary>The channel is closed (for a receive: closed and drained).</summary>
    Closed = 1,

    /// <summary>The caller's <see cref="System.Threading.CancellationToken"/> fired first.</summary>
    Canceled = 2,

    /// <summary>The operation's timeout elapsed first.</summary>
    TimedOut = 3,
}
