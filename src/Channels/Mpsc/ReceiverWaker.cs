using System.Diagnostics;
using Sluice.Sync;

namespace Sluice.Channels.Mpsc;

/// <summary>
/// The receiver's wake-up: one registered waiter (the sink), any number of notifiers, no lost
/// wake-up, no spinning and no lock (diatomic-waker). The protocol is docs/design/bounded-mpsc.md §2
/// and spec/tla/Waker.tla.
/// </summary>
/// <remarks>
/// <para>State bits: <see cref="Index"/> (I: the slot a lock-holding notifier reads), <see cref="Update"/>
/// (U: a newer waiter sits in the other slot), <see cref="Registered"/> (R: the sink wants a wake),
/// <see cref="Locked"/> (L: a notifier is calling <see cref="IWakeable.Wake"/>), <see cref="Notification"/>
/// (N: a notifier found L taken while R was set and asked the holder to wake again). Valid states: N = 0
/// with anything else, or N ∧ L ∧ R. Only the sink sets R or U; notifiers only clear them; a notifier
/// clears U only together with flipping I, so <c>I xor U</c> (the index of the most recently stored
/// waiter) changes only when the sink acts.</para>
/// <para>No lost wake-up: every <see cref="Notify"/> runs a SeqCst fence after the notifier's own write (a
/// push, a close) and then reads the state; every <see cref="Register"/> publishes R with an RMW and runs a
/// SeqCst fence before the sink re-checks. In the fences' total order either the notify's comes first (the
/// re-check sees the write) or the register's does (the notifier sees R and wakes the newest waiter, or
/// sets N so the lock holder wakes again). A notify that finds R clear writes nothing.</para>
/// <para>Sink methods (<see cref="Register"/>, <see cref="Unregister"/>) must never run concurrently with
/// each other; the channel guarantees this with its single-consumer guard and the waiter's ownership
/// state. <see cref="Notify"/> may be called from any thread at any time.</para>
/// </remarks>
internal sealed class ReceiverWaker
{
    private const int Index = 1;
    private const int Update = 2;
    private const int Registered = 4;
    private const int Locked = 8;
    private const int Notification = 16;

    private AtomicInt32 _state;
    private Cell<IWakeable?> _slot0;
    private Cell<IWakeable?> _slot1;

    /// <summary>Wakes the registered waiter, if any. Call it after every write the waiter may be waiting for.</summary>
    /// <remarks>
    /// With no waiter registered (a receiver that is keeping up: the common case on a busy channel) this is a
    /// fence and a load, and writes nothing: the senders of a channel share no line but the ring's.
    /// </remarks>
    public void Notify()
    {
        // SeqCst: pairs with the SeqCst fence at the end of Register (store buffering): either the load below
        // sees R, or the sink's re-check after its fence sees our write (the push, the close). Without it the
        // load may be satisfied before our push is visible, and a sink that registers in between sleeps on a
        // message (the notifier used to make a no-op CAS for this, a write to a line every sender shares).
        Atomic.Fence(MemoryOrder.SeqCst);
        // Relaxed: the fence orders it; every successful CAS below carries the ordering of the wake itself.
        var s = _state.Load(MemoryOrder.Relaxed);
        while ((s & Registered) != 0)
        {
            if ((s & Locked) == 0)
            {
                // Take the lock and consume the registration; if a newer waiter was stored, switch to it.
                var n = (s | Locked) & ~Registered;
                if ((s & Update) != 0)
                    n = (n & ~Update) ^ Index;
                // Acquire: pairs with Register's AcqRel publication (the slot write is visible to the read
                // below). No Release: our push reaches the sink through the fence pair (above, and in Register)
                // or through the wake itself; it used to be AcqRel, when no fence preceded this CAS.
                var observed = _state.CompareExchange(s, n, MemoryOrder.Acquire, MemoryOrder.Relaxed);
                if (observed == s)
                {
                    WakeWhileLocked(n);
                    return;
                }

                s = observed;
            }
            else
            {
                // Another notifier holds the lock while the sink is registered: ask it to wake again.
                // Release: pairs with the lock holder's AcqRel CAS that consumes N, so our push happens before
                // the wake it makes again (the fence pair also carries it: justifications.txt).
                var observed = _state.CompareExchange(s, s | Notification, MemoryOrder.Release, MemoryOrder.Relaxed);
                if (observed == s)
                    return;
                s = observed;
            }
        }

        // Not registered (any more): nothing to wake. A registration this load missed is ordered after our
        // fence, so its re-check sees our write; one it saw withdrawn was consumed by another notifier's wake
        // or withdrawn by the sink itself.
    }

    /// <summary>
    /// Registers <paramref name="waiter"/> to be woken by the next <see cref="Notify"/>. Sink only. The
    /// caller must re-check its condition after this returns, and must register again after each wake
    /// (a notifier consumes the registration when it wakes).
    /// </summary>
    /// <param name="waiter">The waiter to wake.</param>
    public void Register(IWakeable waiter)
    {
        // Acquire: pairs with the Release in TryUnlock: a notifier that read a slot has finished with it
        // before we overwrite that slot.
        var s = _state.Load(MemoryOrder.Acquire);
        Debug.Assert(IsValid(s), "invalid waker state at Register");
        var recent = (s & Update) != 0 ? (s & Index) ^ 1 : s & Index;
        if (ReferenceEquals(Slot(recent).Read(), waiter))
        {
            // The same waiter is already stored where a notifier will look: one RMW.
            // AcqRel: Release pairs with the locking notifier's Acquire CAS, so the waiter's state for this
            // wait (written before registering) is what its Wake() reads; Acquire alone loses a wake-up under
            // the C11 model (found by tests/Property; kept as the regressions MpscMutantTests,
            // OrderingWeakeningTests and the broken twin WakerFastPathAcquireOnly). The Acquire half is not
            // needed since the fences below carry the pushes (justifications.txt); an RMW costs the same.
            _state.FetchOr(Registered, MemoryOrder.AcqRel);
            // SeqCst: pairs with Notify's SeqCst fence (store buffering): either that notifier's load sees
            // R, or the caller's re-check, after this fence, sees the notifier's write.
            Atomic.Fence(MemoryOrder.SeqCst);
            return;
        }

        var index = s & Index;
        if ((s & Update) != 0 && (s & Registered) != 0)
        {
            // A notifier could lock now and flip I onto the slot we are about to write: withdraw the
            // registration first (no lock can be taken without R, and a holder without N will not flip).
            // Acquire: as above, and it makes the index we read final until we set R again.
            var before = _state.FetchAnd(~(Registered | Notification), MemoryOrder.Acquire);
            index = before & Index;
        }

        // The slot a lock holder is not reading (it reads slot[I]).
        Slot(index ^ 1).Write(waiter);
        // AcqRel: Release publishes the slot write to the notifier that locks (its Acquire CAS); the Acquire
        // half is not needed, as in the fast path.
        _state.FetchOr(Update | Registered, MemoryOrder.AcqRel);
        // SeqCst: pairs with Notify's SeqCst fence, as in the fast path above.
        Atomic.Fence(MemoryOrder.SeqCst);
    }

    /// <summary>Withdraws the registration (after the sink's re-check succeeded). Sink only.</summary>
    public void Unregister()
    {
        // Relaxed: withdrawing only makes notifiers skip a wake the sink no longer needs; it publishes
        // nothing. The waiter stays cached in its slot for Register's same-waiter fast path.
        _state.FetchAnd(~(Registered | Notification), MemoryOrder.Relaxed);
    }

    /// <summary>Holding the lock: wake slot[I], then unlock, waking again for every N that arrived.</summary>
    private void WakeWhileLocked(int s)
    {
        while (true)
        {
            Debug.Assert(IsValid(s), "invalid waker state before a wake");
            Slot(s & Index).Read()?.Wake();

            // TryUnlock.
            while (true)
            {
                if ((s & Notification) == 0)
                {
                    // Release: pairs with Register's Acquire load: our slot read happens before the sink
                    // overwrites that slot.
                    var observed = _state.CompareExchange(s, s & ~Locked, MemoryOrder.Release, MemoryOrder.Relaxed);
                    if (observed == s)
                        return;
                    s = observed;
                }
                else
                {
                    // Another notify arrived while we held the lock and the sink is registered: consume
                    // the registration again (switching to the newest waiter) and wake once more.
                    var n = s & ~(Notification | Registered);
                    if ((s & Update) != 0)
                        n = (n & ~Update) ^ Index;
                    // AcqRel: Acquire pairs with Register's publication (the new slot is visible); Release as
                    // in the unlock above (our previous slot read is done).
                    var observed = _state.CompareExchange(s, n, MemoryOrder.AcqRel, MemoryOrder.Relaxed);
                    if (observed == s)
                    {
                        s = n;
                        break;
                    }

                    s = observed;
                }
            }
        }
    }

    /// <summary>Waker.tla's StateShape: the five bits only, and N only while a notifier holds the lock for a registered sink.</summary>
    private static bool IsValid(int s) =>
        (s & ~(Index | Update | Registered | Locked | Notification)) == 0 &&
        ((s & Notification) == 0 || (s & (Locked | Registered)) == (Locked | Registered));

    private ref Cell<IWakeable?> Slot(int index) => ref index == 0 ? ref _slot0 : ref _slot1;
}
