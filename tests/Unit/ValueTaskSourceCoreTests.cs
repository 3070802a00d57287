using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Sluice.Channels.Internal;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

/// <summary>
/// The pooled ValueTask source's contract, driven directly (the channels reach most of it, but not the misuse
/// paths, the capture combinations or a registration after completion in a controlled order).
/// </summary>
public class ValueTaskSourceCoreTests
{
    /// <summary>The core is a mutable struct: it must live in a field and never be copied.</summary>
    private sealed class Holder
    {
        public ValueTaskSourceCore<object?> Core;

        public Holder() => Core.Reset();
    }

    private static readonly AsyncLocal<string> s_local = new();

    [Fact]
    public void Completing_a_use_twice_is_refused()
    {
        var h = new Holder();
        h.Core.SetResult("first", inlineContinuation: false);
        var e = Assert.Throws<InvalidOperationException>(() => h.Core.SetResult("second", inlineContinuation: false));
        Assert.Contains("completed twice", e.Message, StringComparison.Ordinal); // a library bug, reported rather than hidden
    }

    [Fact]
    public void Reading_the_result_before_completion_is_refused_with_what_to_do()
    {
        var h = new Holder();
        var e = Assert.Throws<InvalidOperationException>(() => h.Core.GetResult(h.Core.Version));
        Assert.Contains("await the ValueTask", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stale_GetResult_neither_succeeds_nor_disturbs_the_next_use()
    {
        var h = new Holder();
        var first = h.Core.Version;
        h.Core.SetResult("a", inlineContinuation: false);
        Assert.Equal("a", h.Core.GetResult(first));

        h.Core.Reset();
        var second = h.Core.Version;
        Assert.NotEqual(first, second);
        h.Core.SetResult("b", inlineContinuation: false);
        var e = Assert.Throws<InvalidOperationException>(() => h.Core.GetResult(first));
        Assert.Contains("awaited only once", e.Message, StringComparison.Ordinal);
        Assert.Equal("b", h.Core.GetResult(second));
    }

    [Fact]
    public void A_stale_OnCompleted_is_refused_and_does_not_take_the_next_use()
    {
        var h = new Holder();
        var first = h.Core.Version;
        h.Core.SetResult("a", inlineContinuation: false);
        h.Core.GetResult(first);
        h.Core.Reset();

        var staleRan = false;
        Assert.Throws<InvalidOperationException>(() => h.Core.OnCompleted(_ => staleRan = true, null, first, ValueTaskSourceOnCompletedFlags.None));

        using var ran = new ManualResetEventSlim();
        h.Core.OnCompleted(_ => ran.Set(), null, h.Core.Version, ValueTaskSourceOnCompletedFlags.None); // the real awaiter is accepted
        h.Core.SetResult("b", inlineContinuation: true);
        Assert.True(ran.IsSet);
        Assert.False(staleRan);
    }

    [Fact]
    public void A_null_continuation_is_refused()
    {
        var h = new Holder();
        Assert.Throws<ArgumentNullException>(() => h.Core.OnCompleted(null!, null, h.Core.Version, ValueTaskSourceOnCompletedFlags.None));
    }

    [Fact]
    public void The_result_is_not_kept_alive_after_it_was_read()
    {
        var h = new Holder();
        var weak = CompleteWithFreshObject(h);
        ReadAndDrop(h);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive, "the pooled source still references the result it handed out");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CompleteWithFreshObject(Holder h)
    {
        var result = new object();
        h.Core.SetResult(result, inlineContinuation: false);
        return new WeakReference(result);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReadAndDrop(Holder h) => Assert.NotNull(h.Core.GetResult(h.Core.Version));

    [Theory]
    [InlineData(ValueTaskSourceOnCompletedFlags.None)]
    [InlineData(ValueTaskSourceOnCompletedFlags.FlowExecutionContext)]
    public async Task A_continuation_registered_after_completion_is_dispatched_never_run_inside_OnCompleted(ValueTaskSourceOnCompletedFlags flags)
    {
        var h = new Holder();
        h.Core.SetResult("done", inlineContinuation: false);

        using var registering = new ThreadLocal<bool>();
        var ran = new TaskCompletionSource<(bool Inline, string? Local)>(TaskCreationOptions.RunContinuationsAsynchronously);
        s_local.Value = "flowed";
        registering.Value = true;
        h.Core.OnCompleted(_ => ran.TrySetResult((registering.Value, s_local.Value)), null, h.Core.Version, flags);
        registering.Value = false;
        s_local.Value = null!;

        var (inline, local) = await ran.Task.WithDeadline();
        Assert.False(inline, "the continuation ran on the awaiter's stack, inside OnCompleted");
        Assert.Equal(flags == ValueTaskSourceOnCompletedFlags.FlowExecutionContext ? "flowed" : null, local);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_captured_SynchronizationContext_receives_the_continuation_with_or_without_the_execution_context(bool flowExecutionContext)
    {
        var h = new Holder();
        var context = new RecordingContext();
        var ran = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flags = ValueTaskSourceOnCompletedFlags.UseSchedulingContext
            | (flowExecutionContext ? ValueTaskSourceOnCompletedFlags.FlowExecutionContext : ValueTaskSourceOnCompletedFlags.None);

        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        s_local.Value = "flowed";
        try
        {
            h.Core.OnCompleted(_ => ran.TrySetResult(s_local.Value), null, h.Core.Version, flags);
        }
        finally
        {
            s_local.Value = null!;
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        h.Core.SetResult("done", inlineContinuation: true);
        Assert.Equal(flowExecutionContext ? "flowed" : null, await ran.Task.WithDeadline());
        Assert.Equal(1, context.Posts);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_captured_TaskScheduler_runs_the_continuation(bool completedBeforeRegistration)
    {
        var h = new Holder();
        var scheduler = new RecordingScheduler();
        var ran = new TaskCompletionSource<TaskScheduler>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completedBeforeRegistration)
            h.Core.SetResult("done", inlineContinuation: false);

        // TaskScheduler.Current is the custom scheduler only inside a task it runs.
        await Task.Factory.StartNew(
            () => h.Core.OnCompleted(_ => ran.TrySetResult(TaskScheduler.Current), null, h.Core.Version, ValueTaskSourceOnCompletedFlags.UseSchedulingContext),
            CancellationToken.None, TaskCreationOptions.None, scheduler).WithDeadline();

        if (!completedBeforeRegistration)
            h.Core.SetResult("done", inlineContinuation: true);
        Assert.Same(scheduler, await ran.Task.WithDeadline());
        Assert.Equal(2, scheduler.Tasks); // the registration above, then the continuation
    }

    /// <summary>Runs each task on the thread pool, counting them (TaskScheduler.Current is this scheduler inside).</summary>
    private sealed class RecordingScheduler : TaskScheduler
    {
        private int _tasks;

        public int Tasks => Volatile.Read(ref _tasks);

        protected override void QueueTask(Task task)
        {
            Interlocked.Increment(ref _tasks);
            ThreadPool.QueueUserWorkItem(_ => TryExecuteTask(task));
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => Array.Empty<Task>();
    }
}
