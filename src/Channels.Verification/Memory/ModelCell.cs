using System.Collections.Generic;
using Sluice.Verification.Runtime;

namespace Sluice.Verification.Memory;

/// <summary>One access to a cell: which thread, at which epoch of its own clock, where.</summary>
internal readonly record struct CellAccessRecord(int Thread, int Epoch, string Site, int Step);

/// <summary>
/// The race-detection state of one <c>Cell&lt;T&gt;</c> in one execution (FastTrack-style: the last
/// write and the reads since it).
/// </summary>
internal sealed class ModelCell
{
    public ModelCell(Execution execution, int id)
    {
        Execution = execution;
        Id = id;
    }

    public Execution Execution { get; }

    public int Id { get; }

    public CellAccessRecord? LastWrite { get; set; }

    public List<CellAccessRecord> Reads { get; } = new();
}
