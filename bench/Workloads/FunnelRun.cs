using System;
using System.Threading.Tasks;
using Sluice.Benchmarks.Infrastructure;

namespace Sluice.Benchmarks.Workloads;

/// <summary>
/// <paramref name="rigs"/> independent channels, each with <c>senders</c> producers sending
/// <c>perSender</c> messages and one consumer (tachyonix's funnel; with one rig and many senders, the
/// fan-in sweep). Each message is <c>senderId &lt;&lt; 32 | sequence</c>: the consumer checks every
/// sender's sequence (a loss, a duplicate or a per-sender reordering fails at once), the sums are
/// compared with the expected total, and no channel may hold anything afterwards.
/// </summary>
public sealed class FunnelRun<TSend, TReceive, TPipe> : WorkloadRun
    where TSend : struct, ISendEnd
    where TReceive : struct, IReceiveEnd
    where TPipe : IPipe<TSend, TReceive>
{
    private readonly TPipe[] _pipes;
    private readonly Task<long>[] _consumers;
    private readonly int _senders;
    private readonly int _perSender;

    public FunnelRun(string label, Func<TPipe> newPipe, int rigs, int senders, int perSender)
        : base(label, (long)rigs * senders * perSender)
    {
        _senders = senders;
        _perSender = perSender;
        _pipes = new TPipe[rigs];
        _consumers = new Task<long>[rigs];
        for (var r = 0; r < rigs; r++)
        {
            var pipe = _pipes[r] = newPipe();
            var ends = new TSend[senders];
            for (var s = 0; s < senders; s++)
                ends[s] = pipe.NewSender();
            pipe.SealSenders();
            for (var s = 0; s < senders; s++)
                Track(Producer(ends[s], s, s == 0 && Sizes.InjectDrop ? perSender - 1 : perSender));
            _consumers[r] = Track(Consumer(pipe.Receiver, senders, perSender));
        }

        Arm();
    }

    private async Task Producer(TSend end, int id, int count)
    {
        var tag = (long)id << 32;
        await Gate.Task.ConfigureAwait(false);
        for (var i = 0; i < count; i++)
            await end.SendAsync(tag | (uint)i).ConfigureAwait(false);
        end.Done();
    }

    private async Task<long> Consumer(TReceive end, int senders, int perSender)
    {
        var next = new int[senders];
        if (Sizes.InjectChecksumFault)
            next[0] = 1;
        long sum = 0;
        var total = senders * perSender;
        await Gate.Task.ConfigureAwait(false);
        for (var n = 0; n < total; n++)
        {
            var v = await end.ReceiveAsync().ConfigureAwait(false);
            var s = (int)(v >> 32);
            var q = (int)v;
            if ((uint)s >= (uint)senders || next[s] != q)
                throw new BenchmarkFailedException($"message {n}: sender {s} sequence {q}, expected {((uint)s < (uint)senders ? next[s] : -1)}");
            next[s] = q + 1;
            sum += v;
        }

        return sum;
    }

    protected override long Verify()
    {
        // Σ over senders s and sequences q of (s << 32 | q).
        var perRig = 0L;
        for (var s = 0L; s < _senders; s++)
            perRig += (s << 32) * _perSender + (long)_perSender * (_perSender - 1) / 2;
        long checksum = 0;
        for (var r = 0; r < _pipes.Length; r++)
        {
            var sum = _consumers[r].Result;
            Check(sum == perRig, $"rig {r}: checksum {sum}, expected {perRig}");
            Check(!_pipes[r].Receiver.TryReceive(out var extra), $"rig {r}: an extra message {extra} after the last expected one");
            checksum += sum;
        }

        return checksum;
    }
}
