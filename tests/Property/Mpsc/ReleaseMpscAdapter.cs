extern alias release;

using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Verification.Linearizability;
using Api = release::Sluice.Channels.Mpsc;

namespace Sluice.Tests.Property.Mpsc;

/// <summary>
/// The scenario vocabulary mapped onto the bounded MPSC channel's public API — the release build (Sluice.Channels), for stress mode.
/// (The release and checked adapters are the same code over two assemblies that define the same types.)
/// </summary>
internal sealed class ReleaseMpscAdapter : IChannelUnderTest
{
    private readonly Api.MpscSender<int> _sender;
    private readonly Api.MpscReceiver<int> _receiver;

    public ReleaseMpscAdapter(int capacity)
    {
        var channel = Api.MpscChannel.CreateBounded<int>(capacity);
        _sender = channel.Sender;
        _receiver = channel.Receiver;
    }

    public async ValueTask<ChannelResult> ExecuteAsync(ChannelOp operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            switch (operation.Kind)
            {
                case ChannelOpKind.TrySend:
                    return Map(_sender.TrySend(operation.Value));
                case ChannelOpKind.Send when operation.Timeout is TimeSpan timeout:
                    return Map(_sender.Send(operation.Value, timeout));
                case ChannelOpKind.Send:
                    _sender.Send(operation.Value);
                    return ChannelOutcome.Sent;
                case ChannelOpKind.SendAsync when operation.Timeout is TimeSpan timeout:
                    return Map(await _sender.SendAsync(operation.Value, timeout, cancellationToken));
                case ChannelOpKind.SendAsync:
                    await _sender.SendAsync(operation.Value, cancellationToken);
                    return ChannelOutcome.Sent;
                case ChannelOpKind.TryReceive:
                    return Map(_receiver.TryReceive(out var item), item);
                case ChannelOpKind.Receive when operation.Timeout is TimeSpan timeout:
                    return Map(_receiver.Receive(out var timed, timeout), timed);
                case ChannelOpKind.Receive:
                    return ChannelResult.Received(_receiver.Receive());
                case ChannelOpKind.ReceiveAsync when operation.Timeout is TimeSpan timeout:
                    var result = await _receiver.ReceiveAsync(timeout, cancellationToken);
                    return Map(result.Status, result.Item);
                case ChannelOpKind.ReceiveAsync:
                    return ChannelResult.Received(await _receiver.ReceiveAsync(cancellationToken));
                case ChannelOpKind.Close:
                    return _sender.Close() ? ChannelOutcome.ClosedNow : ChannelOutcome.AlreadyClosed;
                case ChannelOpKind.CloseReceiver:
                    return _receiver.Close() ? ChannelOutcome.ClosedNow : ChannelOutcome.AlreadyClosed;
                case ChannelOpKind.Count:
                    return new ChannelResult(ChannelOutcome.Counted, _receiver.Count);
                default:
                    throw new NotSupportedException(operation.Kind.ToString());
            }
        }
        catch (ChannelClosedException)
        {
            return ChannelOutcome.Closed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ChannelOutcome.Cancelled;
        }
    }

    private static ChannelResult Map(Api.SendStatus status) => status switch
    {
        Api.SendStatus.Sent => ChannelOutcome.Sent,
        Api.SendStatus.Full => ChannelOutcome.Full,
        Api.SendStatus.Closed => ChannelOutcome.Closed,
        Api.SendStatus.TimedOut => ChannelOutcome.TimedOut,
        _ => throw new InvalidOperationException("Unknown SendStatus " + status),
    };

    private static ChannelResult Map(Api.ReceiveStatus status, int item) => status switch
    {
        Api.ReceiveStatus.Received => ChannelResult.Received(item),
        Api.ReceiveStatus.Empty => ChannelOutcome.Empty,
        Api.ReceiveStatus.Closed => ChannelOutcome.Closed,
        Api.ReceiveStatus.TimedOut => ChannelOutcome.TimedOut,
        _ => throw new InvalidOperationException("Unknown ReceiveStatus " + status),
    };
}
