namespace Sluice.Channels.Mpsc;

/// <summary>
/// Something a notifier can wake: the receiver's pooled async waiter or its blocking-thread waiter.
/// </summary>
/// <remarks>
/// <see cref="Wake"/> must be cheap, must never block or run user code inline, and must tolerate being
/// called at any time: more than once, late (after the waiter stopped waiting), or while the waiter is
/// running. A spurious wake costs the waiter one retry, never correctness.
/// </remarks>
internal interface IWakeable
{
    /// <summary>Makes the waiter re-check its condition (now or when it next parks).</summary>
    void Wake();
}
