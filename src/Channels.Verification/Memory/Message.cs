using Sluice.Verification.Runtime;

namespace Sluice.Verification.Memory;

/// <summary>
/// One store in a location's modification order (mo): its value, who wrote it, and the view it
/// releases to an acquirer that reads it.
/// </summary>
internal sealed class Message
{
    public Message(int id, ModelLocation location, ModelValue value, int writer, int writerStep, string site, View? released, bool seqCst, bool isRmw)
    {
        Id = id;
        Location = location;
        Value = value;
        Writer = writer;
        WriterStep = writerStep;
        Site = site;
        Released = released;
        SeqCst = seqCst;
        IsRmw = isRmw;
    }

    /// <summary>Execution-wide number used in reports (<c>#n</c>).</summary>
    public int Id { get; }

    public ModelLocation Location { get; }

    public ModelValue Value { get; }

    /// <summary>Position among the location's retained messages in modification order; -1 once evicted.</summary>
    public int Index { get; set; }

    /// <summary>The writing logical thread, or -1 for the location's initial value.</summary>
    public int Writer { get; }

    /// <summary>The execution step of the write (0 for the initial value).</summary>
    public int WriterStep { get; }

    public string Site { get; }

    /// <summary>What an acquire read of this message synchronises with (null: nothing).</summary>
    public View? Released { get; }

    public bool SeqCst { get; }

    public bool IsRmw { get; }

    /// <summary>An RMW read this message, so nothing may be inserted directly after it in mo.</summary>
    public bool ReadByRmw { get; set; }

    public bool IsInitial => Writer < 0;

    public string Describe() => IsInitial
        ? $"#{Id} (initial {Value.Format(Location.Width, Location.Execution)})"
        : $"#{Id} ({Value.Format(Location.Width, Location.Execution)} by T{Writer} at step {WriterStep})";
}
