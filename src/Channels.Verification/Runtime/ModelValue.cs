using System;
using System.Globalization;

namespace Sluice.Verification.Runtime;

/// <summary>The width of an atomic location's value (how arithmetic wraps and how values print).</summary>
internal enum ValueWidth
{
    Int32,
    Int64,
    Reference,
}

/// <summary>The read-modify-write operations the shim exposes.</summary>
internal enum RmwKind
{
    Exchange,
    CompareExchange,
    Add,
    Or,
    And,
}

/// <summary>A value held by a model location: integer bits or an object reference.</summary>
internal readonly struct ModelValue : IEquatable<ModelValue>
{
    public readonly long Bits;
    public readonly object? Ref;

    private ModelValue(long bits, object? reference)
    {
        Bits = bits;
        Ref = reference;
    }

    public static ModelValue Of(long value) => new(value, null);

    public static ModelValue Of(int value) => new(value, null);

    public static ModelValue Of(object? reference) => new(0, reference);

    public int AsInt32 => unchecked((int)Bits);

    public bool Equals(ModelValue other) => Bits == other.Bits && ReferenceEquals(Ref, other.Ref);

    public override bool Equals(object? obj) => obj is ModelValue other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Bits, Ref is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Ref));

    /// <summary>Applies an arithmetic RMW, wrapping at the location's width.</summary>
    public static ModelValue Apply(RmwKind kind, ValueWidth width, ModelValue current, ModelValue operand)
    {
        if (kind is RmwKind.Exchange or RmwKind.CompareExchange)
            return operand;
        long result = kind switch
        {
            RmwKind.Add => unchecked(current.Bits + operand.Bits),
            RmwKind.Or => current.Bits | operand.Bits,
            RmwKind.And => current.Bits & operand.Bits,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return width == ValueWidth.Int32 ? Of(unchecked((int)result)) : Of(result);
    }

    public string Format(ValueWidth width, Execution execution) => width switch
    {
        ValueWidth.Reference => Ref is null ? "null" : execution.DescribeObject(Ref),
        ValueWidth.Int32 => AsInt32.ToString(CultureInfo.InvariantCulture),
        _ => Bits.ToString(CultureInfo.InvariantCulture),
    };
}
