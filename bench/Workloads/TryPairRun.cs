using System;
using System.Threading.Tasks;
using Sluice.Benchmarks.Infrastructure;

namespace Sluice.Benchmarks.Workloads;

/// <summary>
/// One thread, no waiting: <c>TrySend(i)</c> then <c>TryReceive</c> (the item must be i), n times: the
/// uncontended cost of the two hot paths (dotnet/performance's TryWriteThenTryRead).
/// </summary>
public sealed class TryPairRun<TSend, TReceive, TPipe> : WorkloadRun
    where TSend : struct, ISendEnd
    where TReceive : struct, IReceiveEnd
    where TPipe : IPipe<TSend, TReceive>
{
    private readonly TPipe _pipe;
    private long _pairs;

    public TryPairRun(string label, Func<TPipe> newPipe, int pairs)
        : base(label, pairs)
    {
        _pipe = newPipe();
        var sender = _pipe.NewSender();
        _pipe.SealSenders();
        var receiver = _pipe.Receiver;
        StartThread(() => _pairs = Loop(sender, receiver, pairs), "try pair");
        Arm();
    }

    private static long Loop(TSend sender, TReceive receiver, int pairs)
    {
        long offset = Sizes.InjectChecksumFault ? 1 : 0;
        for (long i = 0; i < pairs; i++)
        {
            if (!sender.TrySend(i))
                throw new BenchmarkFailedException($"TrySend {i} failed on an empty channel");
            if (!receiver.TryReceive(out var v) || v != i + offset)
                throw new BenchmarkFailedException($"TryReceive after TrySend {i} returned {v}");
        }

        return pairs;
    }

    protected override long Verify()
    {
        Check(_pairs == Messages, $"{_pairs} pairs, expected {Messages}");
        Check(!_pipe.Receiver.TryReceive(out _), "an extra item");
        return _pairs;
    }
}
