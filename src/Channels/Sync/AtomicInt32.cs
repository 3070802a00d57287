using System.Runtime.CompilerServices;
using System.Threading;
#if SLUICE_CHECKED
using Sluice.Verification.Memory;
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// A 32-bit integer accessed only through atomic operations with explicit C11 orderings.
/// </summary>
/// <remarks>
/// <para>Release build: each method inlines to one <see cref="Volatile"/> or <see cref="Interlocked"/> call
/// (the mapping is documented in docs/memory-ordering.md). Checked build, inside an exploration: every
/// call is a scheduling point of the checker and a weak-memory event; outside an exploration it falls
/// through to the real primitive.</para>
/// <para>This is a mutable struct: keep it in a non-readonly field or array element and never copy it.
/// A copy is a different location.</para>
/// </remarks>
public struct AtomicInt32
{
    private int _value;
#if SLUICE_CHECKED
    private ModelLocation? _model;
#endif

    /// <summary>Creates the location holding <paramref name="initial"/>.</summary>
    public AtomicInt32(int initial) => _value = initial;

    /// <summary>Atomically reads the value.</summary>
    /// <param name="order"><see cref="MemoryOrder.Relaxed"/>, <see cref="MemoryOrder.Acquire"/> or <see cref="MemoryOrder.SeqCst"/>.</param>
    /// <param name="file">Filled by the compiler: where the access is (for checker reports).</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Load(MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.AtomicLoad(ref _model, ModelValue.Of(_value), ValueWidth.Int32, order, file, line).AsInt32;
#endif
        // Every ordering compiles to Volatile.Read: it stops the JIT from hoisting or caching the load
        // (a relaxed load in a loop must still re-read), and it is the acquire load of the .NET model.
        return Volatile.Read(ref _value);
    }

    /// <summary>Atomically writes <paramref name="value"/>.</summary>
    /// <param name="value">The value to store.</param>
    /// <param name="order"><see cref="MemoryOrder.Relaxed"/>, <see cref="MemoryOrder.Release"/> or <see cref="MemoryOrder.SeqCst"/>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(int value, MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.AtomicStore(ref _model, ModelValue.Of(_value), ValueWidth.Int32, ModelValue.Of(value), order, file, line);
            return;
        }
#endif
        if (order == MemoryOrder.SeqCst)
            Interlocked.Exchange(ref _value, value); // a SeqCst store must not pass a later SeqCst load: needs the full fence
        else
            Volatile.Write(ref _value, value);
    }

    /// <summary>Atomically replaces the value and returns the previous one.</summary>
    /// <param name="value">The new value.</param>
    /// <param name="order">Any ordering (the release build always uses a full fence).</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Exchange(int value, MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.AtomicRmw(ref _model, ModelValue.Of(_value), ValueWidth.Int32, RmwKind.Exchange, ModelValue.Of(value), default, order, order, weak: false, file, line).AsInt32;
#endif
        return Interlocked.Exchange(ref _value, value);
    }

    /// <summary>
    /// Atomically replaces the value with <paramref name="desired"/> if it equals <paramref name="expected"/>.
    /// Returns the value observed: the exchange happened exactly when it equals <paramref name="expected"/>.
    /// </summary>
    /// <param name="expected">The value the location must hold for the exchange to happen.</param>
    /// <param name="desired">The value written on success.</param>
    /// <param name="success">Ordering of the read-modify-write when it succeeds.</param>
    /// <param name="failure">Ordering of the load when it fails (no stronger than <paramref name="success"/>; not Release/AcqRel).</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CompareExchange(int expected, int desired, MemoryOrder success, MemoryOrder failure, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.AtomicRmw(ref _model, ModelValue.Of(_value), ValueWidth.Int32, RmwKind.CompareExchange, ModelValue.Of(desired), ModelValue.Of(expected), success, failure, weak: false, file, line).AsInt32;
#endif
        return Interlocked.CompareExchange(ref _value, desired, expected);
    }

    /// <summary>
    /// Like <see cref="CompareExchange"/>, but allowed to fail spuriously: it may return <see langword="false"/>
    /// even when the location held <paramref name="expected"/>. Use it only inside a retry loop. On return
    /// <paramref name="expected"/> holds the value observed. The checker explores spurious failures when
    /// <c>CheckerOptions.SpuriousFailures</c> is set; the release build never fails spuriously.
    /// </summary>
    /// <returns><see langword="true"/> when the exchange happened.</returns>
    /// <param name="expected">The value the location must hold for the exchange to happen.</param>
    /// <param name="desired">The value written on success.</param>
    /// <param name="success">Ordering on success.</param>
    /// <param name="failure">Ordering on failure.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CompareExchangeWeak(ref int expected, int desired, MemoryOrder success, MemoryOrder failure, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            var before = expected;
            var observed = ctx.AtomicRmw(ref _model, ModelValue.Of(_value), ValueWidth.Int32, RmwKind.CompareExchange, ModelValue.Of(desired), ModelValue.Of(before), success, failure, weak: true, file, line, out var exchanged).AsInt32;
            expected = observed;
            return exchanged;
        }
#endif
        var previous = Interlocked.CompareExchange(ref _value, desired, expected);
        var ok = previous == expected;
        expected = previous;
        return ok;
    }

    /// <summary>Atomically adds <paramref name="delta"/> (wrapping) and returns the previous value.</summary>
    /// <param name="delta">The amount to add.</param>
    /// <param name="order">Any ordering (the release build always uses a full fence).</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FetchAdd(int delta, MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.AtomicRmw(ref _model, ModelValue.Of(_value), ValueWidth.Int32, RmwKind.Add, ModelValue.Of(delta), default, order, order, weak: false, file, line).AsInt32;
#endif
        return Interlocked.Add(ref _value, delta) - delta;
    }

    /// <summary>Atomically ORs <paramref name="bits"/> into the value and returns the previous value.</summary>
    /// <param name="bits">The bits to set.</param>
    /// <param name="order">Any ordering (the release build always uses a full fence).</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FetchOr(int bits, MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.AtomicRmw(ref _model, ModelValue.Of(_value), ValueWidth.Int32, RmwKind.Or, ModelValue.Of(bits), default, order, order, weak: false, file, line).AsInt32;
#endif
        return Interlocked.Or(ref _value, bits);
    }

    /// <summary>Atomically ANDs <paramref name="bits"/> into the value and returns the previous value.</summary>
    /// <param name="bits">The mask to keep.</param>
    /// <param name="order">Any ordering (the release build always uses a full fence).</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FetchAnd(int bits, MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return ctx.AtomicRmw(ref _model, ModelValue.Of(_value), ValueWidth.Int32, RmwKind.And, ModelValue.Of(bits), default, order, order, weak: false, file, line).AsInt32;
#endif
        return Interlocked.And(ref _value, bits);
    }
}
