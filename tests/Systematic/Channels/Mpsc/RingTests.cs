using Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Channels.Mpsc;

/// <summary>
/// The ring (src/Channels/Mpsc/Ring.cs, spec/tla/Ring.tla) explored exhaustively: producers × pushes ×
/// capacity (1, 2, 3: non-powers of two included). Checked in every execution: no loss, no duplication,
/// per-producer FIFO, capacity never exceeded, Closed only after every successful push was received.
/// </summary>
public sealed class RingTests : CheckerTest
{
    public RingTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private static CheckerOptions Sc(int bound) => CheckerOptions.Default with { PreemptionBound = bound, Name = "ring" };

    private static CheckerOptions Weak(int bound) => CheckerOptions.WeakMemory with { PreemptionBound = bound, Name = "ring/weak" };

    [Theory]
    [InlineData(2, 2, 1)]
    [InlineData(2, 2, 2)]
    [InlineData(2, 2, 3)]
    [InlineData(2, 3, 1)]
    [InlineData(3, 2, 3)]
    public void Producers_and_a_consumer_lose_nothing_and_keep_per_producer_order(int producers, int pushes, int capacity) =>
        ExpectPass(Sc(Deep.Pick(2, 3)), () => RingScenarios.PushPop(producers, pushes, capacity, closeAfter: -1));

    [Theory]
    [InlineData(2, 2, 1, 1)]
    [InlineData(2, 2, 3, 0)]
    public void Producers_and_a_consumer_under_weak_memory(int producers, int pushes, int capacity, int bound) =>
        ExpectPass(Weak(Deep.Pick(bound, bound + 1)), () => RingScenarios.PushPop(producers, pushes, capacity, closeAfter: -1));

    [Theory]
    [InlineData(2, 2, 1, 0)]
    [InlineData(2, 2, 2, 1)]
    [InlineData(2, 2, 3, 2)]
    [InlineData(3, 2, 3, 1)]
    public void Closed_is_reported_only_after_every_successful_push_was_received(int producers, int pushes, int capacity, int closeAfter) =>
        ExpectPass(Sc(Deep.Pick(2, 3)), () => RingScenarios.PushPop(producers, pushes, capacity, closeAfter));

    [Theory]
    [InlineData(2, 2, 1, 1)]
    public void Close_under_weak_memory(int producers, int pushes, int capacity, int closeAfter) =>
        ExpectPass(Weak(Deep.Pick(1, 2)), () => RingScenarios.PushPop(producers, pushes, capacity, closeAfter));

    [Theory]
    [InlineData(2, 2, 1)]
    [InlineData(2, 2, 3)]
    [InlineData(3, 2, 2)]
    [InlineData(3, 3, 3)]
    public void Capacity_is_never_exceeded(int producers, int pushes, int capacity) =>
        ExpectPass(Sc(Deep.Pick(2, 3)), () => RingScenarios.FillWithoutConsumer(producers, pushes, capacity));
}
