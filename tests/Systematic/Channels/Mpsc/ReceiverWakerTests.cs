using Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Channels.Mpsc;

/// <summary>
/// The receiver waker (src/Channels/Mpsc/ReceiverWaker.cs, spec/tla/Waker.tla): one sink, two
/// notifiers, the sink's waiter changing between waits (so both slots and the UPDATE path are used).
/// The predicate is a relaxed token counter (the weakest one, as in diatomic-waker's Loom tests). A
/// lost wake-up leaves the sink parked forever, which the checker reports as a deadlock; a notifier
/// reading a slot the sink is writing is reported as a data race on the slot's cell.
/// </summary>
public sealed class ReceiverWakerTests : CheckerTest
{
    public ReceiverWakerTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    public void No_wake_up_is_lost(int notifiers, int waiters) =>
        ExpectPass(CheckerOptions.Default with { PreemptionBound = Deep.Pick(3, 4), Name = "waker" }, () => WakerScenarios.Sink(notifiers, waiters));

    [Theory]
    [InlineData(2, 2, 1)]
    [InlineData(2, 3, 0)]
    public void No_wake_up_is_lost_under_weak_memory(int notifiers, int waiters, int bound) =>
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = Deep.Pick(bound, bound + 1), Name = "waker/weak" }, () => WakerScenarios.Sink(notifiers, waiters));
}
