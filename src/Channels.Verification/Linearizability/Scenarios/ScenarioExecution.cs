using System;
using System.Collections.Generic;
using System.Linq;

namespace Sluice.Verification.Linearizability;

/// <summary>Where an operation of a scenario ran.</summary>
public enum ScenarioPart
{
    /// <summary>The sequential init part.</summary>
    Init,

    /// <summary>The parallel part.</summary>
    Parallel,

    /// <summary>The sequential post part.</summary>
    Post,

    /// <summary>The close the harness issued after a quiescence point to release blocked operations.</summary>
    Teardown,
}

/// <summary>One operation as it ran: where, when, and what it returned.</summary>
public sealed class ExecutedOperation
{
    internal ExecutedOperation(ChannelOp op, ScenarioPart part, int thread, int row)
    {
        Op = op;
        Part = part;
        Thread = thread;
        Row = row;
    }

    /// <summary>The operation.</summary>
    public ChannelOp Op { get; }

    /// <summary>Which part of the scenario.</summary>
    public ScenarioPart Part { get; }

    /// <summary>Parallel thread index (0-based); 0 for the sequential parts.</summary>
    public int Thread { get; }

    /// <summary>Position within its thread or part.</summary>
    public int Row { get; }

    /// <summary>Whether it was invoked.</summary>
    public bool Started { get; internal set; }

    /// <summary>Whether it returned.</summary>
    public bool Done { get; internal set; }

    /// <summary>Invocation timestamp.</summary>
    public long Invoked { get; internal set; }

    /// <summary>Response timestamp.</summary>
    public long Responded { get; internal set; }

    /// <summary>What it returned.</summary>
    public ChannelResult Result { get; internal set; }

    /// <summary>Whether it was still blocked at the quiescence point.</summary>
    public bool BlockedAtQuiescence { get; internal set; }

    /// <summary>Thread label for reports: "init", "T1"…, "post", "teardown".</summary>
    public string ThreadLabel => Part switch
    {
        ScenarioPart.Parallel => "T" + (Thread + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Part.ToString().ToLowerInvariant(),
    };

    /// <inheritdoc />
    public override string ToString() => Done ? $"{Op}: {Result}" : Started ? $"{Op}: (did not return)" : $"{Op}: (not invoked)";
}

/// <summary>One execution of a scenario: every operation with its interval and result, and the quiescence point if there was one.</summary>
public sealed class ScenarioExecution
{
    internal ScenarioExecution(ChannelScenario scenario, string timeUnit, double ticksPerUnit)
    {
        Scenario = scenario;
        TimeUnit = timeUnit;
        TicksPerUnit = ticksPerUnit;
        var ops = new List<ExecutedOperation>();
        ops.AddRange(scenario.Init.Select((o, i) => new ExecutedOperation(o, ScenarioPart.Init, 0, i)));
        for (var t = 0; t < scenario.Parallel.Count; t++)
            ops.AddRange(scenario.Parallel[t].Select((o, i) => new ExecutedOperation(o, ScenarioPart.Parallel, t, i)));
        ops.AddRange(scenario.Post.Select((o, i) => new ExecutedOperation(o, ScenarioPart.Post, 0, i)));
        Teardown = new ExecutedOperation(ChannelOp.Close(), ScenarioPart.Teardown, 0, 0);
        ops.Add(Teardown);
        Operations = ops;
    }

    /// <summary>The scenario.</summary>
    public ChannelScenario Scenario { get; }

    /// <summary>Every operation (init, parallel by thread, post, then the teardown close, which may not have run).</summary>
    public IReadOnlyList<ExecutedOperation> Operations { get; }

    /// <summary>The harness's close after quiescence (<see cref="ExecutedOperation.Started"/> tells whether it ran).</summary>
    public ExecutedOperation Teardown { get; }

    /// <summary>When every thread had finished or was blocked, if some were blocked (model mode only).</summary>
    public long? QuiescentAt { get; internal set; }

    /// <summary>The unit of the timestamps ("step" in model mode, "µs" in stress mode).</summary>
    public string TimeUnit { get; }

    /// <summary>Timestamp ticks per <see cref="TimeUnit"/>.</summary>
    public double TicksPerUnit { get; }

    /// <summary>A harness-level failure (an operation that never returned after the teardown close), if any.</summary>
    public string? HarnessFailure { get; internal set; }

    /// <summary>
    /// The history to check: every operation that returned, and the quiescence point with the operations
    /// blocked at it. Indices of <see cref="History{TInput, TOutput}.Operations"/> map back through <paramref name="executed"/>.
    /// </summary>
    /// <param name="executed">For each history index, the executed operation.</param>
    /// <returns>The history.</returns>
    public History<ChannelOp, ChannelResult> ToHistory(out IReadOnlyList<ExecutedOperation> executed)
    {
        var h = new History<ChannelOp, ChannelResult>();
        var list = new List<ExecutedOperation>();
        var index = new Dictionary<ExecutedOperation, int>();
        foreach (var o in Operations.Where(o => o.Done))
        {
            index[o] = h.Add(new HistoryOperation<ChannelOp, ChannelResult>(o.Part == ScenarioPart.Parallel ? o.Thread + 1 : 0, o.Op, o.Result, o.Invoked, o.Responded));
            list.Add(o);
        }

        if (QuiescentAt is long q)
        {
            var pending = Operations.Where(o => o.BlockedAtQuiescence && o.Done).Select(o => index[o]).ToArray();
            h.AddQuiescence(new QuiescencePoint(q, pending));
        }

        executed = list;
        return h;
    }
}
