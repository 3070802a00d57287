using Sluice.Verification.Linearizability;

namespace Sluice.Tests.Property.Mpsc;

/// <summary>The bounded MPSC channel as a subject of the suite, in both builds.</summary>
internal static class MpscSubjects
{
    /// <summary>
    /// The specification the channel documents (docs/design/bounded-mpsc.md §1): strict FIFO, except that
    /// a receive may find the channel empty while the oldest message's send is still in progress (its slot
    /// is claimed but not yet published; the Vyukov ring cannot see past it).
    /// </summary>
    public static ChannelSpecificationOptions Specification { get; } = new() { EmptyWhileOldestSendInFlight = true };

    public static ChannelSubject Release { get; } = new("bounded MPSC (release build)", c => new ReleaseMpscAdapter(c)) { Specification = Specification };

    public static ChannelSubject Checked { get; } = new("bounded MPSC (checked build)", c => new CheckedMpscAdapter(c)) { Specification = Specification };

    public static ChannelSubject CheckedStrict { get; } = new("bounded MPSC (checked build) against strict FIFO", c => new CheckedMpscAdapter(c));
}
