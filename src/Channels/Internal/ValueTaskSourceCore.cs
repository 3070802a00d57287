using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Sluice.Sync;

namespace Sluice.Channels.Internal;

/// <summary>
/// The reusable heart of a pooled <see cref="IValueTaskSource"/>: one pending operation at a time, a
/// 16-bit token per use, a lock-free race between <see cref="OnCompleted"/> and <see cref="SetResult"/>,
/// and continuations dispatched through the shim without allocating.
/// </summary>
/// <typeparam name="TResult">The result of an operation (the owner maps it to values or exceptions).</typeparam>
/// <remarks>
/// <para>Written against the shim rather than <c>ManualResetValueTaskSourceCore</c> so the checker sees
/// every access. A mutable struct: keep it in a non-readonly field and never copy it.</para>
/// <para>Life cycle: the owner calls <see cref="Reset"/> before handing out
/// <c>new ValueTask(source, core.Version)</c>; exactly one <see cref="SetResult"/> completes the use;
/// the awaiter's <see cref="GetResult"/> reads the result and advances the version, after which every
/// call with the old token throws <see cref="InvalidOperationException"/> (a ValueTask awaited twice,
/// or after its source was reused). The 16-bit version wraps after 65,536 uses, as in the BCL.</para>
/// <para>Continuations: never run inside <see cref="OnCompleted"/> (when the operation already completed,
/// the continuation is dispatched, which avoids stack dives); run inline by <see cref="SetResult"/> only
/// when its caller says it is on a thread of its own (a dispatched work item, never a lock holder or a
/// thread that did not ask for it); otherwise dispatched through <see cref="ContinuationDispatcher"/>.
/// A <see cref="SynchronizationContext"/> or <see cref="TaskScheduler"/> is captured only when the flags
/// say <see cref="ValueTaskSourceOnCompletedFlags.UseSchedulingContext"/>, and the
/// <see cref="ExecutionContext"/> only when they say <see cref="ValueTaskSourceOnCompletedFlags.FlowExecutionContext"/>
/// (an <c>await</c> inside an async method sets neither flag for the execution context: the method's
/// builder flows it). The common case (an async method awaiting on the thread pool) captures nothing
/// and allocates nothing.</para>
/// </remarks>
internal struct ValueTaskSourceCore<TResult>
{
    /// <summary>In <see cref="_continuation"/>: the operation completed.</summary>
    private static readonly object s_completed = new();

    /// <summary>In <see cref="_continuation"/>: an awaiter is storing its continuation (OnCompleted in progress).</summary>
    private static readonly object s_registering = new();

    private const int VersionMask = 0xFFFF;

    /// <summary>null (pending, no continuation), <see cref="s_registering"/>, a continuation delegate, or <see cref="s_completed"/>.</summary>
    private AtomicRef<object> _continuation;
    private Cell<object?> _continuationState;
    private Cell<object?> _capturedContext;
    private Cell<TResult> _result;

    /// <summary>The token of the current use (kept in 0..65535). Atomic so that misuse (a stale token
    /// checked concurrently with a reuse) is a clean exception, not a data race.</summary>
    private AtomicInt32 _version;

    /// <summary>The token for the current use: pass it to <c>new ValueTask(source, token)</c>.</summary>
    public short Version =>
        // Relaxed: only the owner reads it between Reset and handing out the ValueTask.
        (short)_version.Load(MemoryOrder.Relaxed);

    /// <summary>Prepares the next use. Owner only, after the previous use's <see cref="GetResult"/>
    /// (which already advanced the version) and before handing out a new ValueTask.</summary>
    public void Reset()
    {
        _continuationState.Write(null);
        _capturedContext.Write(null);
        _result.Write(default!);
        // Relaxed: the ValueTask that exposes this use reaches the awaiter through a happens-before edge
        // (the owner's return), which orders this store before the awaiter's first access.
        _continuation.Store(null, MemoryOrder.Relaxed);
    }

    /// <summary>Reads the result of the current use without consuming it, if it completed.</summary>
    /// <param name="token">The ValueTask's token.</param>
    /// <param name="result">The result when completed.</param>
    /// <returns>Whether the use completed.</returns>
    /// <exception cref="InvalidOperationException">The token is stale.</exception>
    public bool TryPeekResult(short token, out TResult result)
    {
        ValidateToken(token);
        // Acquire: pairs with SetResult's Release exchange: the result is visible.
        if (ReferenceEquals(_continuation.Load(MemoryOrder.Acquire), s_completed))
        {
            result = _result.Read();
            return true;
        }

        result = default!;
        return false;
    }

    /// <summary>
    /// Registers the awaiter's continuation, or dispatches it at once if the operation already completed.
    /// </summary>
    /// <param name="continuation">The continuation.</param>
    /// <param name="state">Its argument.</param>
    /// <param name="token">The ValueTask's token.</param>
    /// <param name="flags">What to capture.</param>
    /// <exception cref="InvalidOperationException">The token is stale, or a continuation is already registered (awaited twice).</exception>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        using var registration = ContinuationRegistration.Enter(); // the async builder turns a throw here into a crash
        ArgumentNullException.ThrowIfNull(continuation);
        ValidateToken(token);

        // Claim the continuation slot before writing the cells, so a second awaiter is refused without
        // touching the first one's state. Relaxed: the claim publishes nothing yet (the final CAS does).
        var previous = _continuation.CompareExchange(null, s_registering, MemoryOrder.Relaxed, MemoryOrder.Relaxed);
        if (ReferenceEquals(previous, s_completed))
        {
            // Completed before the awaiter asked: never run the continuation on the awaiter's stack.
            Invoke(continuation, state, Capture(flags), inline: false);
            return;
        }

        if (previous is not null)
            throw new InvalidOperationException(MultipleAwaitersMessage);

        var context = Capture(flags);
        _continuationState.Write(state);
        _capturedContext.Write(context);

        // Release: pairs with SetResult's Acquire exchange: the state and context cells are visible to
        // the completer that will invoke the continuation.
        previous = _continuation.CompareExchange(s_registering, continuation, MemoryOrder.Release, MemoryOrder.Acquire);
        if (ReferenceEquals(previous, s_registering))
            return;

        // SetResult completed while we were registering (it saw s_registering and left the continuation
        // to us); the failed CAS read its Release exchange with Acquire, so the result is visible.
        Invoke(continuation, state, context, inline: false);
    }

    /// <summary>Completes the current use. Exactly once per use.</summary>
    /// <param name="result">The result.</param>
    /// <param name="inlineContinuation">
    /// <see langword="true"/> only when the caller is a dispatched work item of its own, holding no lock,
    /// so running the awaiter's continuation here costs nothing and avoids a second dispatch.
    /// </param>
    public void SetResult(TResult result, bool inlineContinuation)
    {
        _result.Write(result);
        // AcqRel: Release publishes the result to the awaiter's Acquire (TryPeekResult / OnCompleted);
        // Acquire pairs with OnCompleted's Release CAS so the continuation's state cells are visible.
        var previous = _continuation.Exchange(s_completed, MemoryOrder.AcqRel);
        if (previous is null || ReferenceEquals(previous, s_registering))
            return; // no continuation yet: the awaiter sees completion itself

        if (ReferenceEquals(previous, s_completed))
            throw new InvalidOperationException("The operation was completed twice.");

        Invoke((Action<object?>)previous, _continuationState.Read(), _capturedContext.Read(), inlineContinuation);
    }

    /// <summary>
    /// Reads the result of a completed use and retires its token (advances the version), so awaiting
    /// the same ValueTask again throws. The caller may recycle the source afterwards.
    /// </summary>
    /// <param name="token">The ValueTask's token.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">The token is stale, or the operation has not completed.</exception>
    public TResult GetResult(short token)
    {
        ValidateToken(token);
        // Acquire: pairs with SetResult's Release exchange: the result is visible.
        if (!ReferenceEquals(_continuation.Load(MemoryOrder.Acquire), s_completed))
            throw new InvalidOperationException("The operation has not completed yet; await the ValueTask instead of reading its result.");
        var result = _result.Read();
        _result.Write(default!); // drop references held by the pooled source

        // Retire the token atomically so two concurrent GetResult calls (misuse) cannot both succeed and
        // recycle the source twice. Relaxed: the recycling that follows carries its own ordering (the
        // owner's pool hand-off).
        var expected = (int)(ushort)token;
        if (_version.CompareExchange(expected, (expected + 1) & VersionMask, MemoryOrder.Relaxed, MemoryOrder.Relaxed) != expected)
            throw new InvalidOperationException(StaleTokenMessage);
        return result;
    }

    /// <summary>The message for a ValueTask used after its result was consumed or its source was reused.</summary>
    public const string StaleTokenMessage =
        "This ValueTask was already awaited (or its result read), and its pooled source may now serve another operation. " +
        "A ValueTask returned by a Sluice channel may be awaited only once; call AsTask() to await it more than once.";

    private const string MultipleAwaitersMessage =
        "This ValueTask is already being awaited. A ValueTask returned by a Sluice channel may be awaited only once; " +
        "call AsTask() to await it more than once or from several places.";

    private void ValidateToken(short token)
    {
        // Relaxed: a stale token is misuse; the check only has to be atomic, not ordered.
        if ((short)_version.Load(MemoryOrder.Relaxed) != token)
            throw new InvalidOperationException(StaleTokenMessage);
    }

    /// <summary>What the flags ask to capture: null (nothing), an ExecutionContext, a scheduling context, or both.</summary>
    private static object? Capture(ValueTaskSourceOnCompletedFlags flags)
    {
        ExecutionContext? executionContext = null;
        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
            executionContext = ExecutionContext.Capture();

        object? scheduler = null;
        if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0)
        {
            var sc = SynchronizationContext.Current;
            if (sc is not null && sc.GetType() != typeof(SynchronizationContext))
            {
                scheduler = sc;
            }
            else
            {
                var ts = TaskScheduler.Current;
                if (ts != TaskScheduler.Default)
                    scheduler = ts;
            }
        }

        if (executionContext is null)
            return scheduler;
        return scheduler is null ? executionContext : new CapturedContexts(executionContext, scheduler);
    }

    private static void Invoke(Action<object?> continuation, object? state, object? context, bool inline)
    {
        switch (context)
        {
            case null:
                if (inline)
                    continuation(state);
                else
                    ContinuationDispatcher.Dispatch(continuation, state); // zero allocation for async-method awaiters
                break;
            case ExecutionContext ec:
                if (inline)
                    ExecutionContext.Run(ec, s_runContinuation, new ContinuationCall(continuation, state, null));
                else
                    ContinuationDispatcher.Dispatch(s_runInContext, new ContinuationCall(continuation, state, ec));
                break;
            case CapturedContexts both:
                // Post to the scheduler a call that runs under the captured execution context.
                PostToScheduler(both.Scheduler, s_runInContext, new ContinuationCall(continuation, state, both.ExecutionContext));
                break;
            default:
                PostToScheduler(context, continuation, state);
                break;
        }
    }

    private static void PostToScheduler(object scheduler, Action<object?> continuation, object? state)
    {
        if (scheduler is SynchronizationContext sc)
            sc.Post(s_postCallback, new ContinuationCall(continuation, state, null));
        else
            Task.Factory.StartNew(continuation, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, (TaskScheduler)scheduler);
    }

    private static readonly ContextCallback s_runContinuation = static s => ((ContinuationCall)s!).Run();
    private static readonly SendOrPostCallback s_postCallback = static s => ((ContinuationCall)s!).Run();
    private static readonly Action<object?> s_runInContext = static s =>
    {
        var call = (ContinuationCall)s!;
        if (call.ExecutionContext is { } ec)
            ExecutionContext.Run(ec, s_runContinuation, new ContinuationCall(call.Continuation, call.State, null));
        else
            call.Run();
    };

    /// <summary>A continuation call boxed for a context (only when a context was captured).</summary>
    private sealed class ContinuationCall(Action<object?> continuation, object? state, ExecutionContext? executionContext)
    {
        public Action<object?> Continuation { get; } = continuation;
        public object? State { get; } = state;
        public ExecutionContext? ExecutionContext { get; } = executionContext;
        public void Run() => Continuation(State);
    }

    /// <summary>Both an execution context and a scheduling context were captured.</summary>
    private sealed class CapturedContexts(ExecutionContext executionContext, object scheduler)
    {
        public ExecutionContext ExecutionContext { get; } = executionContext;
        public object Scheduler { get; } = scheduler;
    }
}
