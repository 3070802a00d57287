using Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Channels.Mpsc;

/// <summary>
/// The fast subset of the channel scenarios (small bounds, a few seconds in all) that Stryker's second stage
/// runs against each surviving mutant of the checked build (<c>./verify.sh --mutation</c>, mutation/README.md).
/// The same scenarios run at larger bounds in the other classes.
/// </summary>
[Trait("Category", "Mutation")]
public sealed class MutationSuiteTests : CheckerTest
{
    private static readonly CheckerOptions B1 = CheckerOptions.Default with { PreemptionBound = 1, Reduction = Reduction.SleepSets, Name = "mutation" };

    public MutationSuiteTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public void Ring() => ExpectPass(B1, () =>
    {
        RingScenarios.PushPop(2, 2, 1, closeAfter: -1);
    });

    [Fact]
    public void Ring_close() => ExpectPass(B1, () => RingScenarios.PushPop(2, 2, 2, closeAfter: 1));

    [Fact]
    public void Ring_capacity() => ExpectPass(B1, () => RingScenarios.FillWithoutConsumer(2, 2, 3));

    [Fact]
    public void Waker() => ExpectPass(B1 with { PreemptionBound = 2 }, () => WakerScenarios.Sink(2, 3));

    [Fact]
    public void One_item_race() => ExpectPass(B1 with { PreemptionBound = 2 }, ChannelScenarios.OneItemRace);

    [Fact]
    public void Async_close_by_receiver() => ExpectPass(B1, () => ChannelScenarios.AsyncSendersAndReceiver(2, 1, 1, Closer.Receiver));

    [Fact]
    public void Async_close_by_sender() => ExpectPass(B1, () => ChannelScenarios.AsyncSendersAndReceiver(2, 1, 1, Closer.Sender));

    [Fact]
    public void Cancellation_and_timeout() => ExpectPass(B1 with { PreemptionBound = 0 }, () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Cancel, SendMode.Plain, SendMode.Timeout }));

    [Fact]
    public void Blocking() => ExpectPass(B1, () => ChannelScenarios.BlockingSendersAndReceiver(2, 1, 1));

    [Fact]
    public void Receive_timeout_and_cancellation() => ExpectPass(B1 with { PreemptionBound = 0 }, ChannelScenarios.ReceivesWithTimeoutAndCancellation);

    [Fact]
    public void Completion() => ExpectPass(B1, ChannelScenarios.CompletionRacesTheDrain);

    [Fact]
    public void Adapters() => ExpectPass(B1, ChannelScenarios.AdapterWaitLoops);

    [Fact]
    public void Re_registering_receiver_under_weak_memory() =>
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = 1, Name = "mutation/weak" }, ChannelScenarios.ReRegisteringReceiver);
}
