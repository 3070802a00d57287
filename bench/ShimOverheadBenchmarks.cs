using System.Threading;
using BenchmarkDotNet.Attributes;
using Sluice.Sync;

namespace Sluice.Benchmarks;

/// <summary>
/// Each shim operation against the hand-written Volatile/Interlocked call it must compile to, in the
/// same run. Expected ratio ≈ 1.00 (docs/memory-ordering.md; docs/evidence/shim-disasm-x64.txt shows the
/// identical codegen). Each benchmark does 1,000 operations so the loop overhead is shared equally.
/// </summary>
[MemoryDiagnoser]
public class ShimOverheadBenchmarks
{
    private const int N = 1_000;
    private AtomicInt64 _shim;
    private long _raw;

    [Benchmark(OperationsPerInvoke = N, Baseline = true, Description = "raw Volatile.Read")]
    public long RawLoad()
    {
        long s = 0;
        for (var i = 0; i < N; i++)
            s += Volatile.Read(ref _raw);
        return s;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "shim Load(Acquire)")]
    public long ShimLoad()
    {
        long s = 0;
        for (var i = 0; i < N; i++)
            s += _shim.Load(MemoryOrder.Acquire);
        return s;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "raw Volatile.Write")]
    public void RawStore()
    {
        for (var i = 0; i < N; i++)
            Volatile.Write(ref _raw, i);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "shim Store(Release)")]
    public void ShimStore()
    {
        for (var i = 0; i < N; i++)
            _shim.Store(i, MemoryOrder.Release);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "raw Interlocked.CompareExchange")]
    public long RawCas()
    {
        long s = 0;
        for (var i = 0; i < N; i++)
            s += Interlocked.CompareExchange(ref _raw, i + 1, i);
        return s;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "shim CompareExchange(AcqRel)")]
    public long ShimCas()
    {
        long s = 0;
        for (var i = 0; i < N; i++)
            s += _shim.CompareExchange(i, i + 1, MemoryOrder.AcqRel, MemoryOrder.Acquire);
        return s;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "raw Interlocked.Add")]
    public long RawAdd()
    {
        long s = 0;
        for (var i = 0; i < N; i++)
            s += Interlocked.Add(ref _raw, 1);
        return s;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "shim FetchAdd(Relaxed)")]
    public long ShimAdd()
    {
        long s = 0;
        for (var i = 0; i < N; i++)
            s += _shim.FetchAdd(1, MemoryOrder.Relaxed);
        return s;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "raw Interlocked.MemoryBarrier")]
    public void RawFence()
    {
        for (var i = 0; i < N; i++)
            Interlocked.MemoryBarrier();
    }

    [Benchmark(OperationsPerInvoke = N, Description = "shim Fence(SeqCst)")]
    public void ShimFence()
    {
        for (var i = 0; i < N; i++)
            Atomic.Fence(MemoryOrder.SeqCst);
    }
}
