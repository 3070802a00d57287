using Sluice.Verification;

namespace Sluice.Tests.Property.Mpsc;

/// <summary>
/// Call sites of the MPSC channel for the checker's ordering overrides (<c>path:line=Order</c>), found in the
/// source by what they say rather than by line number, so edits elsewhere in those files do not break the tests.
/// </summary>
internal static class SourceSites
{
    private static string Find(string file, string method, string statement, string order) =>
        SourceTree.OrderingOverride("Mpsc/" + file, method, statement, order);

    /// <summary>
    /// The lost wake-up under weak memory found by this suite (docs/linearizability.md), re-introduced: the
    /// receiver's same-waiter re-registration (ReceiverWaker.Register's one-RMW fast path) weakened from AcqRel
    /// back to Acquire, so a notifier that locks the waker may not see the waiter's state for the new wait.
    /// </summary>
    public static string ReceiverWakerAcquireOnly => Find("ReceiverWaker.cs", "public void Register(IWakeable waiter)", "_state.FetchOr(Registered, MemoryOrder.AcqRel);", "Acquire");

    /// <summary>The SeqCst fence at the top of ReceiverWaker.Notify (between the notifier's write and its read of the state), removed.</summary>
    public static string NotifyFenceRemoved => Find("ReceiverWaker.cs", "public void Notify()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed");

    /// <summary>The SeqCst fence at the top of BoundedChannelCore.AfterPop, removed (the mutant).</summary>
    public static string AfterPopFenceRemoved => Find("BoundedChannelCore.cs", "void AfterPop()", "Atomic.Fence(MemoryOrder.SeqCst);", "Relaxed");
}
