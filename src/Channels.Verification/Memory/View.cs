using System;

namespace Sluice.Verification.Memory;

/// <summary>
/// What a thread knows: a vector clock (happens-before, used for race detection and to order
/// non-atomic accesses) and, per location, the newest message in modification order it must not
/// read behind (coherence). Acquire reads join the view a release published.
/// </summary>
internal sealed class View
{
    private Message?[] _seen;

    public View()
    {
        Clock = new VectorClock();
        _seen = Array.Empty<Message?>();
    }

    private View(VectorClock clock, Message?[] seen)
    {
        Clock = clock;
        _seen = seen;
    }

    public VectorClock Clock { get; }

    public Message? Seen(int location) => location < _seen.Length ? _seen[location] : null;

    /// <summary>The index in mo below which this view forbids reading location <paramref name="location"/>.</summary>
    public int Floor(int location) => Seen(location)?.Index ?? -1;

    /// <summary>Raises the view of the message's location to at least <paramref name="message"/>.</summary>
    public void See(Message message)
    {
        var loc = message.Location.Id;
        if (loc >= _seen.Length)
            Array.Resize(ref _seen, Math.Max(loc + 1, _seen.Length * 2));
        var current = _seen[loc];
        if (current is null || current.Index < message.Index)
            _seen[loc] = message;
    }

    /// <summary>Joins the coherence part only (the per-location frontier).</summary>
    public void JoinSeen(View? other)
    {
        if (other is null)
            return;
        foreach (var m in other._seen)
        {
            if (m is not null)
                See(m);
        }
    }

    /// <summary>Joins both parts.</summary>
    public void Join(View? other)
    {
        if (other is null)
            return;
        Clock.Join(other.Clock);
        JoinSeen(other);
    }

    public View Clone() => new(Clock.Clone(), (Message?[])_seen.Clone());

    public Message?[] SnapshotSeen() => (Message?[])_seen.Clone();
}
