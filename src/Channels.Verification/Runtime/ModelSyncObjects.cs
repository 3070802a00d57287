using Sluice.Verification.Memory;

namespace Sluice.Verification.Runtime;

/// <summary>The model of a <c>Parker</c>: one permit, and the view its unparkers released.</summary>
internal sealed class ModelParker
{
    public ModelParker(Execution execution, int id)
    {
        Execution = execution;
        Id = id;
    }

    public Execution Execution { get; }

    public int Id { get; }

    public bool Permit { get; set; }

    public View Released { get; } = new();
}

/// <summary>The model of a <c>MutexLock</c>.</summary>
internal sealed class ModelMutex
{
    public ModelMutex(Execution execution, int id)
    {
        Execution = execution;
        Id = id;
    }

    public Execution Execution { get; }

    public int Id { get; }

    public LogicalThread? Owner { get; set; }

    public View? Released { get; set; }
}

/// <summary>The model of a <c>OneShotTimer</c>: when armed, a not-yet-started logical thread that runs the callback.</summary>
internal sealed class ModelTimer
{
    public ModelTimer(Execution execution, int id)
    {
        Execution = execution;
        Id = id;
    }

    public Execution Execution { get; }

    public int Id { get; }

    public LogicalThread? Armed { get; set; }
}
