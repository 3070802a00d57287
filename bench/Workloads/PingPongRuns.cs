using System;
using System.Threading.Tasks;
using Sluice.Benchmarks.Infrastructure;

namespace Sluice.Benchmarks.Workloads;

/// <summary>
/// Round trips: the pinger sends i on one channel and waits for it on another; the ponger echoes it.
/// Every echo is checked. Two messages per round trip.
/// </summary>
public sealed class PingPongRun<TSend, TReceive, TPipe> : WorkloadRun
    where TSend : struct, ISendEnd
    where TReceive : struct, IReceiveEnd
    where TPipe : IPipe<TSend, TReceive>
{
    private readonly TPipe _ping;
    private readonly TPipe _pong;
    private readonly Task<long> _pinger;

    public PingPongRun(string label, Func<TPipe> newPipe, int roundTrips)
        : base(label, 2L * roundTrips)
    {
        _ping = newPipe();
        _pong = newPipe();
        var pingSender = _ping.NewSender();
        var pongSender = _pong.NewSender();
        _ping.SealSenders();
        _pong.SealSenders();
        _pinger = Track(Pinger(pingSender, _pong.Receiver, roundTrips));
        Track(Ponger(_ping.Receiver, pongSender, roundTrips));
        Arm();
    }

    private async Task<long> Pinger(TSend ping, TReceive pong, int roundTrips)
    {
        var offset = Sizes.InjectChecksumFault ? 1 : 0;
        await Gate.Task.ConfigureAwait(false);
        long i = 0;
        for (; i < roundTrips; i++)
        {
            await ping.SendAsync(i).ConfigureAwait(false);
            var v = await pong.ReceiveAsync().ConfigureAwait(false);
            if (v != i + offset)
                throw new BenchmarkFailedException($"round trip {i} returned {v}");
        }

        ping.Done();
        return i;
    }

    private async Task Ponger(TReceive ping, TSend pong, int roundTrips)
    {
        await Gate.Task.ConfigureAwait(false);
        for (var i = 0; i < roundTrips; i++)
            await pong.SendAsync(await ping.ReceiveAsync().ConfigureAwait(false)).ConfigureAwait(false);
        pong.Done();
    }

    protected override long Verify()
    {
        Check(_pinger.Result * 2 == Messages, $"{_pinger.Result} round trips, expected {Messages / 2}");
        Check(!_ping.Receiver.TryReceive(out _) && !_pong.Receiver.TryReceive(out _), "an extra message");
        return _pinger.Result;
    }
}

/// <summary>Round trips between two dedicated threads with blocking calls.</summary>
public sealed class BlockingPingPongRun : WorkloadRun
{
    private readonly IBlockingPipe _ping;
    private readonly IBlockingPipe _pong;
    private long _roundTrips;

    public BlockingPingPongRun(string label, IBlockingPipe ping, IBlockingPipe pong, int roundTrips)
        : base(label, 2L * roundTrips)
    {
        _ping = ping;
        _pong = pong;
        StartThread(
            () =>
            {
                var offset = Sizes.InjectChecksumFault ? 1 : 0;
                long i = 0;
                for (; i < roundTrips; i++)
                {
                    ping.Send(i);
                    var v = pong.Receive();
                    if (v != i + offset)
                        throw new BenchmarkFailedException($"round trip {i} returned {v}");
                }

                _roundTrips = i;
            },
            "pinger");
        StartThread(
            () =>
            {
                for (var i = 0; i < roundTrips; i++)
                    pong.Send(ping.Receive());
            },
            "ponger");
        Arm();
    }

    protected override long Verify()
    {
        Check(_roundTrips * 2 == Messages, $"{_roundTrips} round trips, expected {Messages / 2}");
        Check(!_ping.HasLeftover() && !_pong.HasLeftover(), "an extra message");
        return _roundTrips;
    }
}
