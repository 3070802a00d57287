using System.Runtime.CompilerServices;
#if SLUICE_CHECKED
using Sluice.Verification.Memory;
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// Plain (non-atomic) shared data: a ring slot, a payload, a waker slot, a single-owner index.
/// </summary>
/// <typeparam name="T">The stored type.</typeparam>
/// <remarks>
/// <para>Release build: a field read or write, nothing more. Checked build: every access is checked
/// against the happens-before relation (vector clocks); a read or write that is not ordered with a
/// conflicting access of another thread is reported as a data race, with both sites. That is how the
/// checker proves a channel hands the writes of a payload to its receiver.</para>
/// <para>Accesses are not scheduling points: a race-free plain access commutes with everything else,
/// and a racy one is reported in any execution that contains both accesses.</para>
/// <para>A mutable struct: keep it in a non-readonly field or array element and never copy it.</para>
/// </remarks>
public struct Cell<T>
{
    private T _value;
#if SLUICE_CHECKED
    private ModelCell? _model;
#endif

    /// <summary>Creates the cell holding <paramref name="initial"/>.</summary>
    public Cell(T initial) => _value = initial;

    /// <summary>Reads the value (a plain read).</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            _model = ctx.CellAccess(_model, isWrite: false, file, line);
#endif
        return _value;
    }

    /// <summary>Writes the value (a plain write).</summary>
    /// <param name="value">The new value.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(T value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
            _model = ctx.CellAccess(_model, isWrite: true, file, line);
#endif
        _value = value;
    }
}
