namespace Sluice.Sync;

/// <summary>
/// The C11 memory orderings the shim's atomic operations accept. Each operation states the ordering
/// it needs; the release build maps it to a .NET primitive that is never weaker
/// (see docs/memory-ordering.md), and the checked build models it exactly (RC11-style).
/// </summary>
/// <remarks>
/// Valid combinations follow C11: loads take <see cref="Relaxed"/>, <see cref="Acquire"/> or
/// <see cref="SeqCst"/>; stores take <see cref="Relaxed"/>, <see cref="Release"/> or <see cref="SeqCst"/>;
/// read-modify-writes and fences take any ordering (a <see cref="Relaxed"/> fence is a no-op).
/// The checked build throws <see cref="System.ArgumentException"/> for an invalid combination.
/// </remarks>
public enum MemoryOrder
{
    /// <summary>Atomicity and per-location coherence only; no synchronisation.</summary>
    Relaxed = 0,

    /// <summary>A load (or the read half of an RMW) that synchronises with the release it reads from.</summary>
    Acquire = 1,

    /// <summary>A store (or the write half of an RMW) that publishes every earlier write of its thread.</summary>
    Release = 2,

    /// <summary>Both <see cref="Acquire"/> and <see cref="Release"/> (RMWs and fences).</summary>
    AcqRel = 3,

    /// <summary><see cref="AcqRel"/> plus a single total order over all sequentially consistent operations and fences.</summary>
    SeqCst = 4,
}
