------------------------------- MODULE Waker -------------------------------
(***************************************************************************)
(* The receiver waker of the Bounded MPSC channel: diatomic-waker's        *)
(* protocol (one sink, any number of notifiers, two waiter slots, five     *)
(* state bits in one atomic word).  Contract: docs/design/bounded-mpsc.md  *)
(* §2.  Teaching page: docs/protocols/waker.md.                            *)
(*                                                                         *)
(* The sink is the channel's receiver running the WaitUntil pattern:      *)
(* TryPop; on Empty Register(w); TryPop again; if that succeeds            *)
(* Unregister, else wait for w.Wake(); after a wake, Register again and    *)
(* retry.  Each notifier is a sender: it pushes one message (tokens + 1)   *)
(* and then calls Notify().  "tokens" abstracts the ring: a message is     *)
(* available iff tokens > 0.  The receiver uses one of NW waiters per      *)
(* wait: waiter 1 is the async ReceiveOperation (its state word is reset   *)
(* to Running by BeginUse, before Register: a wake left over from an       *)
(* earlier use is erased), waiter 2 the ThreadWaker of the blocking        *)
(* receive (its Parker permit is never reset: a late wake makes the next   *)
(* park return at once, and the receiver re-checks).                       *)
(*                                                                         *)
(* One step = one atomic access: every load, CAS, FetchOr/FetchAnd of      *)
(* `state`, every read or write of a slot (Cell<IWakeable?>), every        *)
(* Wake().  A failed CAS is a step too (it returns the observed value).    *)
(* Sequential consistency: the orderings (Acquire, Release, AcqRel) are    *)
(* not modelled; see docs/protocols/waker.md §5 for a weak-memory lost     *)
(* wake-up that TLA+ cannot show.                                          *)
(*                                                                         *)
(* Actions and the C# that implements them (src/Channels/Mpsc/             *)
(* ReceiverWaker.cs, ReceiverWaker; the receive loops BoundedChannelCore.  *)
(* RunReceiver (async) and BoundedChannelCore.Receive (blocking) in        *)
(* src/Channels/Mpsc/BoundedChannelCore.cs):                               *)
(*   SinkTryPop          Ring.TryPop before registering; on Empty the      *)
(*                       receiver takes a waiter w for this wait           *)
(*                       (ReceiveAsync: RentReceive + ReceiveOperation.    *)
(*                       Begin, which resets it; Receive: the ThreadWaker) *)
(*   SinkLoad            Register: s := _state.Load(Acquire); the          *)
(*                       Slot(recent) is w test; the U && R test           *)
(*   SinkFastOr          Register, same waiter: _state.FetchOr(R, AcqRel)  *)
(*   SinkClearRN         Register, U && R: _state.FetchAnd(~(R|N),         *)
(*                       Acquire)                                          *)
(*   SinkStore           Register: Slot(index ^ 1).Write(w)                *)
(*   SinkPublish         Register: _state.FetchOr(U | R, AcqRel)           *)
(*   SinkRecheck         the Ring.TryPop after Register                    *)
(*   SinkUnregister      Unregister(): _state.FetchAnd(~(R|N), Relaxed)    *)
(*   SinkWoken           the wait ends: w.Wake() was called                *)
(*                       (ReceiveOperation: Waiter.TryPark failed or the   *)
(*                       dispatched RunReceiver; ThreadWaker: Parker.Park  *)
(*                       returned)                                         *)
(*   SinkGiveUp          a receive is cancelled or times out while         *)
(*                       waiting: RunReceiver's cancel branch and          *)
(*                       Receive's finally call Unregister; the waker's    *)
(*                       contract also allows leaving R set (both are      *)
(*                       explored)                                         *)
(*   NotifierPush        a sender's successful Ring.TryPush (the message)  *)
(*   NotifierLoad        Notify: Fence(SeqCst); s := _state.Load(Relaxed); *)
(*                       leave at once if R is clear (nothing written)     *)
(*   NotifierTryLock     Notify: one CAS of its loop (AcqRel on the lock   *)
(*                       path, Release when setting N), success or         *)
(*                       failure; a failure that observes R clear leaves   *)
(*   NotifierWake        WakeWhileLocked: Slot(s & Index).Read()?.Wake()   *)
(*                       (ReceiveOperation.Wake: Waiter.Signal, dispatch;  *)
(*                       ThreadWaker.Wake: Parker.Unpark)                  *)
(*   NotifierTryUnlock   WakeWhileLocked: one CAS of its TryUnlock loop,   *)
(*                       success or failure                                *)
(*                                                                         *)
(* BUG selects a deliberately broken variant (a negative control the       *)
(* runner expects to FAIL; see manifest.json):                             *)
(*   "none"                    the protocol (ReceiverWaker.cs)             *)
(*   "no_renotify"             a notifier that finds the lock taken while  *)
(*                             R is set leaves without setting N           *)
(*                                               -> NoLostWakeup           *)
(*   "unlock_drops_notification" the lock holder clears N and unlocks      *)
(*                             instead of waking again   -> NoLostWakeup    *)
(*   "register_skips_clear"    Register with U && R writes the redundant   *)
(*                             slot without first clearing R|N             *)
(*                                               -> NoSlotRace             *)
(*   "lock_no_flip"            locking clears U without flipping I         *)
(*                                               -> NewestSlot             *)
(*   "trylock_ignores_locked"  try_lock takes the lock whenever R is set   *)
(*                                               -> OneLockHolder          *)
(*   "notify_always_sets_n"    a notifier that finds the lock taken sets   *)
(*                             N even when R is clear    -> StateShape      *)
(*   "load_before_push"        Notify's load is satisfied before the push  *)
(*                             is visible (what the SeqCst fence forbids;  *)
(*                             at SC: the notifier reads the state first,  *)
(*                             then pushes, then acts on what it read)     *)
(*                                               -> NoLostWakeup           *)
(*   "no_recheck"              the receiver waits right after Register,    *)
(*                             without the second TryPop -> NoLostWakeup    *)
(*   "reset_after_register"    the receiver arms (resets) its waiter after *)
(*                             Register instead of before -> NoLostWakeup   *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    NN,         \* number of notifiers (senders)
    Pushes,     \* messages each notifier pushes, each followed by Notify()
    NW,         \* waiters the receiver may use: 1 = ReceiveOperation (reset
                \* when a use begins), 2 = ThreadWaker (never reset)
    BUG

ASSUME NN \in 1..4 /\ Pushes \in 1..3 /\ NW \in 1..2
ASSUME BUG \in {"none", "no_renotify", "unlock_drops_notification",
                "register_skips_clear", "lock_no_flip", "trylock_ignores_locked",
                "notify_always_sets_n", "no_recheck", "reset_after_register",
                "load_before_push"}

Notifiers == 1..NN
Waiters == 1..NW
NoWaiter == 0
Total == NN * Pushes

\* The state word: INDEX=1, UPDATE=2, REGISTERED=4, LOCKED=8, NOTIFICATION=16.
States == [I : {0, 1}, U : BOOLEAN, R : BOOLEAN, L : BOOLEAN, N : BOOLEAN]
Empty == [I |-> 0, U |-> FALSE, R |-> FALSE, L |-> FALSE, N |-> FALSE]

\* The index of the most recently stored waiter: I xor U.
Recent(s) == IF s.U THEN 1 - s.I ELSE s.I

\* Clear U and flip I: done only together, so Recent(s) is unchanged.
Consume(s) == IF s.U THEN [s EXCEPT !.U = FALSE, !.I = 1 - s.I] ELSE s

VARIABLES
    state,      \* AtomicInt32 state
    slot,       \* slot[0], slot[1]: Cell<IWakeable?>
    woken,      \* woken[w]: w.Wake() was called and the wait has not consumed it
    tokens,     \* messages in the ring (abstract)
    consumed,   \* messages the receiver has taken
    spc,        \* sink (receiver) program counter
    sW,         \* the waiter the receiver is using for the current wait
    sIdx,       \* Register's local idx
    npc,        \* notifier program counters
    nObs,       \* notifier local s (the last observed state)
    nLeft,      \* messages notifier n still has to push
    newest      \* ghost: index of the slot the sink published last

vars == <<state, slot, woken, tokens, consumed, spc, sW, sIdx, npc, nObs, nLeft, newest>>

Init ==
    /\ state = Empty
    /\ slot = [i \in {0, 1} |-> NoWaiter]
    /\ woken = [w \in Waiters |-> FALSE]
    /\ tokens = 0
    /\ consumed = 0
    /\ spc = "tryPop"
    /\ sW = 1
    /\ sIdx = 0
    /\ npc = [n \in Notifiers |-> "push"]
    /\ nObs = [n \in Notifiers |-> Empty]
    /\ nLeft = [n \in Notifiers |-> Pushes]
    /\ newest = 0

-----------------------------------------------------------------------------
(* The sink: the receiver *)

SinkUnchanged == UNCHANGED <<npc, nObs, nLeft>>

\* TryPop.  On Empty, take a waiter for this wait: the receiver may use a
\* different IWakeable than last time (async after sync), hence the choice
\* of w.  The async waiter's BeginUse resets its pending wake, BEFORE
\* Register (see the reset_after_register control); the ThreadWaker's permit
\* is never reset.
SinkTryPop ==
    /\ spc = "tryPop"
    /\ IF tokens > 0
       THEN /\ tokens' = tokens - 1 /\ consumed' = consumed + 1
            /\ spc' = IF consumed + 1 = Total THEN "done" ELSE "tryPop"
            /\ UNCHANGED <<woken, sW>>
       ELSE \E w \in Waiters :
            /\ sW' = w
            /\ woken' = IF BUG = "reset_after_register" \/ w = 2 THEN woken
                        ELSE [woken EXCEPT ![w] = FALSE]
            /\ spc' = "load"
            /\ UNCHANGED <<tokens, consumed>>
    /\ UNCHANGED <<state, slot, sIdx, newest>> /\ SinkUnchanged

\* Register(w), first step.  Reading slot[recent] races with nothing: the
\* notifiers only read slots.
SinkLoad ==
    /\ spc = "load"
    /\ LET s == state IN
       IF slot[Recent(s)] = sW
       THEN /\ spc' = "fastOr" /\ UNCHANGED sIdx
       ELSE /\ sIdx' = s.I
            /\ spc' = IF s.U /\ s.R /\ BUG /= "register_skips_clear"
                      THEN "clearRN" ELSE "store"
    /\ UNCHANGED <<state, slot, woken, tokens, consumed, sW, newest>> /\ SinkUnchanged

AfterRegister == CASE BUG = "no_recheck" -> "parked"
                   [] BUG = "reset_after_register" -> "reset"
                   [] OTHER -> "recheck"

SinkFastOr ==
    /\ spc = "fastOr"
    /\ state' = [state EXCEPT !.R = TRUE]
    /\ spc' = AfterRegister
    /\ UNCHANGED <<slot, woken, tokens, consumed, sW, sIdx, newest>> /\ SinkUnchanged

\* With U && R a notifier could lock, flip I and read slot[1 - idx]: clear
\* R (and N) first, so no notifier can lock, and take idx from the result.
SinkClearRN ==
    /\ spc = "clearRN"
    /\ state' = [state EXCEPT !.R = FALSE, !.N = FALSE]
    /\ sIdx' = state.I
    /\ spc' = "store"
    /\ UNCHANGED <<slot, woken, tokens, consumed, sW, newest>> /\ SinkUnchanged

SinkStore ==
    /\ spc = "store"
    /\ slot' = [slot EXCEPT ![1 - sIdx] = sW]
    /\ spc' = "publish"
    /\ UNCHANGED <<state, woken, tokens, consumed, sW, sIdx, newest>> /\ SinkUnchanged

SinkPublish ==
    /\ spc = "publish"
    /\ state' = [state EXCEPT !.U = TRUE, !.R = TRUE]
    /\ newest' = 1 - sIdx
    /\ spc' = AfterRegister
    /\ UNCHANGED <<slot, woken, tokens, consumed, sW, sIdx>> /\ SinkUnchanged

\* Only in the reset_after_register control: arming the waiter after
\* Register erases a wake that arrived in between.
SinkReset ==
    /\ spc = "reset"
    /\ woken' = [woken EXCEPT ![sW] = FALSE]
    /\ spc' = "recheck"
    /\ UNCHANGED <<state, slot, tokens, consumed, sW, sIdx, newest>> /\ SinkUnchanged

SinkRecheck ==
    /\ spc = "recheck"
    /\ IF tokens > 0
       THEN /\ tokens' = tokens - 1 /\ consumed' = consumed + 1
            /\ spc' = "unregister"
       ELSE /\ spc' = "parked"
            /\ UNCHANGED <<tokens, consumed>>
    /\ UNCHANGED <<state, slot, woken, sW, sIdx, newest>> /\ SinkUnchanged

SinkUnregister ==
    /\ spc = "unregister"
    /\ state' = [state EXCEPT !.R = FALSE, !.N = FALSE]
    /\ spc' = IF consumed = Total THEN "done" ELSE "tryPop"
    /\ UNCHANGED <<slot, woken, tokens, consumed, sW, sIdx, newest>> /\ SinkUnchanged

\* The wait ends when w.Wake() has been called; the receiver consumes the
\* wake and registers again before retrying (the notifier cleared R).
SinkWoken ==
    /\ spc = "parked" /\ woken[sW]
    /\ woken' = [woken EXCEPT ![sW] = FALSE]
    /\ spc' = "load"
    /\ UNCHANGED <<state, slot, tokens, consumed, sW, sIdx, newest>> /\ SinkUnchanged

\* A receive with a timeout or a cancellation token gives up while waiting.
\* The code then unregisters (SinkUnregister; consumed < Total, so the next
\* receive follows).  diatomic-waker also allows a registration to be left
\* behind (it costs at most one spurious wake): then the next receive may
\* register a different waiter while R (and U) are still set, which is
\* what reaches Register's U && R branch.  Both are explored.
SinkGiveUp ==
    /\ spc = "parked"
    /\ spc' \in {"unregister", "tryPop"}
    /\ UNCHANGED <<state, slot, woken, tokens, consumed, sW, sIdx, newest>> /\ SinkUnchanged

-----------------------------------------------------------------------------
(* The notifiers: senders *)

NotifierUnchanged == UNCHANGED <<slot, consumed, spc, sW, sIdx, newest>>

NotifierPush(n) ==
    /\ npc[n] = "push" /\ nLeft[n] > 0 /\ BUG /= "load_before_push"
    /\ tokens' = tokens + 1
    /\ nLeft' = [nLeft EXCEPT ![n] = @ - 1]
    /\ npc' = [npc EXCEPT ![n] = "load"]
    /\ UNCHANGED <<state, woken, nObs>> /\ NotifierUnchanged

AfterNotify(n) == IF nLeft[n] > 0 THEN "push" ELSE "done"

\* Whether Notify goes on after observing s: only while R is set (a notify
\* that finds nobody registered writes nothing).  The notify_always_sets_n
\* control also goes on when only L is set.
GoesOn(s) == s.R \/ (BUG = "notify_always_sets_n" /\ s.L)

\* The fence, then the load (one step: the fence is not a state change at SC).
NotifierLoad(n) ==
    /\ npc[n] = "load"
    /\ nObs' = [nObs EXCEPT ![n] = state]
    /\ npc' = [npc EXCEPT ![n] = IF GoesOn(state) THEN "tryLock" ELSE AfterNotify(n)]
    /\ UNCHANGED <<state, woken, tokens, nLeft>> /\ NotifierUnchanged

\* Control load_before_push: the load happens first ("early"), the push
\* second, and the notifier then acts on the stale observation.
NotifierEarlyLoad(n) ==
    /\ BUG = "load_before_push" /\ npc[n] = "push" /\ nLeft[n] > 0
    /\ nObs' = [nObs EXCEPT ![n] = state]
    /\ npc' = [npc EXCEPT ![n] = "pushLate"]
    /\ UNCHANGED <<state, woken, tokens, nLeft>> /\ NotifierUnchanged

NotifierLatePush(n) ==
    /\ npc[n] = "pushLate"
    /\ tokens' = tokens + 1
    /\ nLeft' = [nLeft EXCEPT ![n] = @ - 1]
    /\ npc' = [npc EXCEPT ![n] = IF GoesOn(nObs[n]) THEN "tryLock"
                                  ELSE IF nLeft[n] > 1 THEN "push" ELSE "done"]
    /\ UNCHANGED <<state, woken, nObs>> /\ NotifierUnchanged

\* try_lock: one CAS attempt from the observed value s (R is set).
\*   !L: take the lock: set L, clear R, and if U clear U and flip I
\*       (so slot[I] is the newest waiter);
\*   L:  set N (the holder will wake again) and leave.
\* A failed CAS observes the current state and leaves if R is clear.
NotifierTryLock(n) ==
    /\ npc[n] = "tryLock"
    /\ LET s == nObs[n]
           canLock == IF BUG = "trylock_ignores_locked" THEN s.R ELSE s.R /\ ~s.L
           locked == IF BUG = "lock_no_flip"
                     THEN [s EXCEPT !.L = TRUE, !.R = FALSE, !.U = FALSE]
                     ELSE Consume([s EXCEPT !.L = TRUE, !.R = FALSE])
           other == IF BUG = "no_renotify" THEN s ELSE [s EXCEPT !.N = TRUE]
       IN IF state = s
          THEN IF canLock
               THEN /\ state' = locked
                    /\ nObs' = [nObs EXCEPT ![n] = locked]
                    /\ npc' = [npc EXCEPT ![n] = "wake"]
               ELSE /\ state' = other
                    /\ npc' = [npc EXCEPT ![n] = AfterNotify(n)]
                    /\ UNCHANGED nObs
          ELSE /\ nObs' = [nObs EXCEPT ![n] = state]        \* CAS failed
               /\ npc' = [npc EXCEPT ![n] = IF GoesOn(state) THEN "tryLock" ELSE AfterNotify(n)]
               /\ UNCHANGED state
    /\ UNCHANGED <<woken, tokens, nLeft>> /\ NotifierUnchanged

\* The lock holder reads slot[I] (the sink never writes that slot now) and
\* wakes the waiter in it.
NotifierWake(n) ==
    /\ npc[n] = "wake"
    /\ LET w == slot[nObs[n].I] IN
       woken' = IF w = NoWaiter THEN woken ELSE [woken EXCEPT ![w] = TRUE]
    /\ npc' = [npc EXCEPT ![n] = "tryUnlock"]
    /\ UNCHANGED <<state, tokens, nObs, nLeft>> /\ NotifierUnchanged

\* try_unlock: one CAS attempt.
\*   !N: clear L and leave;
\*   N:  a notifier asked for another wake: clear N and R (and consume U,
\*       flipping I onto the newest waiter), keep L, and wake again.
NotifierTryUnlock(n) ==
    /\ npc[n] = "tryUnlock"
    /\ LET s == nObs[n]
           again == Consume([s EXCEPT !.N = FALSE, !.R = FALSE])
       IN IF state = s
          THEN IF ~s.N \/ BUG = "unlock_drops_notification"
               THEN /\ state' = [s EXCEPT !.L = FALSE, !.N = FALSE]
                    /\ npc' = [npc EXCEPT ![n] = AfterNotify(n)]
                    /\ UNCHANGED nObs
               ELSE /\ state' = again
                    /\ nObs' = [nObs EXCEPT ![n] = again]
                    /\ npc' = [npc EXCEPT ![n] = "wake"]
          ELSE /\ nObs' = [nObs EXCEPT ![n] = state]        \* CAS failed
               /\ UNCHANGED <<state, npc>>
    /\ UNCHANGED <<woken, tokens, nLeft>> /\ NotifierUnchanged

Terminated ==
    /\ spc = "done" /\ \A n \in Notifiers : npc[n] = "done"
    /\ UNCHANGED vars

Next ==
    \/ SinkTryPop \/ SinkLoad \/ SinkFastOr \/ SinkClearRN \/ SinkStore
    \/ SinkPublish \/ SinkReset \/ SinkRecheck \/ SinkUnregister \/ SinkWoken
    \/ SinkGiveUp
    \/ \E n \in Notifiers :
          \/ NotifierPush(n) \/ NotifierLoad(n) \/ NotifierTryLock(n)
          \/ NotifierWake(n) \/ NotifierTryUnlock(n)
          \/ NotifierEarlyLoad(n) \/ NotifierLatePush(n)
    \/ Terminated

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

Holders == {n \in Notifiers : npc[n] \in {"wake", "tryUnlock"}}

TypeOK ==
    /\ state \in States
    /\ slot \in [{0, 1} -> Waiters \cup {NoWaiter}]
    /\ woken \in [Waiters -> BOOLEAN]
    /\ tokens \in 0..Total /\ consumed \in 0..Total
    /\ spc \in {"tryPop", "load", "fastOr", "clearRN", "store", "publish", "reset",
                "recheck", "unregister", "parked", "done"}
    /\ sW \in Waiters /\ sIdx \in {0, 1}
    /\ npc \in [Notifiers -> {"push", "pushLate", "load", "tryLock", "wake", "tryUnlock", "done"}]
    /\ nObs \in [Notifiers -> States]
    /\ nLeft \in [Notifiers -> 0..Pushes]
    /\ newest \in {0, 1}

\* Valid states: N = 0 with anything else, or N /\ L /\ R.
StateShape == state.N => (state.L /\ state.R)

\* At most one notifier holds the lock, and L says whether one does.
OneLockHolder == Cardinality(Holders) <= 1 /\ (state.L <=> Holders /= {})

\* The sink never writes the slot a lock holder is about to read.
NoSlotRace ==
    spc = "store" => \A n \in Holders : npc[n] = "wake" => nObs[n].I /= 1 - sIdx

\* I xor U names the slot the sink published last: notifiers never change it.
NewestSlot == Recent(state) = newest

\* No lost wake-up, as a safety property: no reachable state where the
\* receiver waits, a message is available, no notifier is inside Notify
\* (or between its push and its Notify), and no wake is pending for the
\* receiver's waiter.  (Such a state is stuck: nothing would ever wake it.)
NoLostWakeup ==
    ~ /\ spc = "parked"
      /\ tokens > 0
      /\ \A n \in Notifiers : npc[n] \in {"push", "done"}
      /\ ~woken[sW]
=============================================================================
