using Sluice.Sync;

namespace Sluice.Channels.Mpsc;

/// <summary>
/// The receiver's waiter for blocking receives: a wake unparks the receiving thread. One per channel
/// (the single consumer blocks on at most one thread at a time).
/// </summary>
/// <remarks>
/// A late wake (after the receive returned) leaves a permit in the parker; the next blocking receive
/// then wakes once spuriously and re-checks, which is harmless.
/// </remarks>
internal sealed class ThreadWaker : IWakeable
{
    private readonly Parker _parker = new();

    /// <summary>The parker the receiving thread blocks on.</summary>
    public Parker Parker => _parker;

    /// <summary>Unparks the receiving thread (or leaves a permit for its next park).</summary>
    public void Wake() => _parker.Unpark();
}
