---------------------------- MODULE SenderWaiter ----------------------------
(***************************************************************************)
(* The blocked-sender list of the Bounded MPSC channel, as the C# code     *)
(* implements it: an intrusive FIFO of pooled SendWaiter nodes under a     *)
(* lock, an isEmpty flag read without the lock, NotifyOne after every pop, *)
(* NotifyAll on close, and per node ONE atomic state word holding an       *)
(* ownership state (Idle/Running/Waiting/Notified/Completed) and the       *)
(* cancellation request.  Contract: docs/design/bounded-mpsc.md §3.        *)
(* Teaching page: docs/protocols/sender-waiters.md.  History of the        *)
(* design (F1: a cancelled send delivered): spec/tla/FINDINGS.md.          *)
(*                                                                         *)
(* The ring is abstracted to its interface (Ring.tla checks it): a push    *)
(* (Ring.TryPush) or a probe (Ring.ProbeSpace) is one atomic step that     *)
(* answers Pushed/space | Full | Closed, a pop frees one slot, Close sets  *)
(* CLOSED.  `used` counts the occupied slots.  The receiver waker is left  *)
(* out (Waker.tla, Channel.tla): here the receiver pops whenever a slot is *)
(* occupied.  The channel starts with Prefill slots occupied so that       *)
(* senders block at once.  Each sender makes one call: SendAsync (a        *)
(* "push" sender) or, for the last NProbe senders, WaitToWriteAsync (a     *)
(* "probe" sender: it waits for space and never pushes).                   *)
(*                                                                         *)
(* Ownership.  Whoever runs RunSender for a node is its runner: the        *)
(* sender's own call, a dispatched retry (SendWaiter.Execute), or the      *)
(* cancellation callback that found the node parked.  spc[s] is the        *)
(* runner's program counter; "parked" means no runner (state Waiting).     *)
(* Only a runner leaves Running, so there is never more than one runner    *)
(* (invariant OneRunner): the item is never pushed twice.                  *)
(*                                                                         *)
(* Granularity.  Every atomic access outside the lock is one step.  A CAS  *)
(* loop is one step at its successful CAS (Signal, RequestCancel), and     *)
(* TryPark's failure path (the failed CAS, then Notified -> Running while  *)
(* the state is Notified) is one step: meanwhile only cancel bits can be   *)
(* added to the word, which the loop keeps.  Each lock section is one step *)
(* (Enqueue, Remove, Cancel, NotifyOne's and NotifyAll's Unlink+Deliver):  *)
(* the lock serialises the sections, and a section touches two variables   *)
(* that lock-free code also touches, isEmpty (stored) and the state word   *)
(* of the node it enqueues, cancels or signals.  Outside the lock, isEmpty *)
(* is only loaded (NotifyOne's test) and a node's word is only accessed by *)
(* its runner or its canceller; none of them loads isEmpty and then       *)
(* touches that node's word (or the reverse) while the node is listed (a   *)
(* runner forwards only when its node is unlisted), so every interleaving  *)
(* is equivalent to one with the section executed at once (Lipton).  Reads *)
(* of SignalWasNotification after the lock (Remove's caller, Execute, a    *)
(* blocked thread's wake) are folded into the previous step: only a lock   *)
(* section that finds the node listed writes it, and only the node's own   *)
(* runner lists it.  Finish (the Completed store and the result) is        *)
(* folded into the step that decides the outcome: a cancellation request  *)
(* landing between the two only sets the bits of a node that no lock       *)
(* section will find listed.  Under the sequential consistency TLA+        *)
(* assumes, the SeqCst fences are no-ops; what they buy (the Dekker pair   *)
(* Enqueue -> fence -> Attempt against pop -> fence -> isEmpty) is the     *)
(* behaviour modelled here; the systematic weak-memory tests check that    *)
(* the fences and the declared orderings deliver it.                       *)
(*                                                                         *)
(* Actions and the C# that implements them.  Files: src/Channels/Mpsc/     *)
(* BoundedChannelCore.cs (BCC), SenderWaiterList.cs (SWL), SendWaiter.cs   *)
(* (SW), src/Channels/Internal/Waiter.cs (W).                              *)
(*   SenderTryPush(s)     BCC.SendAsync / Send / WaitToSendAsync: the      *)
(*                        first Ring.TryPush (Ring.ProbeSpace); on Full:   *)
(*                        SWL.Rent, SW.BeginAsync (W.BeginUse: Running),   *)
(*                        BCC.RunSender(skipFirstAttempt: true)            *)
(*   (SW.Execute, a dispatched retry, and a blocked thread's return from   *)
(*   BCC.BlockUntilSignalled start BCC.RunSender with notified :=          *)
(*   SignalWasNotification: folded into the Deliver that starts them, the  *)
(*   runner is at "top" with notified = TRUE.  SenderExecute(s) is that    *)
(*   start as a step of its own, used only by the forgotten_waiter control)*)
(*   SenderCheckCancel(s) BCC.RunSender, loop top: W.CancelRequested; if  *)
(*                        set: forward if notified, SW.Finish              *)
(*   SenderAttempt(s)     BCC.RunSender: BCC.Attempt (Ring.TryPush, or     *)
(*                        Ring.ProbeSpace for WaitToSend; a probe that     *)
(*                        finds space forwards if notified)                *)
(*   SenderEnqueue(s)     SWL.Enqueue(node, atFront: notified) (refuses a *)
(*                        node whose cancellation was requested)           *)
(*   SenderRecheck(s)     BCC.RunSender: Atomic.Fence(SeqCst); Attempt     *)
(*   SenderRemove(s)      BCC.RunSender, second attempt not Full:          *)
(*                        SWL.Remove(node); forward if a notification      *)
(*                        unlinked it (SignalWasNotification); SW.Finish   *)
(*   SenderArm(s)         W.ArmOnce (registers the token callback and the  *)
(*                        timer before the first park of a use)            *)
(*   SenderTryPark(s)     W.TryPark: CAS Running -> Waiting; on failure    *)
(*                        take Notified -> Running, keep the request       *)
(*   SenderParkFailed(s)  BCC.RunSender after a failed TryPark:            *)
(*                        notified := !SWL.Remove(node) &&                 *)
(*                        SignalWasNotification                            *)
(*   SenderForwardCheck(s) SWL.NotifyOne (the forward): Fence; isEmpty     *)
(*   SenderForwardPop(s)  SWL.NotifyOneAfterFence: lock; Unlink(head);     *)
(*                        SWL.Deliver (W.Signal; SW.StartRunner); unlock;  *)
(*                        then SW.Finish                                   *)
(*   CancelRequest(s)     W.RequestCancel: the CAS that sets the cancel    *)
(*                        bits (token callback, timer, or a blocking       *)
(*                        sender's own timeout in BlockUntilSignalled)     *)
(*   CancelLocked(s)      SW.OnCancellationRequested -> SWL.Cancel(node):  *)
(*                        lock; if listed: Unlink, SignalWasNotification   *)
(*                        := false, W.Signal; unlock; if Signal returned   *)
(*                        true the canceller runs BCC.RunSender itself     *)
(*   ReceiverPop          BCC.TryReceive / ReceiveAsync / ...: a           *)
(*                        successful Ring.TryPop                           *)
(*   ReceiverNotifyCheck  BCC.AfterPop: Atomic.Fence(SeqCst);              *)
(*                        SWL.NotifyOneAfterFence: isEmpty.Load(Relaxed)   *)
(*   ReceiverNotifyPop    SWL.NotifyOneAfterFence: lock; Unlink(head);     *)
(*                        SWL.Deliver; unlock                              *)
(*   CloseRing            BCC.Close: Ring.Close                            *)
(*   CloseNotifyCheck     SWL.NotifyAll: Fence; isEmpty.Load               *)
(*   CloseNotifyAll       SWL.NotifyAll: lock; Unlink + Deliver every node *)
(*                                                                         *)
(* Blocking sends (BCC.Send) run the same loop with a Parker instead of a  *)
(* dispatch: no ArmOnce, the timeout is the thread's own RequestCancel     *)
(* while parked, and after SWL.Cancel signalled it the thread itself, not  *)
(* the canceller, runs on.  Their behaviours are a subset of the async     *)
(* ones modelled here (a request at any moment after the arming).          *)
(*                                                                         *)
(* BUG selects a deliberately broken variant (negative controls): each    *)
(* breaks one rule of the protocol above.                                  *)
(*   "none"                    the protocol                                *)
(*   "cancel_completes_running" SWL.Cancel completes any listed node as    *)
(*                             cancelled, even one whose runner is still   *)
(*                             running (F1: the first draft's rule)        *)
(*                                       -> OneRunner; SendOutcomeExact    *)
(*   "signal_drops_running"    W.Signal on a Running node does nothing     *)
(*                             (no Notified): the runner parks unlisted    *)
(*                                       -> NoOrphanedWaiter               *)
(*   "cancel_signals_after_unlock" SWL.Cancel unlinks under the lock but   *)
(*                             signals after unlocking  -> NoLateSignal    *)
(*   "cancel_no_forward"       a notified runner that sees the request     *)
(*                             completes without forwarding                *)
(*                                       -> NoStrandedWaiter               *)
(*   "remove_skips_forward"    a runner whose second attempt succeeded     *)
(*                             after a notification unlinked it does not   *)
(*                             forward              -> NoStrandedWaiter    *)
(*   "probe_no_forward"        a notified WaitToWriteAsync node that finds *)
(*                             space does not forward -> NoStrandedWaiter  *)
(*   "no_recheck"              no fenced second attempt after Enqueue      *)
(*                                       -> NoStrandedWaiter               *)
(*   "forgotten_waiter"        tachyonix's forgotten sender: a dispatched  *)
(*                             retry may never run  -> NoStrandedWaiter    *)
(*                             (and, without close or cancellation, the    *)
(*                             checker's deadlock detection)               *)
(*   "park_fail_keeps_listed"  after a failed TryPark the runner decides   *)
(*                             without removing itself -> NoDanglingWaiter *)
(*   "cancel_skips_unlink"     SWL.Cancel signals a listed node without    *)
(*                             unlinking it         -> NoDanglingWaiter    *)
(*   "enqueue_keeps_isempty"   Enqueue links the node but leaves isEmpty   *)
(*                                       -> ListWellFormed                 *)
(*   "cancel_bits_ignored"     neither Enqueue nor TryPark looks at the    *)
(*                             request: a request made while the node was  *)
(*                             unlisted is not acted on -> CancelTakesEffect*)
(* Variants that are NOT bugs (checked to pass, manifest "pass"):          *)
(*   "park_ignores_cancel"     TryPark's CAS ignores the cancel bits       *)
(*   "enqueue_ignores_cancel"  Enqueue does not refuse a cancelled node    *)
(*   "requeue_at_back"         a notified runner that found Full re-lists  *)
(*                             at the back, not the front                  *)
(* (each guard is redundant with the other for safety; the front keeps    *)
(* FIFO fairness, a liveness property these invariants do not state).      *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    NS,          \* number of senders, each making one call
    C,           \* ring capacity
    Prefill,     \* slots occupied at the start (by earlier messages)
    NCancel,     \* senders 1..NCancel may be cancelled (or time out)
    NProbe,      \* senders NS-NProbe+1..NS are WaitToWriteAsync probes
    CanClose,    \* whether the channel may be closed (from either side)
    ArmAtPark,   \* TRUE (the code): the token callback and the timer are
                 \* armed by ArmOnce, just before the first TryPark;
                 \* FALSE: armed as soon as the node is rented (a superset)
    BUG

ASSUME NS \in 1..4 /\ C \in 1..3 /\ Prefill \in 0..C /\ NCancel \in 0..NS
ASSUME NProbe \in 0..NS /\ CanClose \in BOOLEAN /\ ArmAtPark \in BOOLEAN
ASSUME BUG \in {"none", "cancel_completes_running", "signal_drops_running",
                "cancel_signals_after_unlock", "cancel_no_forward",
                "remove_skips_forward", "probe_no_forward", "no_recheck",
                "forgotten_waiter", "park_fail_keeps_listed",
                "cancel_skips_unlink", "enqueue_keeps_isempty",
                "cancel_bits_ignored", "park_ignores_cancel",
                "enqueue_ignores_cancel", "requeue_at_back"}

Senders == 1..NS
Cancellable == 1..NCancel
Probes == (NS - NProbe + 1)..NS

VARIABLES
    used,        \* ring: occupied slots
    closed,      \* ring: the CLOSED bit
    list,        \* the waiter list, front first (under the lock)
    isEmpty,     \* SWL._isEmpty (written under the lock)
    st,          \* W._state, ownership bits: "idle" (no node in use),
                 \* "running", "waiting", "notified", "completed"
    cr,          \* W._state, cancel bits: a cancellation was requested
    swn,         \* SW.SignalWasNotification (under the lock)
    spc,         \* the runner's program counter ("parked": no runner)
    ntf,         \* RunSender's local `notified`
    fin,         \* the outcome a runner finishes with after forwarding
    cpc,         \* per sender: its cancellation callback
    rpc,         \* receiver program counter
    clpc,        \* closer program counter
    result,      \* ghost: how the call completed
    completions, \* ghost: how many times it was completed
    pushed,      \* ghost: how many times the sender's item entered the ring
    lateSignal   \* ghost: a signal reached a node that had completed

vars == <<used, closed, list, isEmpty, st, cr, swn, spc, ntf, fin, cpc, rpc,
          clpc, result, completions, pushed, lateSignal>>

Init ==
    /\ used = Prefill
    /\ closed = FALSE
    /\ list = <<>>
    /\ isEmpty = TRUE
    /\ st = [s \in Senders |-> "idle"]
    /\ cr = [s \in Senders |-> FALSE]
    /\ swn = [s \in Senders |-> FALSE]
    /\ spc = [s \in Senders |-> "start"]
    /\ ntf = [s \in Senders |-> FALSE]
    /\ fin = [s \in Senders |-> "none"]
    /\ cpc = [s \in Senders |-> IF s \in Cancellable THEN "unarmed" ELSE "never"]
    /\ rpc = "idle"
    /\ clpc = IF CanClose THEN "open" ELSE "never"
    /\ result = [s \in Senders |-> "none"]
    /\ completions = [s \in Senders |-> 0]
    /\ pushed = [s \in Senders |-> 0]
    /\ lateSignal = FALSE

Range(q) == {q[i] : i \in DOMAIN q}
Unlink(q, s) == SelectSeq(q, LAMBDA x : x /= s)
PopFront(q) == IF q = <<>> THEN q ELSE Tail(q)
FrontSet(q) == IF q = <<>> THEN {} ELSE {q[1]}

\* The ghost record of one completion with outcome r.
Complete(s, r) ==
    /\ result' = [result EXCEPT ![s] = r]
    /\ completions' = [completions EXCEPT ![s] = @ + 1]

\* SW.Finish by the runner of s (the step that decides the outcome):
\* Completed, the ValueTask's result; the runner is done with the node.
\* (The runner's locals and SignalWasNotification are dead from here on:
\* reset, so that finished nodes differ only in what the invariants read.)
Finish(s, r) ==
    /\ st' = [st EXCEPT ![s] = "completed"]
    /\ spc' = [spc EXCEPT ![s] = "done"]
    /\ fin' = [fin EXCEPT ![s] = "none"]
    /\ ntf' = [ntf EXCEPT ![s] = FALSE]
    /\ swn' = [swn EXCEPT ![s] = FALSE]
    /\ Complete(s, r)

\* W.Signal on node x, as its caller sees it: Waiting -> Running (the
\* caller starts a runner), Running -> Notified (the runner will loop),
\* otherwise nothing.
SigState(x) ==
    CASE st[x] = "waiting" -> "running"
      [] st[x] = "running" /\ BUG /= "signal_drops_running" -> "notified"
      [] OTHER -> st[x]

\* SWL.Deliver on every node of ns, inside the lock section that unlinked
\* them: SignalWasNotification := true; Signal; if it returned true,
\* SW.StartRunner (a dispatched Execute, or an unparked thread).
DeliverSt(ns) == [x \in Senders |-> IF x \in ns THEN SigState(x) ELSE st[x]]
DeliverPc(ns) == [x \in Senders |-> IF x \in ns /\ st[x] = "waiting"
                                    THEN (IF BUG = "forgotten_waiter" THEN "dispatched" ELSE "top")
                                    ELSE spc[x]]
DeliverNtf(ns) == [x \in Senders |-> IF x \in ns /\ st[x] = "waiting" THEN TRUE ELSE ntf[x]]
DeliverSwn(ns) == [x \in Senders |-> IF x \in ns THEN TRUE ELSE swn[x]]
LateAfter(ns) == lateSignal \/ \E x \in ns : st[x] \in {"completed", "idle"}

RingFree == ~closed /\ used < C

-----------------------------------------------------------------------------
(* The sender's call and the runner's loop (BCC.RunSender).                *)

\* Pushes the item (a probe only looks).
PushIf(s) ==
    IF s \in Probes THEN UNCHANGED <<used, pushed>>
    ELSE /\ used' = used + 1
         /\ pushed' = [pushed EXCEPT ![s] = @ + 1]

\* The first try, before any node exists.  Full: rent a node, Running,
\* and run RunSender with skipFirstAttempt (straight to Enqueue).
SenderTryPush(s) ==
    /\ spc[s] = "start"
    /\ CASE closed ->
              /\ spc' = [spc EXCEPT ![s] = "done"]
              /\ Complete(s, "closed")
              /\ UNCHANGED <<used, pushed, st, cpc>>
         [] used < C ->
              /\ spc' = [spc EXCEPT ![s] = "done"]
              /\ Complete(s, "sent")
              /\ PushIf(s)
              /\ UNCHANGED <<st, cpc>>
         [] OTHER ->
              /\ st' = [st EXCEPT ![s] = "running"]
              /\ spc' = [spc EXCEPT ![s] = "enqueue"]
              /\ cpc' = IF s \in Cancellable /\ ~ArmAtPark
                        THEN [cpc EXCEPT ![s] = "armed"] ELSE cpc
              /\ UNCHANGED <<used, pushed, result, completions>>
    /\ UNCHANGED <<closed, list, isEmpty, cr, swn, ntf, fin, rpc, clpc, lateSignal>>

\* Control forgotten_waiter only: a dispatched retry starts (SW.Execute).  In
\* the protocol this read of SignalWasNotification (stable while the node is
\* unlisted) is folded into the Deliver that dispatched it.
SenderExecute(s) ==
    /\ spc[s] = "dispatched"
    /\ spc' = [spc EXCEPT ![s] = "top"]
    /\ ntf' = [ntf EXCEPT ![s] = swn[s]]
    /\ UNCHANGED <<used, closed, list, isEmpty, st, cr, swn, fin, cpc, rpc, clpc,
                   result, completions, pushed, lateSignal>>

\* tachyonix's forgotten sender (negative control only): a dispatched retry
\* that never runs.  No C# counterpart: the thread pool runs every work item.
ForgetWaiter(s) ==
    /\ BUG = "forgotten_waiter"
    /\ spc[s] = "dispatched"
    /\ spc' = [spc EXCEPT ![s] = "forgotten"]
    /\ UNCHANGED <<used, closed, list, isEmpty, st, cr, swn, ntf, fin, cpc, rpc,
                   clpc, result, completions, pushed, lateSignal>>

\* Loop top: the cancellation request.  A notified runner that will not
\* use the slot it was told about FORWARDS the notification.
SenderCheckCancel(s) ==
    /\ spc[s] = "top"
    /\ IF cr[s]
       THEN IF ntf[s] /\ BUG /= "cancel_no_forward"
            THEN /\ spc' = [spc EXCEPT ![s] = "fwdCheck"]
                 /\ fin' = [fin EXCEPT ![s] = "cancelled"]
                 /\ UNCHANGED <<st, ntf, swn, result, completions>>
            ELSE Finish(s, "cancelled")
       ELSE /\ spc' = [spc EXCEPT ![s] = "attempt"]
            /\ UNCHANGED <<st, fin, ntf, swn, result, completions>>
    /\ UNCHANGED <<used, closed, list, isEmpty, cr, cpc, rpc, clpc,
                   pushed, lateSignal>>

SenderAttempt(s) ==
    /\ spc[s] = "attempt"
    /\ CASE closed ->
              /\ Finish(s, "closed")
              /\ UNCHANGED <<used, pushed>>
         [] used < C /\ s \notin Probes ->
              /\ Finish(s, "sent")
              /\ PushIf(s)
         [] used < C ->
              \* a probe that finds space leaves the slot to others
              /\ IF ntf[s] /\ BUG /= "probe_no_forward"
                 THEN /\ spc' = [spc EXCEPT ![s] = "fwdCheck"]
                      /\ fin' = [fin EXCEPT ![s] = "sent"]
                      /\ UNCHANGED <<st, ntf, swn, result, completions>>
                 ELSE Finish(s, "sent")
              /\ UNCHANGED <<used, pushed>>
         [] OTHER ->
              /\ spc' = [spc EXCEPT ![s] = "enqueue"]
              /\ UNCHANGED <<used, pushed, st, fin, ntf, swn, result, completions>>
    /\ UNCHANGED <<closed, list, isEmpty, cr, cpc, rpc, clpc, lateSignal>>

\* SWL.Enqueue(node, atFront: notified), one lock section: refuse a node
\* whose cancellation was requested; link it (a notified node keeps its
\* place: front); SignalWasNotification := false; isEmpty := 0.
SenderEnqueue(s) ==
    /\ spc[s] = "enqueue"
    /\ IF cr[s] /\ BUG \notin {"cancel_bits_ignored", "enqueue_ignores_cancel"}
       THEN /\ Finish(s, "cancelled")
            /\ UNCHANGED <<list, isEmpty>>
       ELSE /\ list' = IF ntf[s] /\ BUG /= "requeue_at_back"
                       THEN <<s>> \o list ELSE Append(list, s)
            /\ isEmpty' = (BUG = "enqueue_keeps_isempty" /\ isEmpty)
            /\ swn' = [swn EXCEPT ![s] = FALSE]
            /\ ntf' = [ntf EXCEPT ![s] = FALSE]
            /\ spc' = [spc EXCEPT ![s] =
                  IF BUG /= "no_recheck" THEN "recheck"
                  ELSE IF cpc[s] = "unarmed" THEN "arm" ELSE "tryPark"]
            /\ UNCHANGED <<st, fin, result, completions>>
    /\ UNCHANGED <<used, closed, cr, cpc, rpc, clpc, pushed, lateSignal>>

\* Fence(SeqCst); Attempt.  Not Full: Remove and finish; Full: park.
SenderRecheck(s) ==
    /\ spc[s] = "recheck"
    /\ CASE closed ->
              /\ spc' = [spc EXCEPT ![s] = "remove"]
              /\ fin' = [fin EXCEPT ![s] = "closed"]
              /\ UNCHANGED <<used, pushed>>
         [] used < C ->
              /\ spc' = [spc EXCEPT ![s] = "remove"]
              /\ fin' = [fin EXCEPT ![s] = "sent"]
              /\ PushIf(s)
         [] OTHER ->
              /\ spc' = [spc EXCEPT ![s] = IF cpc[s] = "unarmed" THEN "arm" ELSE "tryPark"]
              /\ UNCHANGED <<used, pushed, fin>>
    /\ UNCHANGED <<closed, list, isEmpty, st, cr, swn, ntf, cpc, rpc, clpc,
                   result, completions, lateSignal>>

\* SWL.Remove(node): listed -> unlink; else a signal unlinked the node
\* (and has been delivered: signals are sent under the lock); if it was a
\* notification, FORWARD it.  Then finish.
SenderRemove(s) ==
    /\ spc[s] = "remove"
    /\ IF s \in Range(list)
       THEN /\ list' = Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ Finish(s, fin[s])
       ELSE /\ IF swn[s] /\ BUG /= "remove_skips_forward"
               THEN /\ spc' = [spc EXCEPT ![s] = "fwdCheck"]
                    /\ UNCHANGED <<st, fin, ntf, swn, result, completions>>
               ELSE Finish(s, fin[s])
            /\ UNCHANGED <<list, isEmpty>>
    /\ UNCHANGED <<used, closed, cr, cpc, rpc, clpc, pushed, lateSignal>>

\* ArmOnce: from now on the token callback / timer may fire.
SenderArm(s) ==
    /\ spc[s] = "arm"
    /\ cpc' = [cpc EXCEPT ![s] = IF @ = "unarmed" THEN "armed" ELSE @]
    /\ spc' = [spc EXCEPT ![s] = "tryPark"]
    /\ UNCHANGED <<used, closed, list, isEmpty, st, cr, swn, ntf, fin, rpc, clpc,
                   result, completions, pushed, lateSignal>>

\* TryPark: CAS Running -> Waiting.  It fails if the word is not exactly
\* Running: a signal (Notified, taken back to Running) or a cancellation
\* request (kept) arrived since the runner last looked.
SenderTryPark(s) ==
    /\ spc[s] = "tryPark"
    /\ IF st[s] = "running"
          /\ (~cr[s] \/ BUG \in {"cancel_bits_ignored", "park_ignores_cancel"})
       THEN /\ st' = [st EXCEPT ![s] = "waiting"]
            /\ spc' = [spc EXCEPT ![s] = "parked"]
       ELSE /\ st' = [st EXCEPT ![s] = "running"]
            /\ spc' = [spc EXCEPT ![s] = "unpark"]
    /\ UNCHANGED <<used, closed, list, isEmpty, cr, swn, ntf, fin, cpc, rpc, clpc,
                   result, completions, pushed, lateSignal>>

\* After a failed park: a request alone did not unlink the node, so unlist
\* it before deciding (a completed node must never stay listed).  notified
\* := a notification (not the node's own cancellation) unlinked it.
SenderParkFailed(s) ==
    /\ spc[s] = "unpark"
    /\ IF s \in Range(list)
       THEN /\ list' = IF BUG = "park_fail_keeps_listed" THEN list ELSE Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ ntf' = [ntf EXCEPT ![s] = FALSE]
       ELSE /\ ntf' = [ntf EXCEPT ![s] = swn[s]]
            /\ UNCHANGED <<list, isEmpty>>
    /\ spc' = [spc EXCEPT ![s] = "top"]
    /\ UNCHANGED <<used, closed, st, cr, swn, fin, cpc, rpc, clpc,
                   result, completions, pushed, lateSignal>>

\* The forward: NotifyOne (Fence; isEmpty; lock; pop; Deliver), then Finish.
SenderForwardCheck(s) ==
    /\ spc[s] = "fwdCheck"
    /\ IF isEmpty
       THEN Finish(s, fin[s])
       ELSE /\ spc' = [spc EXCEPT ![s] = "fwdPop"]
            /\ UNCHANGED <<st, fin, ntf, swn, result, completions>>
    /\ UNCHANGED <<used, closed, list, isEmpty, cr, cpc, rpc, clpc,
                   pushed, lateSignal>>

SenderForwardPop(s) ==
    /\ spc[s] = "fwdPop"
    /\ LET f == FrontSet(list) IN
       /\ list' = PopFront(list)
       /\ isEmpty' = (list' = <<>>)
       /\ st' = [DeliverSt(f) EXCEPT ![s] = "completed"]
       /\ spc' = [DeliverPc(f) EXCEPT ![s] = "done"]
       /\ swn' = [DeliverSwn(f) EXCEPT ![s] = FALSE]
       /\ lateSignal' = LateAfter(f)
    /\ fin' = [fin EXCEPT ![s] = "none"]
    /\ ntf' = [DeliverNtf(FrontSet(list)) EXCEPT ![s] = FALSE]
    /\ Complete(s, fin[s])
    /\ UNCHANGED <<used, closed, cr, cpc, rpc, clpc, pushed>>

-----------------------------------------------------------------------------
(* Cancellation or timeout of a send (the same path in C#).                *)

\* RequestCancel: the first request of a use wins; ignored once Completed.
CancelRequest(s) ==
    /\ cpc[s] = "armed"
    /\ IF st[s] \in {"completed", "idle"}
       THEN /\ cpc' = [cpc EXCEPT ![s] = "done"]
            /\ UNCHANGED cr
       ELSE /\ cr' = [cr EXCEPT ![s] = TRUE]
            /\ cpc' = [cpc EXCEPT ![s] = "cancel"]
    /\ UNCHANGED <<used, closed, list, isEmpty, st, swn, spc, ntf, fin, rpc, clpc,
                   result, completions, pushed, lateSignal>>

\* SWL.Cancel: lock; if listed: unlink (the node consumed no notification:
\* SignalWasNotification := false) and Signal.  Waiting -> the canceller is
\* the runner now (RunSender, notified = false: it sees the request and
\* completes without pushing).  Running -> Notified: the runner's TryPark
\* fails and it sees the request.  Not listed: the runner (or the retry on
\* its way) will see the request; a notification that unlinked it is
\* forwarded by that runner.
CancelLocked(s) ==
    /\ cpc[s] = "cancel"
    /\ IF s \in Range(list)
       THEN /\ list' = IF BUG = "cancel_skips_unlink" THEN list ELSE Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ swn' = [swn EXCEPT ![s] = FALSE]
            /\ CASE BUG = "cancel_completes_running" ->
                      \* F1: complete whatever the state; a Waiting node's
                      \* run is over, a Running node's runner runs on
                      /\ st' = [st EXCEPT ![s] = "completed"]
                      /\ spc' = IF st[s] = "waiting" THEN [spc EXCEPT ![s] = "done"] ELSE spc
                      /\ Complete(s, "cancelled")
                      /\ cpc' = [cpc EXCEPT ![s] = "done"]
                      /\ UNCHANGED <<ntf, lateSignal>>
                 [] BUG = "cancel_signals_after_unlock" ->
                      /\ cpc' = [cpc EXCEPT ![s] = "signal"]
                      /\ UNCHANGED <<st, spc, ntf, result, completions, lateSignal>>
                 [] OTHER ->
                      /\ st' = [st EXCEPT ![s] = SigState(s)]
                      /\ spc' = IF st[s] = "waiting" THEN [spc EXCEPT ![s] = "top"] ELSE spc
                      /\ ntf' = IF st[s] = "waiting" THEN [ntf EXCEPT ![s] = FALSE] ELSE ntf
                      /\ cpc' = [cpc EXCEPT ![s] = "done"]
                      /\ lateSignal' = LateAfter({s})
                      /\ UNCHANGED <<result, completions>>
       ELSE /\ cpc' = [cpc EXCEPT ![s] = "done"]
            /\ UNCHANGED <<list, isEmpty, swn, st, spc, ntf, result, completions, lateSignal>>
    /\ UNCHANGED <<used, closed, cr, fin, rpc, clpc, pushed>>

\* Negative control only: the Signal of "cancel_signals_after_unlock".
CancelSignal(s) ==
    /\ cpc[s] = "signal"
    /\ st' = [st EXCEPT ![s] = SigState(s)]
    /\ spc' = IF st[s] = "waiting" THEN [spc EXCEPT ![s] = "top"] ELSE spc
    /\ ntf' = IF st[s] = "waiting" THEN [ntf EXCEPT ![s] = FALSE] ELSE ntf
    /\ lateSignal' = LateAfter({s})
    /\ cpc' = [cpc EXCEPT ![s] = "done"]
    /\ UNCHANGED <<used, closed, list, isEmpty, cr, swn, fin, rpc, clpc,
                   result, completions, pushed>>

-----------------------------------------------------------------------------
(* The receiver: every successful pop is followed by NotifyOne.            *)

ReceiverPop ==
    /\ rpc = "idle" /\ used > 0
    /\ used' = used - 1
    /\ rpc' = "check"
    /\ UNCHANGED <<closed, list, isEmpty, st, cr, swn, spc, ntf, fin, cpc, clpc,
                   result, completions, pushed, lateSignal>>

ReceiverNotifyCheck ==
    /\ rpc = "check"
    /\ rpc' = IF isEmpty THEN "idle" ELSE "pop"
    /\ UNCHANGED <<used, closed, list, isEmpty, st, cr, swn, spc, ntf, fin, cpc, clpc,
                   result, completions, pushed, lateSignal>>

ReceiverNotifyPop ==
    /\ rpc = "pop"
    /\ LET f == FrontSet(list) IN
       /\ list' = PopFront(list)
       /\ isEmpty' = (list' = <<>>)
       /\ st' = DeliverSt(f)
       /\ spc' = DeliverPc(f)
       /\ ntf' = DeliverNtf(f)
       /\ swn' = DeliverSwn(f)
       /\ lateSignal' = LateAfter(f)
    /\ rpc' = "idle"
    /\ UNCHANGED <<used, closed, cr, fin, cpc, clpc, result, completions, pushed>>

-----------------------------------------------------------------------------
(* Close, from either side: Ring.Close(); NotifyAll().                     *)

CloseRing ==
    /\ clpc = "open"
    /\ closed' = TRUE
    /\ clpc' = "check"
    /\ UNCHANGED <<used, list, isEmpty, st, cr, swn, spc, ntf, fin, cpc, rpc,
                   result, completions, pushed, lateSignal>>

CloseNotifyCheck ==
    /\ clpc = "check"
    /\ clpc' = IF isEmpty THEN "done" ELSE "popAll"
    /\ UNCHANGED <<used, closed, list, isEmpty, st, cr, swn, spc, ntf, fin, cpc, rpc,
                   result, completions, pushed, lateSignal>>

CloseNotifyAll ==
    /\ clpc = "popAll"
    /\ LET f == Range(list) IN
       /\ list' = <<>>
       /\ isEmpty' = TRUE
       /\ st' = DeliverSt(f)
       /\ spc' = DeliverPc(f)
       /\ ntf' = DeliverNtf(f)
       /\ swn' = DeliverSwn(f)
       /\ lateSignal' = LateAfter(f)
    /\ clpc' = "done"
    /\ UNCHANGED <<used, closed, cr, fin, cpc, rpc, result, completions, pushed>>

-----------------------------------------------------------------------------

\* Every call completed (a forgotten one never will: that is not a deadlock
\* of the channel but the forgotten future itself).
Terminated ==
    /\ \A s \in Senders : spc[s] \in {"done", "forgotten"}
    /\ rpc = "idle" /\ used = 0
    /\ clpc \in {"open", "done", "never"}
    /\ \A s \in Senders : cpc[s] \in {"never", "unarmed", "armed", "done"}
    /\ UNCHANGED vars

Next ==
    \/ \E s \in Senders :
          \/ SenderTryPush(s) \/ SenderExecute(s) \/ ForgetWaiter(s)
          \/ SenderCheckCancel(s) \/ SenderAttempt(s) \/ SenderEnqueue(s)
          \/ SenderRecheck(s) \/ SenderRemove(s) \/ SenderArm(s)
          \/ SenderTryPark(s) \/ SenderParkFailed(s)
          \/ SenderForwardCheck(s) \/ SenderForwardPop(s)
          \/ CancelRequest(s) \/ CancelLocked(s) \/ CancelSignal(s)
    \/ ReceiverPop \/ ReceiverNotifyCheck \/ ReceiverNotifyPop
    \/ CloseRing \/ CloseNotifyCheck \/ CloseNotifyAll
    \/ Terminated

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

RunnerPcs == {"enqueue", "recheck", "remove", "arm", "tryPark", "unpark",
              "dispatched", "top", "attempt", "fwdCheck", "fwdPop", "forgotten"}

TypeOK ==
    /\ used \in 0..C /\ closed \in BOOLEAN
    /\ list \in Seq(Senders) /\ isEmpty \in BOOLEAN
    /\ st \in [Senders -> {"idle", "running", "waiting", "notified", "completed"}]
    /\ cr \in [Senders -> BOOLEAN] /\ swn \in [Senders -> BOOLEAN]
    /\ spc \in [Senders -> RunnerPcs \cup {"start", "parked", "done"}]
    /\ ntf \in [Senders -> BOOLEAN]
    /\ fin \in [Senders -> {"none", "sent", "closed", "cancelled"}]
    /\ cpc \in [Senders -> {"never", "unarmed", "armed", "cancel", "signal", "done"}]
    /\ rpc \in {"idle", "check", "pop"}
    /\ clpc \in {"open", "check", "popAll", "done", "never"}
    /\ result \in [Senders -> {"none", "sent", "closed", "cancelled"}]
    /\ completions \in [Senders -> 0..2] /\ pushed \in [Senders -> 0..2]
    /\ lateSignal \in BOOLEAN

\* No node twice in the list, and isEmpty tells the truth (every lock
\* section is atomic here, so it must hold in every state).
ListWellFormed ==
    /\ Len(list) = Cardinality(Range(list))
    /\ isEmpty = (list = <<>>)

\* A listed node is live: Running (its runner is between Enqueue and
\* TryPark) or Waiting, never signalled-but-listed or completed.  (A
\* completed node goes back to the pool and would be reused while linked.)
NoDanglingWaiter ==
    \A s \in Range(list) : st[s] \in {"running", "waiting"} /\ result[s] = "none"

\* A Waiting node is listed: only an unlink by a signal (under the same
\* lock) starts its runner again, so a Waiting node outside the list would
\* wait forever.
NoOrphanedWaiter ==
    \A s \in Senders : st[s] = "waiting" => s \in Range(list)

\* The state word says who owns the node: while a runner runs it, it is
\* Running or Notified; with no runner, it is Waiting (or, unused, Idle or
\* Completed).  So a signal starts a runner only when there is none.
OneRunner ==
    \A s \in Senders :
        /\ spc[s] \in RunnerPcs => st[s] \in {"running", "notified"}
        /\ (spc[s] = "parked") <=> (st[s] = "waiting")

\* Each call completes exactly once with the right outcome: Sent exactly
\* when its item went into the ring (a probe never pushes), Cancelled only
\* if a cancellation was requested, and a cancelled or closed send never
\* enqueued (F1's property).
SendOutcomeExact ==
    \A s \in Senders :
        /\ completions[s] <= 1 /\ pushed[s] <= 1
        /\ result[s] \in {"closed", "cancelled"} => pushed[s] = 0
        /\ (result[s] = "sent" /\ s \notin Probes) => pushed[s] = 1
        /\ s \in Probes => pushed[s] = 0
        /\ result[s] = "cancelled" => cr[s]

\* F1's property on its own (implied by SendOutcomeExact): a send reported
\* cancelled never put its item in the ring.
CancelledNeverEnqueued ==
    \A s \in Senders : result[s] = "cancelled" => pushed[s] = 0

\* Cancellation takes effect: a Waiting node whose cancellation has been
\* requested is about to be taken over by that cancellation's lock section
\* (otherwise the cancelled send would wait until the next pop or close).
CancelTakesEffect ==
    \A s \in Senders : (st[s] = "waiting" /\ cr[s]) => cpc[s] \in {"cancel", "signal"}

\* No signal ever reaches a completed node (in C# it would reach the next
\* use of the pooled node).  Signals go only to listed nodes, under the lock.
NoLateSignal == ~lateSignal

\* No stranded waiter: no reachable state where a live sender waits in the
\* list while a slot is free (or the channel is closed), and nothing is in
\* flight that would wake it: the receiver is not inside NotifyOne, no
\* close is inside NotifyAll, no cancellation is running, and every sender
\* is waiting, finished, forgotten, or has not started its call.
Quiescent ==
    /\ rpc = "idle"
    /\ clpc \in {"open", "done", "never"}
    /\ \A s \in Senders : cpc[s] \in {"never", "unarmed", "armed", "done"}
    /\ \A s \in Senders : spc[s] \in {"start", "parked", "forgotten", "done"}

NoStrandedWaiter ==
    ~ /\ Quiescent
      /\ \E s \in Range(list) : st[s] = "waiting"
      /\ (used < C \/ closed)
=============================================================================
