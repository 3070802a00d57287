using System;
using System.Threading;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using Sluice.Verification.Linearizability;

namespace Sluice.Tests.Property.Sequential;

/// <summary>One command of the state machine: a channel operation, maybe with an already cancelled token.</summary>
public sealed class ChannelCommand : Operation<IChannelUnderTest, SequentialModel>
{
    public ChannelCommand(ChannelOp op, bool cancelledToken)
    {
        Op = op;
        CancelledToken = cancelledToken;
    }

    public ChannelOp Op { get; }

    public bool CancelledToken { get; }

    /// <summary>Commands that would wait are never run (nothing could release them); shrinking keeps this.</summary>
    public override bool Pre(SequentialModel model) => CancelledToken || !model.WouldWait(Op);

    public override SequentialModel Run(SequentialModel model) => model.Apply(Op, CancelledToken);

    public override FsCheck.Property Check(IChannelUnderTest actual, SequentialModel model)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(model);
        var task = actual.ExecuteAsync(Op, new CancellationToken(CancelledToken)).AsTask();
        if (!task.Wait(TimeSpan.FromSeconds(10)))
            return Prop.Label(false, $"{this} did not return although the model says it completes");
        var got = task.Result;
        return Prop.Label(got == model.Expected, $"{this}: the model expects {model.Expected} (model after: {model}), the channel returned {got}");
    }

    public override string ToString() => Op + (CancelledToken ? " [token already cancelled]" : "");
}

/// <summary>
/// The FsCheck state machine: a fresh channel of capacity 1–3 and a random command sequence, each command's
/// result compared with the pure model; a failure shrinks to a minimal command sequence.
/// </summary>
public sealed class ChannelMachine : Machine<IChannelUnderTest, SequentialModel>
{
    private readonly Func<int, IChannelUnderTest> _create;

    public ChannelMachine(Func<int, IChannelUnderTest> create)
        : base(40) => _create = create;

    public override Arbitrary<Setup<IChannelUnderTest, SequentialModel>> Setup =>
        Gen.Elements(1, 2, 3).Select(c => new ChannelSetup(_create, c)).Select(s => (Setup<IChannelUnderTest, SequentialModel>)s).ToArbitrary();

    private sealed class ChannelSetup : Setup<IChannelUnderTest, SequentialModel>
    {
        private readonly Func<int, IChannelUnderTest> _create;
        private readonly int _capacity;

        public ChannelSetup(Func<int, IChannelUnderTest> create, int capacity)
        {
            _create = create;
            _capacity = capacity;
        }

        public override IChannelUnderTest Actual() => _create(_capacity);

        public override SequentialModel Model() => SequentialModel.Empty(_capacity);

        public override string ToString() => $"a channel of capacity {_capacity}";
    }

    public override Gen<Operation<IChannelUnderTest, SequentialModel>> Next(SequentialModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var v = model.NextValue;
        var zero = TimeSpan.Zero;
        Gen<Operation<IChannelUnderTest, SequentialModel>> C(ChannelOp op, bool cancelled = false) =>
            Gen.Constant<Operation<IChannelUnderTest, SequentialModel>>(new ChannelCommand(op, cancelled));
        var canSendWaiting = model.Closed || !model.Full;
        var canReceiveWaiting = model.Closed || model.Count > 0;
        return Gen.Frequency(
            (6, C(ChannelOp.TrySend(v))),
            (2, C(ChannelOp.Send(v, zero))),
            (canSendWaiting ? 2 : 0, C(ChannelOp.Send(v))),
            (canSendWaiting ? 2 : 0, C(ChannelOp.SendAsync(v))),
            (2, C(ChannelOp.SendAsync(v, zero))),
            (1, C(ChannelOp.SendAsync(v, null, 1), cancelled: true)),
            (6, C(ChannelOp.TryReceive())),
            (2, C(ChannelOp.Receive(zero))),
            (canReceiveWaiting ? 2 : 0, C(ChannelOp.Receive())),
            (canReceiveWaiting ? 2 : 0, C(ChannelOp.ReceiveAsync())),
            (2, C(ChannelOp.ReceiveAsync(zero))),
            (1, C(ChannelOp.ReceiveAsync(null, 1), cancelled: true)),
            (2, C(ChannelOp.Count())),
            (1, C(ChannelOp.Close())),
            (1, C(ChannelOp.CloseReceiver())));
    }
}
