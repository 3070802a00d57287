using System.Runtime.CompilerServices;
using System.Threading;
#if SLUICE_CHECKED
using Sluice.Verification.Runtime;
#endif

namespace Sluice.Sync;

/// <summary>
/// A mutual-exclusion lock for slow paths (never a hot path). Not reentrant.
/// </summary>
/// <remarks>
/// Release build: <see cref="Monitor"/>. Checked build: a model mutex; acquiring it is a blocking
/// operation, and a cycle of threads waiting on each other's locks is reported as a deadlock.
/// <see cref="Enter"/> is an acquire and <see cref="Exit"/> a release.
/// </remarks>
public sealed class MutexLock
{
    private readonly object _gate = new();
#if SLUICE_CHECKED
    private ModelMutex? _model;
#endif

    /// <summary>Acquires the lock, blocking while another thread holds it.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public void Enter([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.MutexEnter(ref _model, file, line);
            return;
        }
#endif
        Monitor.Enter(_gate);
    }

    /// <summary>Releases the lock.</summary>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public void Exit([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
#if SLUICE_CHECKED
        if (ModelContext.Current is { } ctx)
        {
            ctx.MutexExit(ref _model, file, line);
            return;
        }
#endif
        Monitor.Exit(_gate);
    }
}
