using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Sluice.Channels.Internal;
using Sluice.Sync;

namespace Sluice.Channels.Mpsc;

/// <summary>The outcome of <see cref="Ring{T}.TryPush"/>.</summary>
internal enum PushResult
{
    /// <summary>The item is in the ring and published.</summary>
    Pushed,

    /// <summary>No free slot: the item was not stored.</summary>
    Full,

    /// <summary>The ring is closed: the item was not stored, and no later push can succeed.</summary>
    Closed,
}

/// <summary>The outcome of <see cref="Ring{T}.TryPop"/> and <see cref="Ring{T}.TryPeek"/>.</summary>
internal enum PopResult
{
    /// <summary>An item was taken (or, for a peek, is available).</summary>
    Popped,

    /// <summary>No published item at the head (empty, or a claimed push not yet published).</summary>
    Empty,

    /// <summary>The ring is closed and every successful push has been popped.</summary>
    Closed,
}

/// <summary>
/// A bounded multi-producer single-consumer ring of stamped slots (Vyukov's bounded queue specialised
/// for one consumer), with the CLOSED flag packed into the enqueue position so that no claim can
/// succeed after a close. The protocol is docs/design/bounded-mpsc.md §1 and spec/tla/Ring.tla.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para>Positions are <c>lap·2P + index</c> where <c>P</c> is the smallest power of two ≥ capacity; bit
/// <c>P</c> is the CLOSED flag in the enqueue position and an extra index bit in a stamp (so
/// <c>stamp + 1</c> on the last index never carries into the lap, and capacity 1 needs no special case).
/// Indices from capacity to <c>P − 1</c> are skipped, so any capacity ≥ 1 works.</para>
/// <para>Slot state for the lap at position <c>pos</c>: stamp == pos → free for that lap's producer;
/// stamp == pos + 1 → full (published); the consumer frees it with stamp = pos + 2P.</para>
/// <para>Thread-safety: <see cref="TryPush"/>, <see cref="Close"/>, <see cref="IsClosed"/>,
/// <see cref="Count"/>, <see cref="IsDrained"/> and <see cref="ProbeSpace"/> from any thread;
/// <see cref="TryPop"/> and <see cref="TryPeek"/> from the single consumer only (the caller serialises
/// them and hands the consumer role between threads with a release/acquire pair).</para>
/// </remarks>
internal sealed class Ring<T>
{
    private readonly Slot[] _slots;
    private readonly int _capacity;
    private readonly long _closedBit;  // P
    private readonly long _rightMask;  // 2P − 1: index bits plus the flag bit
    private readonly long _lap;        // 2P
    private readonly int _lapShift;    // log2(2P)
    private readonly long _indexMask;  // P − 1

    // The two hot positions, each on its own 128-byte line (see Positions).
    private RingPositions _pos;

    /// <summary>Creates an empty, open ring.</summary>
    /// <param name="capacity">The number of slots, at least 1.</param>
    public Ring(int capacity)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be at least 1.");
        _capacity = capacity;
        var p = (long)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _closedBit = p;
        _lap = 2 * p;
        _rightMask = _lap - 1;
        _lapShift = BitOperations.Log2((ulong)_lap);
        _indexMask = p - 1;
        _slots = new Slot[capacity];
        for (var i = 0; i < capacity; i++)
            _slots[i].Stamp = new AtomicInt64(i); // free for lap 0; no other thread can see the ring yet
        _pos.EnqueuePos = new AtomicInt64(0);
        _pos.DequeuePos = new AtomicInt64(0);
    }

    /// <summary>The number of slots.</summary>
    public int Capacity => _capacity;

    /// <summary>
    /// Tries to append <paramref name="item"/>. Never blocks; retries only when another producer
    /// claimed the position it looked at (lock-free).
    /// </summary>
    /// <param name="item">The item to store.</param>
    /// <returns><see cref="PushResult.Pushed"/>, <see cref="PushResult.Full"/> or <see cref="PushResult.Closed"/>.</returns>
    public PushResult TryPush(T item)
    {
        // Relaxed: the position guards no data; the slot stamp (Acquire, below) does.
        var pos = _pos.EnqueuePos.Load(MemoryOrder.Relaxed);
        while (true)
        {
            if ((pos & _closedBit) != 0)
                return PushResult.Closed;
            ref var slot = ref _slots[(int)(pos & _rightMask)];
            // Acquire: pairs with TryPop's Release stamp store, so the previous lap's value was read out
            // (and cleared) before we overwrite it.
            var stamp = slot.Stamp.Load(MemoryOrder.Acquire);
            var d = stamp - pos;
            if (d == 0)
            {
                // Relaxed: the claim publishes nothing (the stamp store does); comparing the whole word,
                // CLOSED included, is what makes "no claim after close" hold.
                var observed = _pos.EnqueuePos.CompareExchange(pos, Next(pos), MemoryOrder.Relaxed, MemoryOrder.Relaxed);
                if (observed == pos)
                {
                    slot.Value.Write(item);
                    // Release: pairs with TryPop's (and TryPeek's) Acquire stamp load: the value is visible.
                    slot.Stamp.Store(stamp + 1, MemoryOrder.Release);
                    return PushResult.Pushed;
                }

                pos = observed; // may now carry CLOSED: checked at the top
            }
            else if (d < 0)
            {
                return PushResult.Full; // the previous lap is not consumed (or is claimed and not yet published)
            }
            else
            {
                // Another producer claimed (and published) this position. Relaxed is enough to make
                // progress: the stamp we acquired was released after that producer's CAS, so coherence
                // makes this load return a newer position.
                pos = _pos.EnqueuePos.Load(MemoryOrder.Relaxed);
            }
        }
    }

    /// <summary>
    /// Whether a push could find a free slot now, without claiming it (for WaitToWriteAsync).
    /// </summary>
    /// <returns><see cref="PushResult.Pushed"/> meaning "a slot is free", <see cref="PushResult.Full"/> or <see cref="PushResult.Closed"/>.</returns>
    public PushResult ProbeSpace()
    {
        // Relaxed: as in TryPush.
        var pos = _pos.EnqueuePos.Load(MemoryOrder.Relaxed);
        while (true)
        {
            if ((pos & _closedBit) != 0)
                return PushResult.Closed;
            ref var slot = ref _slots[(int)(pos & _rightMask)];
            // Acquire: as in TryPush (it also guarantees the reload below makes progress).
            var d = slot.Stamp.Load(MemoryOrder.Acquire) - pos;
            if (d == 0)
                return PushResult.Pushed;
            if (d < 0)
                return PushResult.Full;
            // Relaxed: as in TryPush.
            pos = _pos.EnqueuePos.Load(MemoryOrder.Relaxed);
        }
    }

    /// <summary>Takes the oldest published item. Single consumer only.</summary>
    /// <param name="item">The item on <see cref="PopResult.Popped"/>; otherwise default.</param>
    /// <returns><see cref="PopResult.Popped"/>, <see cref="PopResult.Empty"/> or <see cref="PopResult.Closed"/> (closed and drained).</returns>
    public PopResult TryPop(out T item)
    {
        // Relaxed: only the consumer writes it; the consumer role is handed over with release/acquire.
        var dq = _pos.DequeuePos.Load(MemoryOrder.Relaxed);
        ref var slot = ref _slots[(int)(dq & _rightMask)];
        // Acquire: pairs with TryPush's Release stamp store: the value is visible.
        var stamp = slot.Stamp.Load(MemoryOrder.Acquire);
        if (stamp == dq + 1)
        {
            // Relaxed: read by Count/IsDrained from other threads as a hint; it orders nothing.
            _pos.DequeuePos.Store(Next(dq), MemoryOrder.Relaxed);
            item = slot.Value.Read();
            slot.Value.Write(default!); // drop the reference for the GC
            // Release: pairs with TryPush's Acquire stamp load: our read (and clear) of the value
            // happens before the next lap's producer overwrites it.
            slot.Stamp.Store(dq + _lap, MemoryOrder.Release);
            return PopResult.Popped;
        }

        item = default!;
        // Relaxed: CLOSED guards no data. The position equals dq|CLOSED only if no claim at or after dq
        // ever succeeded, so every successful push has been popped, whatever value this load returns.
        return _pos.EnqueuePos.Load(MemoryOrder.Relaxed) == (dq | _closedBit) ? PopResult.Closed : PopResult.Empty;
    }

    /// <summary>Reads the oldest published item without taking it. Single consumer only.</summary>
    /// <param name="item">The item on <see cref="PopResult.Popped"/>; otherwise default.</param>
    /// <returns>As <see cref="TryPop"/>, without removing anything.</returns>
    public PopResult TryPeek(out T item)
    {
        // Relaxed: consumer-owned (see TryPop).
        var dq = _pos.DequeuePos.Load(MemoryOrder.Relaxed);
        ref var slot = ref _slots[(int)(dq & _rightMask)];
        // Acquire: pairs with TryPush's Release stamp store: the value is visible. No producer writes
        // this slot again before we pop it (its stamp says full).
        if (slot.Stamp.Load(MemoryOrder.Acquire) == dq + 1)
        {
            item = slot.Value.Read();
            return PopResult.Popped;
        }

        item = default!;
        // Relaxed: as in TryPop.
        return _pos.EnqueuePos.Load(MemoryOrder.Relaxed) == (dq | _closedBit) ? PopResult.Closed : PopResult.Empty;
    }

    /// <summary>Sets CLOSED: every later push fails; pushes that claimed a slot before still complete.</summary>
    /// <returns><see langword="true"/> if this call closed the ring.</returns>
    public bool Close()
    {
        // Relaxed: the flag guards no data; the wake-ups that follow a close (receiver waker, sender
        // list) carry the visibility that waiters need.
        var previous = _pos.EnqueuePos.FetchOr(_closedBit, MemoryOrder.Relaxed);
        return (previous & _closedBit) == 0;
    }

    /// <summary>Whether the ring is closed (a snapshot).</summary>
    public bool IsClosed =>
        // Relaxed: informational.
        (_pos.EnqueuePos.Load(MemoryOrder.Relaxed) & _closedBit) != 0;

    /// <summary>
    /// Whether the ring is closed and every successful push has been popped, judged from any thread.
    /// Exact once the result is true (it stays true); a <see langword="false"/> may be stale.
    /// </summary>
    public bool IsDrained()
    {
        // Relaxed loads: the callers order them with SeqCst fences where a stale answer would matter
        // (BoundedChannelCore: the closer's check versus the consumer's check after a pop).
        var dq = _pos.DequeuePos.Load(MemoryOrder.Relaxed);
        return _pos.EnqueuePos.Load(MemoryOrder.Relaxed) == (dq | _closedBit);
    }

    /// <summary>
    /// The number of claimed slots not yet popped (published or about to be), from any thread. Exact
    /// when nothing runs concurrently; otherwise a value that was true at some point during the call,
    /// clamped to [0, capacity].
    /// </summary>
    public int Count
    {
        get
        {
            // Relaxed loads: a snapshot for information only. Read the consumer's position first: it can
            // only grow, and it never passes the enqueue position, so reading it first keeps the
            // difference non-negative except across a wrap we clamp.
            var dq = _pos.DequeuePos.Load(MemoryOrder.Relaxed);
            var enq = _pos.EnqueuePos.Load(MemoryOrder.Relaxed) & ~_closedBit;
            var n = Logical(enq) - Logical(dq);
            return (int)Math.Clamp(n, 0, _capacity);
        }
    }

    /// <summary>The position after <paramref name="pos"/> (skipping unused indices, advancing the lap).</summary>
    private long Next(long pos)
    {
        var q = pos + 1;
        return (q & _rightMask) < _capacity ? q : (pos & ~_rightMask) + _lap;
    }

    /// <summary>The number of positions before <paramref name="pos"/> (lap · capacity + index).</summary>
    private long Logical(long pos) => (pos >> _lapShift) * _capacity + (pos & _indexMask);

    /// <summary>A slot: its stamp (the slot's state for a lap) and its value (plain, guarded by the stamp).</summary>
    private struct Slot
    {
        public AtomicInt64 Stamp;
        public Cell<T> Value;
    }
}

/// <summary>
/// A ring's producers' enqueue position and consumer's dequeue position, 128 bytes apart and 128 bytes
/// from anything else, so producers and the consumer do not share a cache line (128 covers adjacent-line
/// prefetch on x64 and the 128-byte lines of some ARM64 cores). Not nested in the generic ring: the
/// runtime refuses explicit layout on generic types.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RingPositions
{
    private Padding128 _before;

    /// <summary>Producers' position; carries the CLOSED flag.</summary>
    public AtomicInt64 EnqueuePos;

    private Padding128 _between;

    /// <summary>The consumer's position; written only by the consumer.</summary>
    public AtomicInt64 DequeuePos;

    private Padding128 _after;
}
