namespace Sluice.Verification.Reporting;

internal enum TraceKind
{
    Operation,
    Memory,
    Cell,
    Lifecycle,
    Switch,
    Failure,
}

/// <summary>One line of an execution's trace.</summary>
internal sealed record TraceEvent(int Step, int Thread, TraceKind Kind, string Text, string Site);
