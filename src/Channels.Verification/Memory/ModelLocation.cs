using System.Collections.Generic;
using Sluice.Verification.Runtime;

namespace Sluice.Verification.Memory;

/// <summary>
/// An atomic location of one execution: its modification order as a bounded list of messages
/// (oldest first). Older messages fall out of the history and can no longer be read.
/// </summary>
internal sealed class ModelLocation
{
    public ModelLocation(Execution execution, int id, ValueWidth width, string firstSite)
    {
        Execution = execution;
        Id = id;
        Width = width;
        FirstSite = firstSite;
    }

    public Execution Execution { get; }

    public int Id { get; }

    public ValueWidth Width { get; }

    /// <summary>Where the location was first touched (how reports name it).</summary>
    public string FirstSite { get; }

    public List<Message> Messages { get; } = new();

    public Message Latest => Messages[^1];

    public string Name => $"L{Id}";

    public void Insert(int position, Message message, int historyBound)
    {
        Messages.Insert(position, message);
        while (Messages.Count > historyBound)
        {
            Messages[0].Index = -1;
            Messages.RemoveAt(0);
        }

        for (var i = 0; i < Messages.Count; i++)
            Messages[i].Index = i;
    }
}
