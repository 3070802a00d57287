using System;

namespace Sluice.Verification.Runtime;

/// <summary>
/// Thrown inside model threads to unwind them when an execution ends early (a failure was found, or
/// the execution was pruned as redundant). User code must not catch it; if it does and keeps calling
/// the shim, the next shim call throws it again.
/// </summary>
public sealed class ExecutionAbortedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExecutionAbortedException()
        : base("The checker ended this execution; this exception unwinds its threads and must not be caught.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ExecutionAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExecutionAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
