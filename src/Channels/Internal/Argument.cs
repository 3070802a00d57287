using System;
using System.Threading;

namespace Sluice.Channels.Internal;

/// <summary>Argument checks shared by the public API.</summary>
internal static class Argument
{
    /// <summary>Throws unless <paramref name="timeout"/> is infinite or between zero and int.MaxValue milliseconds.</summary>
    /// <param name="timeout">The timeout.</param>
    /// <param name="name">The parameter's name.</param>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (other than infinite) or too large.</exception>
    public static void ValidateTimeout(TimeSpan timeout, string name = "timeout")
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return;
        if (timeout < TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(name, timeout,
                "The timeout must be Timeout.InfiniteTimeSpan, or between TimeSpan.Zero and int.MaxValue milliseconds (about 24.8 days).");
    }

    /// <summary>Throws unless <paramref name="capacity"/> is at least 1.</summary>
    /// <param name="capacity">The capacity.</param>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is less than 1.</exception>
    public static void ValidateCapacity(int capacity)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                "The capacity of a bounded channel must be at least 1 (this channel has no rendezvous mode).");
    }
}
