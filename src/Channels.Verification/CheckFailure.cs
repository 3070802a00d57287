using System;

namespace Sluice.Verification;

/// <summary>What went wrong in a failing execution.</summary>
public enum FailureKind
{
    /// <summary>A model thread threw (an assertion failed, or any other exception).</summary>
    Exception,

    /// <summary>Two accesses to a <c>Cell&lt;T&gt;</c>, at least one a write, not ordered by happens-before.</summary>
    DataRace,

    /// <summary>Every live thread is blocked (park, lock, join) and no timer can fire.</summary>
    Deadlock,

    /// <summary>An awaited task never completed: its continuation was never scheduled (a lost wake-up).</summary>
    TaskNeverCompleted,

    /// <summary>Every live thread spins (spin hint) and nothing they could observe changes any more.</summary>
    Livelock,

    /// <summary>The execution exceeded <see cref="CheckerOptions.MaxSteps"/> (a spin loop without a spin hint, or unbounded work).</summary>
    StepBoundExceeded,

    /// <summary>Replaying a schedule took a different path: the code under test has nondeterminism the checker does not control.</summary>
    Nondeterminism,

    /// <summary>An execution did not return to the checker within <see cref="CheckerOptions.ExecutionTimeout"/>.</summary>
    Hung,

    /// <summary>The code misused the shim (an invalid memory ordering, a timer armed twice, an uncontrolled thread).</summary>
    Misuse,
}

/// <summary>A failing execution: what failed, the interleaving that led there, and how to replay it.</summary>
public sealed class CheckFailure
{
    internal CheckFailure(FailureKind kind, string message, Exception? exception = null)
    {
        Kind = kind;
        Message = message;
        Exception = exception;
    }

    /// <summary>The kind of failure.</summary>
    public FailureKind Kind { get; }

    /// <summary>One paragraph saying what failed.</summary>
    public string Message { get; }

    /// <summary>The exception a model thread threw, if that is the failure.</summary>
    public Exception? Exception { get; }

    /// <summary>The schedule to pass to <see cref="Checker.Replay(string, CheckerOptions, Action)"/> to reproduce the failure.</summary>
    public string Schedule { get; internal set; } = "";

    /// <summary>The full readable report: message, per-thread interleaving table, schedule.</summary>
    public string Report { get; internal set; } = "";

    /// <summary>Preemptions in the failing schedule.</summary>
    public int Preemptions { get; internal set; }

    /// <summary>Loads in the failing schedule that read a store older than the newest one.</summary>
    public int StaleReads { get; internal set; }

    /// <summary>Which execution (1-based) failed.</summary>
    public long ExecutionNumber { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => Report.Length > 0 ? Report : Kind + ": " + Message;
}

/// <summary>Thrown by <see cref="Checker.Explore(CheckerOptions, Action)"/> when an execution fails; its message is the full report.</summary>
public sealed class CheckFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="failure"/>.</summary>
    /// <param name="failure">The failure.</param>
    public CheckFailedException(CheckFailure failure)
        : base(failure?.Report ?? throw new ArgumentNullException(nameof(failure)), failure.Exception)
    {
        Failure = failure;
    }

    /// <summary>Not supported: a check failure always carries its <see cref="CheckFailure"/>.</summary>
    public CheckFailedException()
        : base("A check failed.")
    {
        Failure = new CheckFailure(FailureKind.Exception, "A check failed.");
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public CheckFailedException(string message)
        : base(message)
    {
        Failure = new CheckFailure(FailureKind.Exception, message);
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CheckFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = new CheckFailure(FailureKind.Exception, message, innerException);
    }

    /// <summary>The failure.</summary>
    public CheckFailure Failure { get; }
}
