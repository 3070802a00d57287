using System.Runtime.CompilerServices;
using System.Threading;
#if SLUICE_CHECKED
using Sluice.Verification.Memory;
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// An object reference accessed only through atomic operations with explicit C11 orderings.
/// </summary>
/// <typeparam name="T">The referenced type.</typeparam>
/// <remarks>
/// Release build: inlines to <see cref="Volatile"/> / <see cref="Interlocked"/>. Checked build: a
/// scheduling point and weak-memory event inside an exploration. A mutable struct: never copy it.
/// </remarks>
public struct AtomicRef<T> where T : class
{
    private T? _value;
#if SLUICE_CHECKED
    private ModelLocation? _model;
#endif

    /// <summary>Creates the location holding <paramref name="initial"/>.</summary>
    public AtomicRef(T? initial) => _value = initial;

    /// <summary>Atomically reads the reference.</summary>
    /// <param name="order"><see cref="MemoryOrder.Relaxed"/>, <see cref="MemoryOrder.Acquire"/> or <see cref="MemoryOrder.SeqCst"/>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T? Load(MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return (T?)ctx.AtomicLoad(ref _model, ModelValue.Of(_value), ValueWidth.Reference, order, file, line).Ref;
#endif
        return Volatile.Read(ref _value);
    }

    /// <summary>Atomically writes <paramref name="value"/>.</summary>
    /// <param name="value">The reference to store.</param>
    /// <param name="order"><see cref="MemoryOrder.Relaxed"/>, <see cref="MemoryOrder.Release"/> or <see cref="MemoryOrder.SeqCst"/>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(T? value, MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.AtomicStore(ref _model, ModelValue.Of(_value), ValueWidth.Reference, ModelValue.Of(value), order, file, line);
            return;
        }
#endif
        if (order == MemoryOrder.SeqCst)
            Interlocked.Exchange(ref _value, value); // a SeqCst store must not pass a later SeqCst load: needs the full fence
        else
            Volatile.Write(ref _value, value);
    }

    /// <summary>Atomically replaces the reference and returns the previous one.</summary>
    /// <param name="value">The new reference.</param>
    /// <param name="order">Any ordering (the release build always uses a full fence).</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T? Exchange(T? value, MemoryOrder order, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return (T?)ctx.AtomicRmw(ref _model, ModelValue.Of(_value), ValueWidth.Reference, RmwKind.Exchange, ModelValue.Of(value), default, order, order, weak: false, file, line).Ref;
#endif
        return Interlocked.Exchange(ref _value, value);
    }

    /// <summary>
    /// Atomically replaces the reference with <paramref name="desired"/> if it is <paramref name="expected"/>
    /// (reference equality). Returns the reference observed: the exchange happened exactly when it is
    /// <paramref name="expected"/>.
    /// </summary>
    /// <param name="expected">The reference the location must hold.</param>
    /// <param name="desired">The reference written on success.</param>
    /// <param name="success">Ordering on success.</param>
    /// <param name="failure">Ordering of the load on failure.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T? CompareExchange(T? expected, T? desired, MemoryOrder success, MemoryOrder failure, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            return (T?)ctx.AtomicRmw(ref _model, ModelValue.Of(_value), ValueWidth.Reference, RmwKind.CompareExchange, ModelValue.Of(desired), ModelValue.Of(expected), success, failure, weak: false, file, line).Ref;
#endif
        return Interlocked.CompareExchange(ref _value, desired, expected);
    }
}
