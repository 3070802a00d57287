using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Sluice.Verification.Runtime;

namespace Sluice.Verification;

/// <summary>
/// Creates the threads of a test. Inside an exploration they are logical threads of the checker;
/// outside one (stress mode) they are real threads, so the same test body runs both ways.
/// </summary>
public static class ModelThread
{
    /// <summary>Whether the caller runs inside an exploration.</summary>
    public static bool IsModelled => ModelContext.Current is not null;

    /// <summary>
    /// A scheduling point with no effect of its own. Put it before an action the checker cannot see (code
    /// that touches no shim operation, such as <c>CancellationTokenSource.Cancel</c> before any callback is
    /// registered), so the checker chooses when that action happens. Without it, a new thread runs such
    /// code eagerly, at the moment it is started. Outside an exploration it does nothing.
    /// </summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public static void Yield([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (ModelContext.Current is { } ctx)
            ctx.Execution.Point(ctx.Thread, ModelContext.Site(file, line));
    }

    /// <summary>
    /// Inside an exploration: blocks the calling thread until every other thread of the execution has
    /// finished or is blocked (parked, waiting for a lock or a join, or an unfired timer), so anything
    /// still waiting can only be released by the caller. A test harness uses it to tell "legitimately
    /// blocked" from "still running" (the linearizability harness checks that every operation pending
    /// at that point may block in the model state), then releases the waiters (for example by closing a
    /// channel). Spinning threads are not quiescent: if nothing else can run they are reported as a livelock.
    /// </summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <exception cref="InvalidOperationException">Called outside an exploration: real threads give no way to tell a blocked thread from a slow one.</exception>
    public static void AwaitQuiescence([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var ctx = ModelContext.Current ?? throw new InvalidOperationException(
            "ModelThread.AwaitQuiescence works only inside an exploration: with real threads a blocked thread cannot be told from a slow one.");
        ctx.Execution.AwaitQuiescence(ctx.Thread, ModelContext.Site(file, line));
    }

    /// <summary>
    /// Inside an exploration, adds <paramref name="text"/> to the calling thread's column of the interleaving
    /// printed in a failure report (for example "invoke Send(3)"); it is not a scheduling point and costs
    /// nothing unless the failing schedule is being replayed for its report. Outside an exploration it does nothing.
    /// </summary>
    /// <param name="text">The annotation.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public static void Annotate(string text, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (ModelContext.Current is { } ctx)
            ctx.Execution.Annotate(ctx.Thread, text, ModelContext.Site(file, line));
    }

    /// <summary>Starts a thread running <paramref name="body"/>. Everything the caller did so far happens before it.</summary>
    /// <param name="body">The thread's code.</param>
    /// <param name="name">A name for reports.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns>A handle to join.</returns>
    public static ModelThreadHandle Spawn(Action body, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (ModelContext.Current is { } ctx)
        {
            var site = ModelContext.Site(file, line);
            var t = ctx.Execution.Spawn(ctx.Thread, name ?? "thread started at " + site, body, site);
            return new ModelThreadHandle(t, null);
        }

        var thread = new Thread(() => body()) { IsBackground = true, Name = name };
        thread.Start();
        return new ModelThreadHandle(null, thread);
    }

    /// <summary>
    /// Starts an asynchronous body on a new thread. Its awaits on shim-based sources (and on tasks completed
    /// inside the model) resume as new logical threads; a task that never completes is reported.
    /// </summary>
    /// <param name="body">The asynchronous code.</param>
    /// <param name="name">A name for reports.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <returns>A handle to join (waits for the task).</returns>
    public static ModelTaskHandle SpawnAsync(Func<Task> body, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (ModelContext.Current is { } ctx)
        {
            var site = ModelContext.Site(file, line);
            var root = ctx.Execution.SpawnAsync(ctx.Thread, name ?? "task started at " + site, body, site);
            return new ModelTaskHandle(root, null);
        }

        return new ModelTaskHandle(null, Task.Run(body));
    }
}

/// <summary>A thread started with <see cref="ModelThread.Spawn"/>.</summary>
public sealed class ModelThreadHandle
{
    private readonly LogicalThread? _logical;
    private readonly Thread? _real;

    internal ModelThreadHandle(LogicalThread? logical, Thread? real)
    {
        _logical = logical;
        _real = real;
    }

    /// <summary>Waits for the thread to finish; everything it did happens before Join returns.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public void Join([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (_logical is not null)
        {
            var ctx = ModelContext.Current ?? throw new InvalidOperationException("A model thread can only be joined from inside its exploration.");
            ctx.Execution.Join(ctx.Thread, _logical, ModelContext.Site(file, line));
            return;
        }

        _real!.Join();
    }
}

/// <summary>An asynchronous body started with <see cref="ModelThread.SpawnAsync"/>.</summary>
public sealed class ModelTaskHandle
{
    private readonly Execution.AsyncRoot? _root;
    private readonly Task? _real;

    internal ModelTaskHandle(Execution.AsyncRoot? root, Task? real)
    {
        _root = root;
        _real = real;
    }

    /// <summary>Waits for the task to complete and rethrows its exception, if any.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public void Join([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (_root is not null)
        {
            var ctx = ModelContext.Current ?? throw new InvalidOperationException("A model task can only be joined from inside its exploration.");
            ctx.Execution.JoinAsync(ctx.Thread, _root, ModelContext.Site(file, line));
            return;
        }

        _real!.GetAwaiter().GetResult();
    }
}
