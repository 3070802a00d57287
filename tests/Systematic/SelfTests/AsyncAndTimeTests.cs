using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Sluice.Sync;
using Sluice.Verification;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.SelfTests;

/// <summary>
/// The checker's control of async continuations, timers and timed parks: each feature is shown to find
/// a bug in a broken program and to explore every outcome of a correct one.
/// </summary>
public sealed class AsyncAndTimeTests : CheckerTest
{
    private static readonly CheckerOptions Bound2 = CheckerOptions.Default with { PreemptionBound = 2 };

    public AsyncAndTimeTests(ITestOutputHelper output)
        : base(output)
    {
    }

    /// <summary>
    /// A minimal one-shot IValueTaskSource written against the shim: the awaiter registers its
    /// continuation; the completer publishes the result and dispatches the continuation. The broken
    /// variant checks "is someone waiting?" before publishing (a lost wake-up when the await registers
    /// in between).
    /// </summary>
    private sealed class Signal : IValueTaskSource<int>, IThreadPoolWorkItem
    {
        private static readonly object Completed = new();
        private readonly bool _broken;
        private AtomicRef<object> _continuation; // null → registered continuation → Completed sentinel
        private Cell<int> _result;
        private Action<object?>? _callback;
        private object? _state;

        public Signal(bool broken) => _broken = broken;

        public ValueTask<int> WaitAsync() => new(this, 0);

        public void Complete(int value)
        {
            _result.Write(value);
            if (_broken)
            {
                var seen = _continuation.Load(MemoryOrder.Acquire);
                if (seen is null)
                {
                    _continuation.Store(Completed, MemoryOrder.Release); // BUG: the awaiter may register between the load and this store
                    return;
                }

                ContinuationDispatcher.Dispatch(this);
                return;
            }

            // AcqRel: Release publishes the result to the awaiter; Acquire pairs with OnCompleted's Release (the callback fields).
            if (_continuation.Exchange(Completed, MemoryOrder.AcqRel) is { } registered && registered != Completed)
                ContinuationDispatcher.Dispatch(this);
        }

        public void Execute() => _callback!(_state);

        public int GetResult(short token) => _result.Read();

        public ValueTaskSourceStatus GetStatus(short token) =>
            _continuation.Load(MemoryOrder.Acquire) == Completed ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Pending;

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        {
            using var registration = ContinuationRegistration.Enter(); // must not throw into the async builder
            _callback = continuation;
            _state = state;

            // Release: pairs with Complete's Acquire (the callback is visible to the dispatcher). If the
            // completion won, run the continuation ourselves (on another thread, as the BCL does).
            if (_continuation.CompareExchange(null, continuation, MemoryOrder.AcqRel, MemoryOrder.Acquire) == Completed)
                ContinuationDispatcher.Dispatch(this);
        }
    }

    private static void AwaitSignal(bool broken)
    {
        var signal = new Signal(broken);
        var waiter = ModelThread.SpawnAsync(async () =>
        {
            var value = await signal.WaitAsync();
            Assert.Equal(7, value);
        }, "awaiter");
        var completer = ModelThread.Spawn(() => signal.Complete(7), "completer");
        completer.Join();
        waiter.Join();
    }

    [Fact]
    public void An_awaited_value_task_source_completes_in_every_interleaving() => ExpectPass(Bound2, () => AwaitSignal(broken: false));

    [Fact]
    public void A_lost_continuation_is_reported_as_a_deadlock()
    {
        // The main thread joins the awaiting task, so a continuation that is never dispatched leaves
        // it blocked forever.
        var failure = ExpectFailure(Bound2, () => AwaitSignal(broken: true), FailureKind.Deadlock);
        Assert.Contains("awaiting the task", failure.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_that_never_completes_is_reported_when_nobody_joins_it() =>
        ExpectFailure(Bound2, () =>
        {
            var signal = new Signal(broken: true);
            ModelThread.SpawnAsync(async () => await signal.WaitAsync(), "awaiter");
            ModelThread.Spawn(() => signal.Complete(1), "completer").Join();
        }, FailureKind.TaskNeverCompleted);

    [Fact]
    public void Awaiting_a_task_completed_inside_the_model_resumes_through_the_model_context() => ExpectPass(Bound2, () =>
    {
        var tcs = new TaskCompletionSource<int>();
        var gate = new AtomicInt32(0);
        var waiter = ModelThread.SpawnAsync(async () =>
        {
            var v = await tcs.Task; // the continuation is posted to the model's synchronisation context
            Assert.Equal(1, gate.Load(MemoryOrder.Acquire));
            Assert.Equal(5, v);
        });
        var setter = ModelThread.Spawn(() =>
        {
            gate.Store(1, MemoryOrder.Release);
            tcs.SetResult(5);
        });
        setter.Join();
        waiter.Join();
    });

    [Fact]
    public void Awaiting_a_real_timer_inside_the_model_is_reported_as_misuse()
    {
        var result = Checker.Run(Options(Bound2 with { ExecutionTimeout = TimeSpan.FromSeconds(20) }), () =>
        {
            var t = ModelThread.SpawnAsync(async () => await Task.Delay(1));
            t.Join();
        });
        Assert.NotNull(result.Failure);
        Output.WriteLine(result.Failure!.Report);
        Assert.True(result.Failure.Kind is FailureKind.Misuse or FailureKind.Deadlock or FailureKind.Hung, result.Failure.Kind.ToString());
        Assert.Contains("outside the checker", result.Failure.Report, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- timers (virtual time)

    private static void TimerRace(bool guardWithCancel, ConcurrentDictionary<string, bool> outcomes)
    {
        var fired = new AtomicInt32(0);
        var timer = new OneShotTimer(_ => fired.FetchAdd(1, MemoryOrder.AcqRel), null);
        var owner = ModelThread.Spawn(() =>
        {
            timer.Start(TimeSpan.FromSeconds(1));
            var cancelled = timer.TryCancel();
            if (guardWithCancel)
                outcomes[cancelled ? "cancelled" : "fired"] = true;
            else
                outcomes["ignored"] = true;
        });
        owner.Join();
        // Exactly one of "TryCancel returned true" and "the callback ran" happens.
        var total = fired.Load(MemoryOrder.Acquire);
        if (guardWithCancel)
            Assert.True(total <= 1);
    }

    [Fact]
    public void A_timer_races_its_cancellation_and_both_outcomes_are_explored()
    {
        var outcomes = new ConcurrentDictionary<string, bool>();
        ExpectPass(Bound2, () => TimerRace(guardWithCancel: true, outcomes));
        Assert.True(outcomes.ContainsKey("cancelled"), "the cancel-first outcome was never explored");
        Assert.True(outcomes.ContainsKey("fired"), "the fire-first outcome was never explored");
    }

    [Fact]
    public void A_timeout_callback_that_assumes_it_cannot_race_the_cancel_is_caught() => ExpectFailure(Bound2, () =>
    {
        var state = new AtomicInt32(0); // 0 waiting, 1 completed by the owner, 2 timed out
        var timer = new OneShotTimer(_ =>
        {
            // BUG: overwrites the completion instead of a compare-exchange from "waiting".
            state.Store(2, MemoryOrder.Release);
        }, null);
        var owner = ModelThread.Spawn(() =>
        {
            timer.Start(TimeSpan.FromMilliseconds(10));
            state.Store(1, MemoryOrder.Release);
            timer.TryCancel();
            Assert.Equal(1, state.Load(MemoryOrder.Acquire)); // completed work must stay completed
        });
        owner.Join();
    }, FailureKind.Exception);

    [Fact]
    public void When_idle_timers_fire_only_when_nothing_else_can_run()
    {
        var outcomes = new ConcurrentDictionary<string, bool>();
        ExpectPass(Bound2 with { Timeouts = TimeoutMode.WhenIdle }, () => TimerRace(guardWithCancel: true, outcomes));
        Assert.True(outcomes.ContainsKey("cancelled"));
        Assert.False(outcomes.ContainsKey("fired"), "in WhenIdle mode the owner cancels before the timer can fire");
    }

    // ---------------------------------------------------------------- timed park

    [Fact]
    public void A_timed_park_explores_both_the_unpark_and_the_timeout()
    {
        var outcomes = new ConcurrentDictionary<string, bool>();
        ExpectPass(Bound2, () =>
        {
            var parker = new Parker();
            var sleeper = ModelThread.Spawn(() => outcomes[parker.Park(TimeSpan.FromSeconds(1)) ? "unparked" : "timed out"] = true);
            var waker = ModelThread.Spawn(() => parker.Unpark());
            sleeper.Join();
            waker.Join();
        });
        Assert.True(outcomes.ContainsKey("unparked"));
        Assert.True(outcomes.ContainsKey("timed out"));
    }

    [Fact]
    public void Code_that_treats_a_timed_out_park_as_a_wake_up_is_caught() => ExpectFailure(Bound2, () =>
    {
        var parker = new Parker();
        var ready = new AtomicInt32(0);
        var sleeper = ModelThread.Spawn(() =>
        {
            if (ready.Load(MemoryOrder.Acquire) == 0)
                parker.Park(TimeSpan.FromSeconds(1)); // BUG: ignores the return value
            Assert.Equal(1, ready.Load(MemoryOrder.Acquire));
        });
        var waker = ModelThread.Spawn(() =>
        {
            ready.Store(1, MemoryOrder.Release);
            parker.Unpark();
        });
        sleeper.Join();
        waker.Join();
    }, FailureKind.Exception);

    [Fact]
    public void An_unpark_before_the_park_leaves_a_permit() => ExpectPass(Bound2, () =>
    {
        var parker = new Parker();
        var data = new Cell<int>(0);
        var waker = ModelThread.Spawn(() =>
        {
            data.Write(3);
            parker.Unpark(); // happens before the park that consumes the permit
        });
        var sleeper = ModelThread.Spawn(() =>
        {
            parker.Park();
            Assert.Equal(3, data.Read()); // no race: unpark → park is a happens-before edge
        });
        waker.Join();
        sleeper.Join();
    });
}
