using System;
using System.Text;

namespace Sluice.Verification.Memory;

/// <summary>
/// A vector clock over logical threads: the happens-before relation of one execution.
/// </summary>
internal sealed class VectorClock
{
    private int[] _clocks;

    public VectorClock(int capacity = 4) => _clocks = new int[Math.Max(capacity, 1)];

    private VectorClock(int[] clocks) => _clocks = clocks;

    public int this[int thread] => thread < _clocks.Length ? _clocks[thread] : 0;

    public void Tick(int thread)
    {
        Ensure(thread);
        _clocks[thread]++;
    }

    public void Join(VectorClock? other)
    {
        if (other is null)
            return;
        if (other._clocks.Length > _clocks.Length)
            Array.Resize(ref _clocks, other._clocks.Length);
        for (var i = 0; i < other._clocks.Length; i++)
        {
            if (other._clocks[i] > _clocks[i])
                _clocks[i] = other._clocks[i];
        }
    }

    public VectorClock Clone() => new((int[])_clocks.Clone());

    /// <summary>Whether an event of <paramref name="thread"/> at <paramref name="epoch"/> happens before this clock.</summary>
    public bool Covers(int thread, int epoch) => epoch <= this[thread];

    private void Ensure(int thread)
    {
        if (thread >= _clocks.Length)
            Array.Resize(ref _clocks, Math.Max(thread + 1, _clocks.Length * 2));
    }

    public override string ToString()
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < _clocks.Length; i++)
        {
            if (i > 0)
                sb.Append(',');
            sb.Append(_clocks[i]);
        }

        return sb.Append(']').ToString();
    }
}
