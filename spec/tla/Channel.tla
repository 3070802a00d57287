------------------------------- MODULE Channel -------------------------------
(***************************************************************************)
(* The Bounded MPSC channel as the C# code implements it: the ring, the    *)
(* receiver waker and the sender waiter list composed, with the waiting    *)
(* receive's own ownership state word, close from either side (one winner  *)
(* does the wake-ups), cancellation and timeouts of sends.  Contract:      *)
(* docs/design/bounded-mpsc.md §4.  Teaching page: docs/protocols/         *)
(* channel.md.                                                             *)
(*                                                                         *)
(* Composition at the interfaces.  Each primitive enters with the          *)
(* granularity its own module justifies:                                   *)
(*  - the ring (Ring.tla) as its linearizable operations, except that a    *)
(*    push stays two steps, the claim (the CAS) and the publication (value *)
(*    + stamp), because a claimed-but-unpublished push is what makes      *)
(*    TryPop answer Empty while the ring is not empty;                     *)
(*  - the receiver waker (Waker.tla) as its specification: Register is     *)
(*    its final RMW that sets R, Notify is one step that consumes R (the  *)
(*    lock CAS; with R clear it reads and writes nothing) and a            *)
(*    later, separate Wake() of the registered waiter (so wakes arrive     *)
(*    late, and hit whatever use of the cached waiter is current),         *)
(*    Unregister clears R.  Waker.tla checks that the bit-level protocol   *)
(*    loses no wake-up under exactly this use;                             *)
(*  - the sender waiter list with every step of SenderWaiter.tla (see its  *)
(*    header for the granularity argument), each push split as above and  *)
(*    followed by ReceiverWaker.Notify.                                    *)
(* The waiting receive is the asynchronous one (ReceiveAsync): its         *)
(* ReceiveOperation has the same state word as a SendWaiter (Running /     *)
(* Waiting / Notified; Idle between uses), and ReceiveOperation.Wake is    *)
(* Signal + dispatch.  Receives are not cancelled here (Waker.tla gives    *)
(* up waits); the blocking receive (ThreadWaker) is Waker.tla's too.       *)
(*                                                                         *)
(* Each sender makes one call (its own id; the last NProbe senders are     *)
(* WaitToWriteAsync probes); the ring may start holding Prefill earlier    *)
(* messages (ids NS+1..), so that senders block at once.  The receiver     *)
(* receives until it sees Closed.                                          *)
(*                                                                         *)
(* Actions and the C# that implements them.  Files: src/Channels/Mpsc/     *)
(* BoundedChannelCore.cs (BCC), SenderWaiterList.cs (SWL), SendWaiter.cs   *)
(* (SW), ReceiveOperation.cs (RO), ReceiverWaker.cs (RW), Ring.cs;         *)
(* src/Channels/Internal/Waiter.cs (W).                                    *)
(*   SenderTryPush(s)     BCC.SendAsync / Send / WaitToSendAsync: the      *)
(*                        first Ring.TryPush's claim (CAS), Full, Closed   *)
(*                        (Ring.ProbeSpace for a probe); Full: SWL.Rent,   *)
(*                        SW.BeginAsync, BCC.RunSender(skipFirstAttempt)   *)
(*   SenderPublish(s)     Ring.TryPush: Value.Write; Stamp.Store(Release)  *)
(*   SenderNotify(s)      RW.Notify: fence, load; the lock CAS if R is set *)
(*   SenderWake(s)        RW.WakeWhileLocked: slot.Wake() = RO.Wake        *)
(*                        (W.Signal; BCC.Dispatch if it was Waiting)       *)
(*   SenderCheckCancel(s), SenderAttempt(s),                               *)
(*   SenderEnqueue(s), SenderRecheck(s), SenderRemove(s), SenderArm(s),    *)
(*   SenderTryPark(s), SenderParkFailed(s), SenderForwardCheck(s),         *)
(*   SenderForwardPop(s), CancelRequest(s), CancelLocked(s)                *)
(*                        as in SenderWaiter.tla (BCC.RunSender, SWL, W),  *)
(*                        with BCC.Attempt's push split as above           *)
(*                        (SenderExecute(s), ForgetWaiter(s): the          *)
(*                        forgotten_waiter control only; RogueRun(s): the  *)
(*                        signal_starts_running control only)              *)
(*   ReceiverTryPop       BCC.ReceiveAsync: BCC.EnterReceive; Ring.TryPop  *)
(*                        (fast path); Empty: BCC.RentReceive, RO.Begin    *)
(*                        (Running), BCC.RunReceiver                       *)
(*   ReceiverWokenCheck   RO.Execute -> BCC.RunReceiver(checkFirst), after *)
(*                        a wake: Ring.TryPop before registering (a hit    *)
(*                        needs no Register and no Unregister)             *)
(*   ReceiverRegister     BCC.RunReceiver loop top: RW.Register(op)        *)
(*   ReceiverRecheck      BCC.RunReceiver: Ring.TryPop after Register      *)
(*   ReceiverUnregister   BCC.RunReceiver: RW.Unregister (then AfterPop,   *)
(*                        RO.Finish)                                       *)
(*   ReceiverTryPark      BCC.RunReceiver: W.ArmOnce; W.TryPark (a failed *)
(*                        park loops: Register again, re-check)            *)
(*   ReceiverNotifyCheck  BCC.AfterPop: Fence(SeqCst);                     *)
(*                        SWL.NotifyOneAfterFence: isEmpty.Load            *)
(*   ReceiverNotifyPop    SWL.NotifyOneAfterFence: lock; Unlink(head);     *)
(*                        SWL.Deliver; unlock (then RO.Finish)             *)
(*   ReceiverCloseCas, ReceiverCloseRing, ReceiverCloseCheck,              *)
(*   ReceiverCloseNotifyAll  MpscReceiver.Close -> BCC.Close between two   *)
(*                        receives (its RW.Notify finds R clear: a         *)
(*                        receiver between receives is never registered)   *)
(*   CloseCas             BCC.Close: _completionError.CompareExchange      *)
(*                        (one winner)                                     *)
(*   CloseRing            BCC.Close: Ring.Close (the loser too)            *)
(*   CloseNotify, CloseWake  the winner: RW.Notify (consume R; Wake)       *)
(*   CloseNotifyCheck, CloseNotifyAll  the winner: SWL.NotifyAll           *)
(* Not modelled: BCC.SignalDrained and the Completion task (_closing,      *)
(* _drained), which decide nothing a send or receive returns.              *)
(*                                                                         *)
(* BUG selects a deliberately broken variant (negative controls):          *)
(*   "none"                   the protocol                                 *)
(*   "forgotten_waiter"       tachyonix's forgotten sender -> with no      *)
(*                            close and no cancellation, the checker's     *)
(*                            deadlock detection finds the documented      *)
(*                            deadlock: empty ring, receiver waiting, a    *)
(*                            live sender listed, nobody left to notify it *)
(*   "retry_skips_notify"     a runner's push at the loop top (a woken     *)
(*                            sender's retry) does not notify the receiver *)
(*                                                   -> NoLostWakeup       *)
(*   "close_skips_notify_all" Close does not wake the blocked senders      *)
(*                                                   -> NoStrandedWaiter   *)
(*   "close_skips_receiver_notify" the winning Close does not notify the   *)
(*                            receiver               -> NoLostWakeup       *)
(*   "closed_before_drain"    TryPop reports Closed as soon as CLOSED is   *)
(*                            set, before the ring is drained              *)
(*                                                   -> DeliveredBeforeClosed*)
(*   "slow_pop_skips_notify_one" a pop made by RunReceiver's re-check does *)
(*                            not call AfterPop      -> NoStrandedWaiter   *)
(*   "signal_starts_running"  W.Signal on a Running sender node starts a   *)
(*                            second runner instead of Running -> Notified *)
(*                            (the first draft's Wake, FINDINGS F2): the   *)
(*                            first runner parks unlisted -> WaitersListed *)
(*                            and the item goes in twice -> NoDuplicate    *)
(*   "receiver_wake_lost_if_running" RO.Wake on a Running receive does     *)
(*                            nothing (no Notified): a wake that lands     *)
(*                            between the re-check and TryPark is lost     *)
(*                                                   -> NoLostWakeup       *)
(*   "cancel_completes_running" SWL.Cancel completes any listed sender     *)
(*                            node, even one whose runner is running (F1): *)
(*                            the cancelled message is delivered           *)
(*                                                   -> SendOutcomeExact   *)
(*   "loser_skips_ring_close" the Close that lost the completion CAS       *)
(*                            returns without Ring.Close: it returns while *)
(*                            the channel is still open (sends succeed     *)
(*                            after it)              -> ClosedOnReturn     *)
(*   "woken_check_parks"      a woken receive that finds the ring empty    *)
(*                            parks again without registering (the look    *)
(*                            before registering taken for the re-check)   *)
(*                                                   -> NoLostWakeup       *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    NS,             \* senders, each making one call
    C,              \* ring capacity
    Prefill,        \* messages already in the ring at the start
    NCancel,        \* senders 1..NCancel may be cancelled or time out
    NProbe,         \* senders NS-NProbe+1..NS are WaitToWriteAsync probes
    CloseBySender,  \* a Close() on another thread (a sender) may happen
    CloseByReceiver,\* the receiver may Close() between two receives
    BUG

ASSUME NS \in 1..3 /\ C \in 1..3 /\ Prefill \in 0..C /\ NCancel \in 0..NS
ASSUME NProbe \in 0..NS /\ CloseBySender \in BOOLEAN /\ CloseByReceiver \in BOOLEAN
ASSUME BUG \in {"none", "forgotten_waiter", "retry_skips_notify",
                "close_skips_notify_all", "close_skips_receiver_notify",
                "closed_before_drain", "slow_pop_skips_notify_one",
                "signal_starts_running", "receiver_wake_lost_if_running",
                "loser_skips_ring_close", "cancel_completes_running",
                "woken_check_parks"}

Senders == 1..NS
Cancellable == 1..NCancel
Probes == (NS - NProbe + 1)..NS
Msgs == 1..(NS + Prefill)

VARIABLES
    q,          \* the ring: claimed positions in order, [m |-> id, pub |-> published?]
    closed,     \* the CLOSED bit of enqueuePos
    regR,       \* the waker's REGISTERED bit
    rst,        \* the receive waiter's state word: "idle", "running", "waiting", "notified"
    list, isEmpty,             \* the sender waiter list
    st, cr, swn, spc, ntf, fin, cpc,  \* sender nodes, runners, cancellations (SenderWaiter.tla)
    kont,       \* where a sender goes after its push's Notify: "fast", "finish", "remove"
    rogue,      \* control "signal_starts_running": a second runner was started
    rpc,        \* receiver program counter
    rClosed,    \* the receiver has called Close()
    clpc,       \* the other closer's program counter
    winner,     \* who won BCC.Close's completion CAS: "none", "sender", "receiver"
    closedOnReturn, \* ghost: a Close() returned while the ring was open
    received,   \* ghost: messages received, in order
    result, completions, pushed  \* ghosts, as in SenderWaiter.tla

vars == <<q, closed, regR, rst, list, isEmpty, st, cr, swn, spc, ntf, fin, cpc,
          kont, rogue, rpc, rClosed, clpc, winner, closedOnReturn, received,
          result, completions, pushed>>

Init ==
    /\ q = [i \in 1..Prefill |-> [m |-> NS + i, pub |-> TRUE]]
    /\ closed = FALSE
    /\ regR = FALSE
    /\ rst = "idle"
    /\ list = <<>>
    /\ isEmpty = TRUE
    /\ st = [s \in Senders |-> "idle"]
    /\ cr = [s \in Senders |-> FALSE]
    /\ swn = [s \in Senders |-> FALSE]
    /\ spc = [s \in Senders |-> "start"]
    /\ ntf = [s \in Senders |-> FALSE]
    /\ fin = [s \in Senders |-> "none"]
    /\ cpc = [s \in Senders |-> IF s \in Cancellable THEN "unarmed" ELSE "never"]
    /\ kont = [s \in Senders |-> "none"]
    /\ rogue = [s \in Senders |-> FALSE]
    /\ rpc = "tryPop"
    /\ rClosed = ~CloseByReceiver
    /\ clpc = IF CloseBySender THEN "open" ELSE "never"
    /\ winner = "none"
    /\ closedOnReturn = FALSE
    /\ received = <<>>
    /\ result = [s \in Senders |-> "none"]
    /\ completions = [s \in Senders |-> 0]
    /\ pushed = [s \in Senders |-> 0]

Range(x) == {x[i] : i \in DOMAIN x}
Unlink(l, s) == SelectSeq(l, LAMBDA x : x /= s)
PopFront(l) == IF l = <<>> THEN l ELSE Tail(l)
FrontSet(l) == IF l = <<>> THEN {} ELSE {l[1]}
Complete(s, r) ==
    /\ result' = [result EXCEPT ![s] = r]
    /\ completions' = [completions EXCEPT ![s] = @ + 1]
Publish(s) == [i \in DOMAIN q |-> IF q[i].m = s THEN [q[i] EXCEPT !.pub = TRUE] ELSE q[i]]
Space == Len(q) < C

\* SW.Finish (see SenderWaiter.tla): the node is Completed; dead locals reset.
Finish(s, r) ==
    /\ st' = [st EXCEPT ![s] = "completed"]
    /\ spc' = [spc EXCEPT ![s] = "done"]
    /\ fin' = [fin EXCEPT ![s] = "none"]
    /\ ntf' = [ntf EXCEPT ![s] = FALSE]
    /\ swn' = [swn EXCEPT ![s] = FALSE]
    /\ Complete(s, r)

\* W.Signal on a sender node (Waiting -> Running, Running -> Notified).
SigState(x) ==
    CASE st[x] = "waiting" -> "running"
      [] st[x] = "running" /\ BUG /= "signal_starts_running" -> "notified"
      [] OTHER -> st[x]

\* SWL.Deliver, under the lock, on every node of ns.
DeliverSt(ns) == [x \in Senders |-> IF x \in ns THEN SigState(x) ELSE st[x]]
DeliverPc(ns) == [x \in Senders |-> IF x \in ns /\ st[x] = "waiting"
                                    THEN (IF BUG = "forgotten_waiter" THEN "dispatched" ELSE "top")
                                    ELSE spc[x]]
DeliverNtf(ns) == [x \in Senders |-> IF x \in ns /\ st[x] = "waiting" THEN TRUE ELSE ntf[x]]
DeliverSwn(ns) == [x \in Senders |-> IF x \in ns THEN TRUE ELSE swn[x]]
DeliverRogue(ns) == [x \in Senders |-> rogue[x] \/
                       (BUG = "signal_starts_running" /\ x \in ns /\ st[x] = "running")]

\* RO.Wake = W.Signal on the receive waiter, then BCC.Dispatch if it was
\* Waiting (RO.Execute: its RunReceiver looks at the ring first, "woken").
WakeReceiver ==
    /\ rst' = CASE rst = "waiting" -> "running"
                [] rst = "running" /\ BUG /= "receiver_wake_lost_if_running" -> "notified"
                [] OTHER -> rst
    /\ rpc' = IF rst = "waiting" THEN "woken" ELSE rpc

\* Variables the sender-side steps leave alone unless they say so.
RecvVars == <<rpc, rClosed, received, winner, closedOnReturn>>

-----------------------------------------------------------------------------
(* Senders.  The waiter-list steps are SenderWaiter.tla's, with every push *)
(* split into claim, publication, and ReceiverWaker.Notify (R?, Wake).     *)
(* kont: where the sender goes after its Notify: "fast" (the call returns  *)
(* Sent), "finish" (a runner's push at the loop top: SW.Finish), "remove"  *)
(* (the push after Enqueue: SWL.Remove, maybe a forward, SW.Finish).       *)

\* Ring.TryPush's claim (or ProbeSpace's answer).  Pushed: claim the next
\* position and go publish, then notify, then `k`; a probe finding space
\* goes to `space`; Full goes to `full`; Closed goes to `closedTo`.
Claim(s, k) ==
    /\ q' = Append(q, [m |-> s, pub |-> FALSE])
    /\ pushed' = [pushed EXCEPT ![s] = @ + 1]
    /\ kont' = [kont EXCEPT ![s] = k]

SenderTryPush(s) ==
    /\ spc[s] = "start"
    /\ CASE closed ->
              /\ spc' = [spc EXCEPT ![s] = "done"]
              /\ Complete(s, "closed")
              /\ UNCHANGED <<q, pushed, kont, st>>
         [] Space /\ s \in Probes ->
              /\ spc' = [spc EXCEPT ![s] = "done"]
              /\ Complete(s, "sent")
              /\ UNCHANGED <<q, pushed, kont, st>>
         [] Space ->
              /\ Claim(s, "fast")
              /\ spc' = [spc EXCEPT ![s] = "pub"]
              /\ UNCHANGED <<result, completions, st>>
         [] OTHER ->
              /\ st' = [st EXCEPT ![s] = "running"]
              /\ spc' = [spc EXCEPT ![s] = "enqueue"]
              /\ UNCHANGED <<q, pushed, kont, result, completions>>
    /\ UNCHANGED <<closed, regR, rst, list, isEmpty, cr, swn, ntf, fin, cpc, rogue, clpc>>
    /\ UNCHANGED RecvVars

SenderPublish(s) ==
    /\ spc[s] = "pub"
    /\ q' = Publish(s)
    /\ IF kont[s] = "finish" /\ BUG = "retry_skips_notify"
       THEN /\ Finish(s, "sent")
            /\ kont' = [kont EXCEPT ![s] = "none"]
       ELSE /\ spc' = [spc EXCEPT ![s] = "notify"]
            /\ UNCHANGED <<st, fin, ntf, swn, result, completions, kont>>
    /\ UNCHANGED <<closed, regR, rst, list, isEmpty, cr, cpc, rogue, clpc, pushed>>
    /\ UNCHANGED RecvVars

\* After the push's Notify: continue where the push was made.
AfterNotify(s) ==
    /\ kont' = [kont EXCEPT ![s] = "none"]
    /\ CASE kont[s] = "fast" ->
              /\ spc' = [spc EXCEPT ![s] = "done"]
              /\ Complete(s, "sent")
              /\ UNCHANGED <<st, fin, ntf, swn>>
         [] kont[s] = "finish" ->
              Finish(s, "sent")
         [] OTHER ->
              /\ spc' = [spc EXCEPT ![s] = "remove"]
              /\ fin' = [fin EXCEPT ![s] = "sent"]
              /\ UNCHANGED <<st, ntf, swn, result, completions>>

\* RW.Notify: a notify that finds R set consumes it (the lock CAS); Wake() is the
\* next step. One that finds R clear changes nothing.
SenderNotify(s) ==
    /\ spc[s] = "notify"
    /\ regR' = FALSE
    /\ IF regR
       THEN /\ spc' = [spc EXCEPT ![s] = "wake"]
            /\ UNCHANGED <<st, fin, ntf, swn, result, completions, kont>>
       ELSE AfterNotify(s)
    /\ UNCHANGED <<q, closed, rst, list, isEmpty, cr, cpc, rogue, clpc, pushed, rpc>>
    /\ UNCHANGED <<rClosed, received, winner, closedOnReturn>>

SenderWake(s) ==
    /\ spc[s] = "wake"
    /\ WakeReceiver
    /\ AfterNotify(s)
    /\ UNCHANGED <<q, closed, regR, list, isEmpty, cr, cpc, rogue, clpc, pushed>>
    /\ UNCHANGED <<rClosed, received, winner, closedOnReturn>>

SenderExecute(s) ==
    /\ spc[s] = "dispatched"
    /\ spc' = [spc EXCEPT ![s] = "top"]
    /\ ntf' = [ntf EXCEPT ![s] = swn[s]]
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, st, cr, swn, fin, cpc, kont, rogue,
                   clpc, result, completions, pushed>>
    /\ UNCHANGED RecvVars

ForgetWaiter(s) ==
    /\ BUG = "forgotten_waiter" /\ spc[s] = "dispatched"
    /\ spc' = [spc EXCEPT ![s] = "forgotten"]
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, st, cr, swn, ntf, fin, cpc, kont,
                   rogue, clpc, result, completions, pushed>>
    /\ UNCHANGED RecvVars

\* The second runner of "signal_starts_running": its own attempt at the
\* loop top (a push, published at once; its completion is not modelled).
RogueRun(s) ==
    /\ rogue[s]
    /\ rogue' = [rogue EXCEPT ![s] = FALSE]
    /\ IF ~closed /\ Space /\ ~cr[s]
       THEN /\ q' = Append(q, [m |-> s, pub |-> TRUE])
            /\ pushed' = [pushed EXCEPT ![s] = @ + 1]
       ELSE UNCHANGED <<q, pushed>>
    /\ UNCHANGED <<closed, regR, rst, list, isEmpty, st, cr, swn, spc, ntf, fin, cpc, kont,
                   clpc, result, completions>>
    /\ UNCHANGED RecvVars

SenderCheckCancel(s) ==
    /\ spc[s] = "top"
    /\ IF cr[s]
       THEN IF ntf[s]
            THEN /\ spc' = [spc EXCEPT ![s] = "fwdCheck"]
                 /\ fin' = [fin EXCEPT ![s] = "cancelled"]
                 /\ UNCHANGED <<st, ntf, swn, result, completions>>
            ELSE Finish(s, "cancelled")
       ELSE /\ spc' = [spc EXCEPT ![s] = "attempt"]
            /\ UNCHANGED <<st, fin, ntf, swn, result, completions>>
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, cr, cpc, kont, rogue, clpc, pushed>>
    /\ UNCHANGED RecvVars

SenderAttempt(s) ==
    /\ spc[s] = "attempt"
    /\ CASE closed ->
              /\ Finish(s, "closed")
              /\ UNCHANGED <<q, pushed, kont>>
         [] Space /\ s \in Probes ->
              /\ IF ntf[s]
                 THEN /\ spc' = [spc EXCEPT ![s] = "fwdCheck"]
                      /\ fin' = [fin EXCEPT ![s] = "sent"]
                      /\ UNCHANGED <<st, ntf, swn, result, completions>>
                 ELSE Finish(s, "sent")
              /\ UNCHANGED <<q, pushed, kont>>
         [] Space ->
              /\ Claim(s, "finish")
              /\ spc' = [spc EXCEPT ![s] = "pub"]
              /\ UNCHANGED <<st, fin, ntf, swn, result, completions>>
         [] OTHER ->
              /\ spc' = [spc EXCEPT ![s] = "enqueue"]
              /\ UNCHANGED <<q, pushed, kont, st, fin, ntf, swn, result, completions>>
    /\ UNCHANGED <<closed, regR, rst, list, isEmpty, cr, cpc, rogue, clpc>>
    /\ UNCHANGED RecvVars

SenderEnqueue(s) ==
    /\ spc[s] = "enqueue"
    /\ IF cr[s]
       THEN /\ Finish(s, "cancelled")
            /\ UNCHANGED <<list, isEmpty>>
       ELSE /\ list' = IF ntf[s] THEN <<s>> \o list ELSE Append(list, s)
            /\ isEmpty' = FALSE
            /\ swn' = [swn EXCEPT ![s] = FALSE]
            /\ ntf' = [ntf EXCEPT ![s] = FALSE]
            /\ spc' = [spc EXCEPT ![s] = "recheck"]
            /\ UNCHANGED <<st, fin, result, completions>>
    /\ UNCHANGED <<q, closed, regR, rst, cr, cpc, kont, rogue, clpc, pushed>>
    /\ UNCHANGED RecvVars

SenderRecheck(s) ==
    /\ spc[s] = "recheck"
    /\ CASE closed ->
              /\ spc' = [spc EXCEPT ![s] = "remove"]
              /\ fin' = [fin EXCEPT ![s] = "closed"]
              /\ UNCHANGED <<q, pushed, kont>>
         [] Space /\ s \in Probes ->
              /\ spc' = [spc EXCEPT ![s] = "remove"]
              /\ fin' = [fin EXCEPT ![s] = "sent"]
              /\ UNCHANGED <<q, pushed, kont>>
         [] Space ->
              /\ Claim(s, "remove")
              /\ spc' = [spc EXCEPT ![s] = "pub"]
              /\ UNCHANGED fin
         [] OTHER ->
              /\ spc' = [spc EXCEPT ![s] = IF cpc[s] = "unarmed" THEN "arm" ELSE "tryPark"]
              /\ UNCHANGED <<q, pushed, kont, fin>>
    /\ UNCHANGED <<closed, regR, rst, list, isEmpty, st, cr, swn, ntf, cpc, rogue, clpc,
                   result, completions>>
    /\ UNCHANGED RecvVars

SenderRemove(s) ==
    /\ spc[s] = "remove"
    /\ IF s \in Range(list)
       THEN /\ list' = Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ Finish(s, fin[s])
       ELSE /\ IF swn[s]
               THEN /\ spc' = [spc EXCEPT ![s] = "fwdCheck"]
                    /\ UNCHANGED <<st, fin, ntf, swn, result, completions>>
               ELSE Finish(s, fin[s])
            /\ UNCHANGED <<list, isEmpty>>
    /\ UNCHANGED <<q, closed, regR, rst, cr, cpc, kont, rogue, clpc, pushed>>
    /\ UNCHANGED RecvVars

SenderArm(s) ==
    /\ spc[s] = "arm"
    /\ cpc' = [cpc EXCEPT ![s] = IF @ = "unarmed" THEN "armed" ELSE @]
    /\ spc' = [spc EXCEPT ![s] = "tryPark"]
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, st, cr, swn, ntf, fin, kont, rogue,
                   clpc, result, completions, pushed>>
    /\ UNCHANGED RecvVars

SenderTryPark(s) ==
    /\ spc[s] = "tryPark"
    /\ IF st[s] = "running" /\ ~cr[s]
       THEN /\ st' = [st EXCEPT ![s] = "waiting"]
            /\ spc' = [spc EXCEPT ![s] = "parked"]
       ELSE /\ st' = [st EXCEPT ![s] = "running"]
            /\ spc' = [spc EXCEPT ![s] = "unpark"]
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, cr, swn, ntf, fin, cpc, kont, rogue,
                   clpc, result, completions, pushed>>
    /\ UNCHANGED RecvVars

SenderParkFailed(s) ==
    /\ spc[s] = "unpark"
    /\ IF s \in Range(list)
       THEN /\ list' = Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ ntf' = [ntf EXCEPT ![s] = FALSE]
       ELSE /\ ntf' = [ntf EXCEPT ![s] = swn[s]]
            /\ UNCHANGED <<list, isEmpty>>
    /\ spc' = [spc EXCEPT ![s] = "top"]
    /\ UNCHANGED <<q, closed, regR, rst, st, cr, swn, fin, cpc, kont, rogue, clpc,
                   result, completions, pushed>>
    /\ UNCHANGED RecvVars

SenderForwardCheck(s) ==
    /\ spc[s] = "fwdCheck"
    /\ IF isEmpty
       THEN Finish(s, fin[s])
       ELSE /\ spc' = [spc EXCEPT ![s] = "fwdPop"]
            /\ UNCHANGED <<st, fin, ntf, swn, result, completions>>
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, cr, cpc, kont, rogue, clpc, pushed>>
    /\ UNCHANGED RecvVars

SenderForwardPop(s) ==
    /\ spc[s] = "fwdPop"
    /\ LET f == FrontSet(list) IN
       /\ list' = PopFront(list)
       /\ isEmpty' = (list' = <<>>)
       /\ st' = [DeliverSt(f) EXCEPT ![s] = "completed"]
       /\ spc' = [DeliverPc(f) EXCEPT ![s] = "done"]
       /\ swn' = [DeliverSwn(f) EXCEPT ![s] = FALSE]
       /\ rogue' = DeliverRogue(f)
    /\ fin' = [fin EXCEPT ![s] = "none"]
    /\ ntf' = [DeliverNtf(FrontSet(list)) EXCEPT ![s] = FALSE]
    /\ Complete(s, fin[s])
    /\ UNCHANGED <<q, closed, regR, rst, cr, cpc, kont, clpc, pushed>>
    /\ UNCHANGED RecvVars

CancelRequest(s) ==
    /\ cpc[s] = "armed"
    /\ IF st[s] \in {"completed", "idle"}
       THEN /\ cpc' = [cpc EXCEPT ![s] = "done"]
            /\ UNCHANGED cr
       ELSE /\ cr' = [cr EXCEPT ![s] = TRUE]
            /\ cpc' = [cpc EXCEPT ![s] = "cancel"]
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, st, swn, spc, ntf, fin, kont, rogue,
                   clpc, result, completions, pushed>>
    /\ UNCHANGED RecvVars

CancelLocked(s) ==
    /\ cpc[s] = "cancel"
    /\ cpc' = [cpc EXCEPT ![s] = "done"]
    /\ IF s \in Range(list)
       THEN /\ list' = Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ swn' = [swn EXCEPT ![s] = FALSE]
            /\ IF BUG = "cancel_completes_running"
               THEN \* F1: complete it whatever its state; a Running node's
                    \* runner runs on
                    /\ st' = [st EXCEPT ![s] = "completed"]
                    /\ spc' = IF st[s] = "waiting" THEN [spc EXCEPT ![s] = "done"] ELSE spc
                    /\ Complete(s, "cancelled")
                    /\ UNCHANGED <<ntf, rogue>>
               ELSE /\ st' = [st EXCEPT ![s] = SigState(s)]
                    /\ spc' = IF st[s] = "waiting" THEN [spc EXCEPT ![s] = "top"] ELSE spc
                    /\ ntf' = IF st[s] = "waiting" THEN [ntf EXCEPT ![s] = FALSE] ELSE ntf
                    /\ rogue' = DeliverRogue({s})
                    /\ UNCHANGED <<result, completions>>
       ELSE UNCHANGED <<list, isEmpty, swn, st, spc, ntf, rogue, result, completions>>
    /\ UNCHANGED <<q, closed, regR, rst, cr, fin, kont, clpc, pushed>>
    /\ UNCHANGED RecvVars

-----------------------------------------------------------------------------
(* The receiver: a loop of ReceiveAsync calls until Closed.  pcs: "tryPop" *)
(* (the fast path, between two receives); RunReceiver: "woken" (after a   *)
(* wake), "register", "recheck", "tryPark", "parked" (no runner: Waiting), *)
(* "unregister",                                                           *)
(* "unregClosed"; AfterPop: "nCheck", "nPop"; "closed" (done).  A          *)
(* receiver-side Close (between two receives): "rCas", "rRing", "rCheck",  *)
(* "rPopAll", after which it goes on receiving.                            *)

SendersUnchanged == UNCHANGED <<st, cr, swn, spc, ntf, fin, cpc, kont, rogue,
                                result, completions, pushed>>

\* Ring.TryPop: Popped if the head is published; Closed if CLOSED is set and
\* every claimed position has been consumed; else Empty.
PopOutcome ==
    IF q /= <<>> /\ q[1].pub THEN "popped"
    ELSE IF closed /\ (q = <<>> \/ BUG = "closed_before_drain") THEN "closed"
    ELSE "empty"

ReceiverTryPop ==
    /\ rpc = "tryPop"
    /\ CASE PopOutcome = "popped" ->
              /\ received' = Append(received, q[1].m) /\ q' = Tail(q)
              /\ rpc' = "nCheck"
              /\ UNCHANGED rst
         [] PopOutcome = "closed" ->
              /\ rpc' = "closed"
              /\ UNCHANGED <<q, received, rst>>
         [] OTHER ->
              /\ rst' = "running"
              /\ rpc' = "register"
              /\ UNCHANGED <<q, received>>
    /\ UNCHANGED <<closed, regR, list, isEmpty, rClosed, clpc, winner, closedOnReturn>>
    /\ SendersUnchanged

\* RO.Execute after a wake: Ring.TryPop before Register.  The notifier that
\* woke us consumed the registration, so a hit goes on to AfterPop (Popped)
\* or ends the receive (Closed) with nothing to withdraw.  Empty (the push
\* is claimed but not yet published, or a close's wake) registers and
\* re-checks as usual.
ReceiverWokenCheck ==
    /\ rpc = "woken"
    /\ CASE PopOutcome = "popped" ->
              /\ received' = Append(received, q[1].m) /\ q' = Tail(q)
              /\ rpc' = "nCheck"
              /\ UNCHANGED rst
         [] PopOutcome = "closed" ->
              /\ rpc' = "closed"
              /\ rst' = "idle"
              /\ UNCHANGED <<q, received>>
         [] OTHER ->
              /\ rpc' = IF BUG = "woken_check_parks" THEN "tryPark" ELSE "register"
              /\ UNCHANGED <<q, received, rst>>
    /\ UNCHANGED <<closed, regR, list, isEmpty, rClosed, clpc, winner, closedOnReturn>>
    /\ SendersUnchanged

ReceiverRegister ==
    /\ rpc = "register"
    /\ regR' = TRUE
    /\ rpc' = "recheck"
    /\ UNCHANGED <<q, closed, rst, list, isEmpty, rClosed, clpc, winner, closedOnReturn,
                   received>>
    /\ SendersUnchanged

ReceiverRecheck ==
    /\ rpc = "recheck"
    /\ CASE PopOutcome = "popped" ->
              /\ received' = Append(received, q[1].m) /\ q' = Tail(q)
              /\ rpc' = "unregister"
         [] PopOutcome = "closed" ->
              /\ rpc' = "unregClosed"
              /\ UNCHANGED <<q, received>>
         [] OTHER ->
              /\ rpc' = "tryPark"
              /\ UNCHANGED <<q, received>>
    /\ UNCHANGED <<closed, regR, rst, list, isEmpty, rClosed, clpc, winner, closedOnReturn>>
    /\ SendersUnchanged

\* Unregister, then AfterPop (its NotifyOne), then Finish; or Finish Closed.
ReceiverUnregister ==
    /\ rpc \in {"unregister", "unregClosed"}
    /\ regR' = FALSE
    /\ LET next == CASE rpc = "unregClosed" -> "closed"
                      [] BUG = "slow_pop_skips_notify_one" -> "tryPop"
                      [] OTHER -> "nCheck"
       IN /\ rpc' = next
          /\ rst' = IF next = "nCheck" THEN rst ELSE "idle"
    /\ UNCHANGED <<q, closed, list, isEmpty, rClosed, clpc, winner, closedOnReturn, received>>
    /\ SendersUnchanged

\* TryPark: Running -> Waiting (no runner until a wake); it fails if a wake
\* arrived since the re-check (Notified -> Running) and the loop registers
\* again and re-checks.
ReceiverTryPark ==
    /\ rpc = "tryPark"
    /\ IF rst = "running"
       THEN /\ rst' = "waiting"
            /\ rpc' = "parked"
       ELSE /\ rst' = "running"
            /\ rpc' = "register"
    /\ UNCHANGED <<q, closed, regR, list, isEmpty, rClosed, clpc, winner, closedOnReturn,
                   received>>
    /\ SendersUnchanged

\* AfterPop: Fence(SeqCst); NotifyOneAfterFence.  Then the receive is over
\* (RO.Finish: the waiter is Completed, then Idle once its result is read).
ReceiverNotifyCheck ==
    /\ rpc = "nCheck"
    /\ IF isEmpty
       THEN /\ rpc' = "tryPop"
            /\ rst' = "idle"
       ELSE /\ rpc' = "nPop"
            /\ UNCHANGED rst
    /\ UNCHANGED <<q, closed, regR, list, isEmpty, rClosed, clpc, winner, closedOnReturn,
                   received>>
    /\ SendersUnchanged

ReceiverNotifyPop ==
    /\ rpc = "nPop"
    /\ LET f == FrontSet(list) IN
       /\ list' = PopFront(list)
       /\ isEmpty' = (list' = <<>>)
       /\ st' = DeliverSt(f)
       /\ spc' = DeliverPc(f)
       /\ ntf' = DeliverNtf(f)
       /\ swn' = DeliverSwn(f)
       /\ rogue' = DeliverRogue(f)
    /\ rpc' = "tryPop"
    /\ rst' = "idle"
    /\ UNCHANGED <<q, closed, regR, rClosed, clpc, winner, closedOnReturn, received,
                   cr, fin, cpc, kont, result, completions, pushed>>

\* MpscReceiver.Close between two receives: BCC.Close.
ReceiverCloseCas ==
    /\ rpc = "tryPop" /\ ~rClosed
    /\ rClosed' = TRUE
    /\ winner' = IF winner = "none" THEN "receiver" ELSE winner
    /\ rpc' = "rRing"
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, clpc, closedOnReturn, received>>
    /\ SendersUnchanged

ReceiverCloseRing ==
    /\ rpc = "rRing"
    /\ closed' = (closed \/ winner = "receiver" \/ BUG /= "loser_skips_ring_close")
    /\ rpc' = IF winner = "receiver" THEN "rCheck" ELSE "tryPop"
    /\ closedOnReturn' = (closedOnReturn \/ (winner /= "receiver" /\ ~closed'))
    /\ UNCHANGED <<q, regR, rst, list, isEmpty, rClosed, clpc, winner, received>>
    /\ SendersUnchanged

ReceiverCloseCheck ==
    /\ rpc = "rCheck"
    /\ rpc' = IF isEmpty \/ BUG = "close_skips_notify_all" THEN "tryPop" ELSE "rPopAll"
    /\ UNCHANGED <<q, closed, regR, rst, list, isEmpty, rClosed, clpc, winner, closedOnReturn,
                   received>>
    /\ SendersUnchanged

ReceiverCloseNotifyAll ==
    /\ rpc = "rPopAll"
    /\ LET f == Range(list) IN
       /\ list' = <<>>
       /\ isEmpty' = TRUE
       /\ st' = DeliverSt(f)
       /\ spc' = DeliverPc(f)
       /\ ntf' = DeliverNtf(f)
       /\ swn' = DeliverSwn(f)
       /\ rogue' = DeliverRogue(f)
    /\ rpc' = "tryPop"
    /\ UNCHANGED <<q, closed, regR, rst, rClosed, clpc, winner, closedOnReturn, received,
                   cr, fin, cpc, kont, result, completions, pushed>>

-----------------------------------------------------------------------------
(* A Close() on another thread: BCC.Close.  The winner of the completion   *)
(* CAS closes the ring, notifies the receiver and wakes every blocked      *)
(* sender; a loser only closes the ring (so the channel is closed when any *)
(* Close returns).                                                         *)

CloserUnchanged == UNCHANGED <<q, rpc, rClosed, received>>

CloseCas ==
    /\ clpc = "open"
    /\ winner' = IF winner = "none" THEN "sender" ELSE winner
    /\ clpc' = "ring"
    /\ UNCHANGED <<closed, regR, rst, list, isEmpty, closedOnReturn>>
    /\ SendersUnchanged /\ CloserUnchanged

CloseRing ==
    /\ clpc = "ring"
    /\ closed' = (closed \/ winner = "sender" \/ BUG /= "loser_skips_ring_close")
    /\ clpc' = CASE winner /= "sender" -> "done"
                 [] BUG = "close_skips_receiver_notify" -> "check"
                 [] OTHER -> "notify"
    /\ closedOnReturn' = (closedOnReturn \/ (winner /= "sender" /\ ~closed'))
    /\ UNCHANGED <<regR, rst, list, isEmpty, winner>>
    /\ SendersUnchanged /\ CloserUnchanged

CloseNotify ==
    /\ clpc = "notify"
    /\ regR' = FALSE
    /\ clpc' = IF regR THEN "wake" ELSE "check"
    /\ UNCHANGED <<closed, rst, list, isEmpty, winner, closedOnReturn>>
    /\ SendersUnchanged /\ CloserUnchanged

CloseWake ==
    /\ clpc = "wake"
    /\ rst' = CASE rst = "waiting" -> "running"
                [] rst = "running" /\ BUG /= "receiver_wake_lost_if_running" -> "notified"
                [] OTHER -> rst
    /\ rpc' = IF rst = "waiting" THEN "woken" ELSE rpc
    /\ clpc' = "check"
    /\ UNCHANGED <<q, closed, regR, list, isEmpty, rClosed, received, winner, closedOnReturn>>
    /\ SendersUnchanged

CloseNotifyCheck ==
    /\ clpc = "check"
    /\ clpc' = IF isEmpty \/ BUG = "close_skips_notify_all" THEN "done" ELSE "popAll"
    /\ UNCHANGED <<closed, regR, rst, list, isEmpty, winner, closedOnReturn>>
    /\ SendersUnchanged /\ CloserUnchanged

CloseNotifyAll ==
    /\ clpc = "popAll"
    /\ LET f == Range(list) IN
       /\ list' = <<>>
       /\ isEmpty' = TRUE
       /\ st' = DeliverSt(f)
       /\ spc' = DeliverPc(f)
       /\ ntf' = DeliverNtf(f)
       /\ swn' = DeliverSwn(f)
       /\ rogue' = DeliverRogue(f)
    /\ clpc' = "done"
    /\ UNCHANGED <<closed, regR, rst, winner, closedOnReturn, cr, fin, cpc, kont,
                   result, completions, pushed>>
    /\ CloserUnchanged

-----------------------------------------------------------------------------

\* The end: every call completed, every cancellation and close finished,
\* and the receiver either saw Closed or waits on an empty, open channel.
Terminated ==
    /\ \A s \in Senders : spc[s] \in {"done", "forgotten"} /\ ~rogue[s]
    /\ \A s \in Senders : cpc[s] \in {"never", "unarmed", "armed", "done"}
    /\ clpc \in {"open", "done", "never"}
    /\ \/ rpc = "closed"
       \/ rpc = "parked" /\ q = <<>> /\ ~closed
    /\ UNCHANGED vars

Next ==
    \/ \E s \in Senders :
          \/ SenderTryPush(s) \/ SenderPublish(s) \/ SenderNotify(s) \/ SenderWake(s)
          \/ SenderExecute(s) \/ ForgetWaiter(s) \/ RogueRun(s)
          \/ SenderCheckCancel(s) \/ SenderAttempt(s) \/ SenderEnqueue(s)
          \/ SenderRecheck(s) \/ SenderRemove(s) \/ SenderArm(s)
          \/ SenderTryPark(s) \/ SenderParkFailed(s)
          \/ SenderForwardCheck(s) \/ SenderForwardPop(s)
          \/ CancelRequest(s) \/ CancelLocked(s)
    \/ ReceiverTryPop \/ ReceiverWokenCheck \/ ReceiverRegister \/ ReceiverRecheck \/ ReceiverUnregister
    \/ ReceiverTryPark \/ ReceiverNotifyCheck \/ ReceiverNotifyPop
    \/ ReceiverCloseCas \/ ReceiverCloseRing \/ ReceiverCloseCheck \/ ReceiverCloseNotifyAll
    \/ CloseCas \/ CloseRing \/ CloseNotify \/ CloseWake \/ CloseNotifyCheck \/ CloseNotifyAll
    \/ Terminated

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

SenderPcs == {"start", "pub", "notify", "wake", "dispatched", "top", "attempt",
              "enqueue", "recheck", "remove", "arm", "tryPark", "unpark", "parked",
              "fwdCheck", "fwdPop", "forgotten", "done"}

TypeOK ==
    /\ q \in Seq([m : Msgs, pub : BOOLEAN]) /\ Len(q) <= C
    /\ closed \in BOOLEAN /\ regR \in BOOLEAN
    /\ rst \in {"idle", "running", "waiting", "notified"}
    /\ list \in Seq(Senders) /\ isEmpty \in BOOLEAN
    /\ st \in [Senders -> {"idle", "running", "waiting", "notified", "completed"}]
    /\ cr \in [Senders -> BOOLEAN] /\ swn \in [Senders -> BOOLEAN]
    /\ spc \in [Senders -> SenderPcs] /\ ntf \in [Senders -> BOOLEAN]
    /\ fin \in [Senders -> {"none", "sent", "closed", "cancelled"}]
    /\ cpc \in [Senders -> {"never", "unarmed", "armed", "cancel", "done"}]
    /\ kont \in [Senders -> {"none", "fast", "finish", "remove"}]
    /\ rogue \in [Senders -> BOOLEAN]
    /\ rpc \in {"tryPop", "woken", "register", "recheck", "tryPark", "parked", "unregister",
                "unregClosed", "nCheck", "nPop", "rRing", "rCheck", "rPopAll", "closed"}
    /\ rClosed \in BOOLEAN
    /\ clpc \in {"open", "ring", "notify", "wake", "check", "popAll", "done", "never"}
    /\ winner \in {"none", "sender", "receiver"}
    /\ closedOnReturn \in BOOLEAN
    /\ received \in Seq(Msgs)
    /\ result \in [Senders -> {"none", "sent", "closed", "cancelled"}]
    /\ completions \in [Senders -> 0..2] /\ pushed \in [Senders -> 0..2]

\* Every message is received at most once.
NoDuplicate == Len(received) = Cardinality(Range(received))

\* The receiver sees Closed only after it received every message that was
\* pushed (so every successful send, and every earlier message).
DeliveredBeforeClosed ==
    rpc = "closed" =>
        /\ \A s \in Senders : pushed[s] > 0 => s \in Range(received)
        /\ \A i \in 1..Prefill : NS + i \in Range(received)

\* Each call completes once, Sent exactly when its message entered the ring
\* (a probe never pushes), Cancelled only when requested.  Together with
\* NoDuplicate, DeliveredBeforeClosed and deadlock freedom (a message left
\* in the ring at the end is a deadlock: Terminated requires an empty ring
\* unless the receiver saw Closed, which DeliveredBeforeClosed covers), every
\* successfully sent message is received exactly once, or the receiver saw
\* Closed after all of them.
SendOutcomeExact ==
    \A s \in Senders :
        /\ completions[s] <= 1 /\ pushed[s] <= 1
        /\ result[s] \in {"closed", "cancelled"} => pushed[s] = 0
        /\ (result[s] = "sent" /\ s \notin Probes) => pushed[s] = 1
        /\ s \in Probes => pushed[s] = 0
        /\ result[s] = "cancelled" => cr[s]

\* When a Close() returns, the channel is closed (MpscSender.Close's and
\* MpscReceiver.Close's contract: a send that starts afterwards fails).
ClosedOnReturn == ~closedOnReturn

\* A Waiting sender node is listed, and a listed node is live (as in
\* SenderWaiter.tla: NoOrphanedWaiter, NoDanglingWaiter).
WaitersListed ==
    /\ \A s \in Senders : st[s] = "waiting" => s \in Range(list)
    /\ \A s \in Range(list) : st[s] \in {"running", "waiting"} /\ result[s] = "none"

\* Nothing in flight: no sender between its push and the end of its Notify,
\* inside the waiter list or forwarding; no second runner; no cancellation
\* or close running; the receiver not between a pop and the end of its
\* NotifyOne, nor inside Close.
SendersQuiet == \A s \in Senders : spc[s] \in {"start", "parked", "forgotten", "done"} /\ ~rogue[s]
Quiet ==
    /\ SendersQuiet
    /\ \A s \in Senders : cpc[s] \in {"never", "unarmed", "armed", "done"}
    /\ clpc \in {"open", "done", "never"}
    /\ rpc \notin {"unregister", "unregClosed", "nCheck", "nPop", "rRing", "rCheck", "rPopAll"}

\* No lost wake-up of the receiver: it never waits (Waiting: no runner, no
\* wake since it parked) while a published message (or Closed) is there for
\* it and nothing is in flight.
NoLostWakeup ==
    ~ /\ rpc = "parked" /\ Quiet
      /\ PopOutcome /= "empty"

\* No stranded sender: no live sender waits in the list while a slot is
\* free (or the channel is closed) and nothing is in flight.
NoStrandedWaiter ==
    ~ /\ Quiet
      /\ \E s \in Range(list) : st[s] = "waiting"
      /\ (Len(q) < C \/ closed)
=============================================================================
