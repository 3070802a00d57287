using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Sluice.Sync;
using Sluice.Verification.Runtime;

namespace Sluice.Verification.Linearizability;

/// <summary>
/// Runs one execution of a scenario against one channel and records its history, in model mode (inside a
/// checker exploration) or stress mode (real threads).
/// </summary>
/// <remarks>
/// <para><b>Timestamps in model mode.</b> Logical threads run one at a time (baton passing) and every shim
/// operation is a scheduling point. The harness stamps an invocation with a plain counter just before the
/// call and a response just after the return; those increments are ordinary code of the running logical
/// thread, not scheduling points, so they neither change the explored interleavings nor race. The counter
/// therefore orders invocations and responses exactly as the execution performed them, and every shim
/// event of an operation lies between its two stamps: the interval contains the linearization point. Under
/// the sequentially consistent model every load reads the newest store in that order, so "returned before
/// invoked" in counter order means "its effects were visible". Under the weak model it does not, so the
/// harness adds a SeqCst fence after each response and before each invocation (inside the stamps): if A's
/// response stamp precedes B's invocation stamp, A's fence precedes B's fence in the SC order, and C11's
/// fence rule makes B see A's writes — the same guarantee the fenced stress timestamps give.</para>
/// <para><b>Timestamps in stress mode.</b> <see cref="Stopwatch.GetTimestamp"/> is read and stored before a
/// full fence at invocation, and read after a full fence at response. The fence after the response drains
/// the store buffer, so A's effects are globally visible before A's response stamp is taken; the fence after
/// the invocation stamp keeps B's loads from being performed before the stamp. On Linux x64 the timestamp is
/// <c>clock_gettime(CLOCK_MONOTONIC)</c>, whose vDSO reads the TSC with an ordered <c>rdtsc</c>.</para>
/// </remarks>
internal sealed class ScenarioHarness
{
    private readonly IChannelUnderTest _channel;
    private readonly ChannelSubject _subject;
    private readonly bool _model;
    private readonly bool _fences;
    private readonly StressOptions _stress;
    private readonly Dictionary<int, CancellationTokenSource> _tokens = new();
    private long _clock;
    private int _responses;

    public ScenarioHarness(ChannelScenario scenario, ChannelSubject subject, bool model, bool fences, StressOptions? stress)
    {
        _subject = subject;
        _channel = subject.Create(scenario.Capacity);
        _model = model;
        _fences = fences;
        _stress = stress ?? new StressOptions();
        Execution = model
            ? new ScenarioExecution(scenario, "step", 1)
            : new ScenarioExecution(scenario, "µs", Stopwatch.Frequency / 1e6);
        foreach (var op in Execution.Operations.Where(o => o.Op.Token is int && o.Op.Kind != ChannelOpKind.Cancel))
            _tokens[op.Op.Token!.Value] = new CancellationTokenSource();
    }

    public ScenarioExecution Execution { get; }

    private ChannelScenario Scenario => Execution.Scenario;

    public async Task RunAsync()
    {
        foreach (var op in Execution.Operations.Where(o => o.Part == ScenarioPart.Init))
            await Exec(op);
        if (_model)
            await RunParallelInModel();
        else
            await RunParallelWithThreads();
        foreach (var op in Execution.Operations.Where(o => o.Part == ScenarioPart.Post))
            await Exec(op);
    }

    private IEnumerable<ExecutedOperation> ThreadOps(int t) =>
        Execution.Operations.Where(o => o.Part == ScenarioPart.Parallel && o.Thread == t);

    private async Task RunThread(int t, bool[] finished)
    {
        foreach (var op in ThreadOps(t))
            await Exec(op);
        finished[t] = true;
    }

    private async Task RunParallelInModel()
    {
        var n = Scenario.Parallel.Count;
        var finished = new bool[n];
        var handles = new ModelTaskHandle[n];
        for (var t = 0; t < n; t++)
        {
            var thread = t;
            handles[t] = ModelThread.SpawnAsync(() => RunThread(thread, finished), "scenario T" + (t + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        ModelThread.AwaitQuiescence();
        if (!finished.All(f => f))
        {
            Execution.QuiescentAt = ++_clock;
            foreach (var op in Execution.Operations.Where(o => o.Part == ScenarioPart.Parallel && o.Started && !o.Done && o.Op.Kind != ChannelOpKind.Cancel))
                op.BlockedAtQuiescence = true;
            ModelThread.Annotate("quiescent: blocked " + string.Join(", ", Execution.Operations.Where(o => o.BlockedAtQuiescence).Select(o => o.ThreadLabel + " " + o.Op)));
            if (_subject.CloseReleasesWaiters)
                await Exec(Execution.Teardown);
        }

        foreach (var h in handles)
            h.Join();
    }

    private async Task RunParallelWithThreads()
    {
        var n = Scenario.Parallel.Count;
        var finished = new bool[n];
        using var done = new CountdownEvent(n);
        var faults = new Exception?[n];
        var ready = 0;
        var go = 0;
        var threads = new Thread[n];
        for (var t = 0; t < n; t++)
        {
            var thread = t;
            threads[t] = new Thread(() =>
            {
                Interlocked.Increment(ref ready);
                var spin = new SpinWait();
                while (Volatile.Read(ref go) == 0)
                    spin.SpinOnce(sleep1Threshold: -1);
                try
                {
                    RunThread(thread, finished).GetAwaiter().GetResult();
                }
#pragma warning disable CA1031 // a fault of the code under test is recorded and reported, not rethrown on a background thread
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    faults[thread] = ex;
                }
                finally
                {
                    done.Signal();
                }
            })
            { IsBackground = true, Name = "scenario T" + (t + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            threads[t].Start();
        }

        var wait = new SpinWait();
        while (Volatile.Read(ref ready) < n)
            wait.SpinOnce(sleep1Threshold: -1);
        Volatile.Write(ref go, 1);

        // No quiescence detection with real threads (a blocked thread cannot be told from a slow one):
        // after a grace period the harness closes the channel, which is linearizable at any moment, so
        // the history stays exact; only the blocked-at-quiescence check is model-mode only.
        if (!WaitForProgressToStop(done))
        {
            if (_subject.CloseReleasesWaiters)
                await Exec(Execution.Teardown);
            if (!done.Wait(_stress.HangLimit))
            {
                Execution.HarnessFailure = $"after the teardown close, {done.CurrentCount} thread(s) still had not finished within {_stress.HangLimit.TotalSeconds:0.#} s: " +
                    string.Join(", ", Execution.Operations.Where(o => o.Started && !o.Done).Select(o => o.ThreadLabel + " " + o.Op));
                return;
            }
        }

        foreach (var th in threads)
            th.Join();
        if (faults.FirstOrDefault(f => f is not null) is { } fault)
            Execution.HarnessFailure = "a scenario thread failed: " + fault;
    }

    /// <summary>
    /// Waits until every thread is done (true), or until no operation has returned for a whole
    /// <see cref="StressOptions.QuiescenceGrace"/> (false: the remaining ones are probably blocked).
    /// </summary>
    private bool WaitForProgressToStop(CountdownEvent done)
    {
        var seen = Volatile.Read(ref _responses);
        while (!done.Wait(_stress.QuiescenceGrace))
        {
            var now = Volatile.Read(ref _responses);
            if (now == seen)
                return false;
            seen = now;
        }

        return true;
    }

    private async Task Exec(ExecutedOperation rec)
    {
        var op = rec.Op;
        var token = op.Token is int k && op.Kind != ChannelOpKind.Cancel ? _tokens[k].Token : CancellationToken.None;
        rec.Started = true;
        ModelThread.Annotate($"▶ {op}");
        Before(rec);
        ChannelResult r;
        try
        {
            if (op.Kind == ChannelOpKind.Cancel)
            {
                _tokens[op.Token!.Value].Cancel();
                r = ChannelOutcome.Done;
            }
            else
            {
                r = await _channel.ExecuteAsync(op, token);
            }
        }
#pragma warning disable CA1031 // any exception of the code under test is a result (never linearizable), except the checker's own unwinding
        catch (Exception ex) when (ex is not ExecutionAbortedException)
#pragma warning restore CA1031
        {
            r = ChannelResult.FromException(ex);
        }

        After(rec);
        rec.Result = r;
        rec.Done = true;
        if (!_model)
            Interlocked.Increment(ref _responses);
        ModelThread.Annotate($"◀ {op}: {r}");
    }

    private void Before(ExecutedOperation rec)
    {
        if (_model)
        {
            rec.Invoked = ++_clock;
            if (_fences)
                Atomic.Fence(MemoryOrder.SeqCst);
        }
        else
        {
            rec.Invoked = Stopwatch.GetTimestamp(); // stored before the fence: the op's loads come after it
            Interlocked.MemoryBarrier();
        }
    }

    private void After(ExecutedOperation rec)
    {
        if (_model)
        {
            if (_fences)
                Atomic.Fence(MemoryOrder.SeqCst);
            rec.Responded = ++_clock;
        }
        else
        {
            Interlocked.MemoryBarrier(); // the op's stores are globally visible before the stamp is read
            rec.Responded = Stopwatch.GetTimestamp();
        }
    }
}
