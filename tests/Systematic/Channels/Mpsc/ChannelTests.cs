using Sluice.Tests.Systematic.Channels.Mpsc.Scenarios;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.Channels.Mpsc;

/// <summary>
/// The whole bounded MPSC channel under the checker, through its public API, with async sends and
/// receives (continuations are logical threads), timeouts fired by the checker at every point,
/// cancellation at every point, close from either side at every point, and the blocking API.
/// </summary>
public sealed class ChannelTests : CheckerTest
{
    public ChannelTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private static CheckerOptions Sc(int bound) => CheckerOptions.Default with { PreemptionBound = bound, Reduction = Reduction.SleepSets, Name = "channel" };

    [Fact]
    public void A_send_racing_the_receivers_first_registration_is_never_lost() =>
        ExpectPass(Sc(Deep.Pick(3, 4)), ChannelScenarios.OneItemRace);

    [Fact]
    public void The_adapters_wait_loops_deliver_everything()
    {
        ExpectPass(Sc(Deep.Pick(2, 3)), ChannelScenarios.AdapterWaitLoops);
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = Deep.Pick(0, 1), Reduction = Reduction.SleepSets, Name = "channel/weak" }, ChannelScenarios.AdapterWaitLoops);
    }

    [Fact]
    public void Receives_from_two_threads_in_turn_are_ordered_by_the_single_consumer_guard()
    {
        ExpectPass(Sc(Deep.Pick(1, 2)), ChannelScenarios.ReceivesFromTwoThreadsInTurn);
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = Deep.Pick(0, 1), Reduction = Reduction.SleepSets, Name = "channel/weak" }, ChannelScenarios.ReceivesFromTwoThreadsInTurn);
    }

    [Fact]
    public void Timed_out_and_cancelled_receives_dequeue_nothing_and_the_waiter_is_reused_safely()
    {
        ExpectPass(Sc(Deep.Pick(1, 2)), ChannelScenarios.ReceivesWithTimeoutAndCancellation);
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = Deep.Pick(0, 1), Reduction = Reduction.SleepSets, Name = "channel/weak" }, ChannelScenarios.ReceivesWithTimeoutAndCancellation);
    }

    [Fact]
    public void The_completion_task_completes_whoever_wins_the_race_with_the_drain()
    {
        ExpectPass(Sc(Deep.Pick(2, 3)), ChannelScenarios.CompletionRacesTheDrain);
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = Deep.Pick(1, 2), Name = "channel/weak" }, ChannelScenarios.CompletionRacesTheDrain);
    }

    [Fact]
    public void A_receiver_waiting_again_is_woken_under_weak_memory() =>
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = Deep.Pick(1, 2), Name = "channel/weak" }, ChannelScenarios.ReRegisteringReceiver);

    [Fact]
    public void Async_send_and_receive_under_weak_memory() =>
        ExpectPass(CheckerOptions.WeakMemory with { PreemptionBound = Deep.Pick(0, 1), Reduction = Reduction.SleepSets, Name = "channel/weak" },
            () => ChannelScenarios.AsyncSendersAndReceiver(2, 1, 1, Closer.LastSenderHandle));

    [Theory]
    [InlineData(1, 2, 1, Closer.LastSenderHandle, 2)]
    [InlineData(2, 1, 1, Closer.LastSenderHandle, 2)]
    [InlineData(2, 2, 1, Closer.LastSenderHandle, 1)]
    [InlineData(2, 1, 1, Closer.Sender, 2)]
    [InlineData(2, 1, 1, Closer.Receiver, 2)]
    public void Async_senders_and_receiver_deliver_everything_exactly_once(int senders, int perSender, int capacity, Closer closer, int bound) =>
        ExpectPass(Sc(Deep.Pick(bound, bound + 1)), () => ChannelScenarios.AsyncSendersAndReceiver(senders, perSender, capacity, closer));

    [Theory]
    [InlineData(SendMode.Plain, SendMode.Timeout)]
    [InlineData(SendMode.Plain, SendMode.Cancel)]
    [InlineData(SendMode.Timeout, SendMode.Cancel)]
    public void Waiting_senders_with_timeouts_and_cancellation_lose_nothing_and_never_hang(SendMode a, SendMode b) =>
        ExpectPass(Sc(Deep.Pick(1, 2)), () => ChannelScenarios.SendersWithCancellation(1, new[] { a, b }));

    [Fact]
    public void Three_senders_on_capacity_one_with_a_timeout_and_a_cancellation() =>
        ExpectPass(Sc(Deep.Pick(1, 2)), () => ChannelScenarios.SendersWithCancellation(1, new[] { SendMode.Plain, SendMode.Timeout, SendMode.Cancel }));

    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(2, 1, 1)]
    public void Blocking_senders_and_receiver_deliver_everything(int senders, int perSender, int capacity) =>
        ExpectPass(Sc(Deep.Pick(2, 3)), () => ChannelScenarios.BlockingSendersAndReceiver(senders, perSender, capacity));
}
