---------------------------- MODULE SenderWaiter ----------------------------
(***************************************************************************)
(* The blocked-sender list of the Bounded MPSC channel: an intrusive FIFO  *)
(* of pooled SendWaiter nodes under a lock, an isEmpty flag read without   *)
(* the lock, NotifyOne after every pop, NotifyAll on close, cancellation   *)
(* and timeout that forward a consumed notification.  Contract:            *)
(* docs/design/bounded-mpsc.md §3.  Teaching page:                        *)
(* docs/protocols/sender-waiters.md.  Findings: spec/tla/FINDINGS.md.      *)
(*                                                                         *)
(* The ring is abstracted to its interface (Ring.tla checks it): TryPush   *)
(* is one atomic step returning Pushed | Full | Closed, a pop frees one    *)
(* slot, Close sets CLOSED.  `used` counts the occupied slots.  The        *)
(* receiver waker is left out (Waker.tla, Channel.tla): here the receiver *)
(* pops whenever a slot is occupied.  The channel starts with Prefill      *)
(* slots occupied, so that senders block at once.  Each sender sends one   *)
(* message.                                                                *)
(*                                                                         *)
(* Granularity.  Every atomic access outside the lock is one step          *)
(* (TryPush, the isEmpty load, the cancelRequested store and load).  Each  *)
(* lock-protected section is one step: the lock serialises the sections,   *)
(* and inside a section the only accesses to variables that are also      *)
(* touched outside the lock are reading cancelRequested and writing        *)
(* isEmpty; no thread writes cancelRequested and then reads isEmpty        *)
(* outside the lock, so every interleaving is equivalent to one with the   *)
(* section executed atomically.  Under the sequential consistency TLA+     *)
(* assumes, the SeqCst fences are no-ops; what they buy (the Dekker pair   *)
(* enqueue -> fence -> TryPush against pop -> fence -> isEmpty) is the     *)
(* sequentially consistent behaviour modelled here, and the systematic     *)
(* weak-memory tests check that the fences deliver it.                     *)
(*                                                                         *)
(* The protocol modelled is the design doc's, with the repair described in *)
(* FINDINGS.md (F1): the doc lets Cancel complete any listed node, but a   *)
(* listed node's sender may still be running its post-enqueue TryPush.    *)
(* Here a node becomes Waiting, and Wake decides between "the owner is     *)
(* still running" and "dispatch the retry", under the list lock; Cancel    *)
(* completes a node only if it is listed AND Waiting.  BUG = "doc_cancel"  *)
(* is the doc's rule, kept as a negative control.                          *)
(*                                                                         *)
(* Actions and the C# they model (src/Channels/Mpsc/SenderWaiterList.cs:   *)
(* SenderWaiterList, SendWaiter; the send path in BoundedChannelCore.cs):  *)
(*   SenderTryPush          SendAsync/Send fast path: ring.TryPush         *)
(*   SenderEnqueue          SenderWaiterList.Enqueue(node) (refuses a      *)
(*                          cancelled node: the send completes Cancelled)  *)
(*   SenderRecheck          Fence(SeqCst); ring.TryPush again              *)
(*   SenderCancelOrForward  SenderWaiterList.CancelOrForward(node) after   *)
(*                          the re-check got Pushed or Closed: unlink if   *)
(*                          listed, else forward the notification it took  *)
(*   SenderPark             SenderWaiterList.Park(node) (F1): under the    *)
(*                          lock, popped -> retry now; cancelled -> unlink *)
(*                          and complete; else Waiting (async: return the  *)
(*                          ValueTask; sync: Parker.Park)                  *)
(*   SenderRetry            SendWaiter retry (async: Execute on the thread *)
(*                          pool; sync: the woken thread): the             *)
(*                          cancelRequested test                           *)
(*   SenderRetryPush        the retry's ring.TryPush                       *)
(*   SenderEnqueueFront     SenderWaiterList.EnqueueFront(node) (refuses a *)
(*                          cancelled node)                                *)
(*   SenderForwardCheck     forwarding NotifyOne: Fence; isEmpty.Load      *)
(*   SenderForwardPop       forwarding NotifyOne: lock, pop front, Wake    *)
(*   CancelRequest(s)       the token callback / timeout timer:            *)
(*                          cancelRequested := 1                           *)
(*   CancelLocked(s)        SenderWaiterList.Cancel(node): the lock section *)
(*   ReceiverPop            a successful ring.TryPop (frees one slot)      *)
(*   ReceiverNotifyCheck    NotifyOne: Fence(SeqCst); isEmpty.Load(Relaxed)*)
(*   ReceiverNotifyPop      NotifyOne: lock; pop front; Wake; unlock       *)
(*   CloseRing              Close: ring.Close()                            *)
(*   CloseNotifyCheck       NotifyAll: Fence; isEmpty.Load                 *)
(*   CloseNotifyAll         NotifyAll: lock; pop every node, Wake each     *)
(*                                                                         *)
(* BUG selects a deliberately broken variant (negative controls):          *)
(*   "none"                  the protocol above                            *)
(*   "doc_cancel"            the design doc's Cancel: complete any listed  *)
(*                           node (F1)               -> SendOutcomeExact   *)
(*   "forgotten_waiter"      tachyonix's forgotten sender: a woken waiter  *)
(*                           may never run its retry and never be          *)
(*                           cancelled               -> NoStrandedWaiter   *)
(*                           (and, without close or cancellation, the      *)
(*                           checker's deadlock detection)                 *)
(*   "cancel_no_forward"     a cancelled woken waiter completes without    *)
(*                           forwarding its notification                   *)
(*                                                   -> NoStrandedWaiter   *)
(*   "no_recheck"            the sender waits right after Enqueue, without *)
(*                           the fenced TryPush      -> NoStrandedWaiter   *)
(*   "wake_lost_if_running"  Wake on a node whose sender is still running  *)
(*                           (not yet Waiting) is dropped, and the sender  *)
(*                           then waits without looking -> NoOrphanedWaiter*)
(*   "cancel_skips_unlink"   Cancel completes a Waiting node without       *)
(*                           unlinking it            -> NoDanglingWaiter   *)
(*   "enqueue_keeps_isempty" Enqueue links the node but does not clear     *)
(*                           isEmpty                 -> ListWellFormed     *)
(*   "park_ignores_cancel"   SenderPark does not look at cancelRequested:  *)
(*                           a cancel that ran while the sender was still  *)
(*                           running is ignored      -> CancelTakesEffect  *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    NS,          \* number of senders, each sending one message
    C,           \* ring capacity
    Prefill,     \* slots occupied at the start (by earlier messages)
    NCancel,     \* senders 1..NCancel may be cancelled (or time out)
    CanClose,    \* whether the channel may be closed (from either side)
    ArmAtWait,   \* TRUE: a send's cancellation can fire only once it has
                 \* waited (the token registered when the send first waits);
                 \* FALSE: at any moment of the send
    BUG

ASSUME NS \in 1..4 /\ C \in 1..3 /\ Prefill \in 0..C /\ NCancel \in 0..NS
ASSUME CanClose \in BOOLEAN /\ ArmAtWait \in BOOLEAN
ASSUME BUG \in {"none", "doc_cancel", "forgotten_waiter", "cancel_no_forward",
                "no_recheck", "wake_lost_if_running", "cancel_skips_unlink",
                "enqueue_keeps_isempty", "park_ignores_cancel"}

Senders == 1..NS
Cancellable == 1..NCancel

VARIABLES
    used,        \* ring: occupied slots
    closed,      \* ring: the CLOSED bit
    list,        \* the waiter list, front first (lock-protected)
    isEmpty,     \* AtomicInt32 isEmpty (written under the lock)
    spc,         \* sender program counter (the code running for its node)
    cancelReq,   \* node.cancelRequested
    cpc,         \* per sender: its cancellation callback's program counter
    rpc,         \* receiver program counter
    clpc,        \* closer program counter
    result,      \* ghost: how the send completed
    completions, \* ghost: how many times the send was completed
    pushed       \* ghost: how many times the sender's item entered the ring

vars == <<used, closed, list, isEmpty, spc, cancelReq, cpc, rpc, clpc,
          result, completions, pushed>>

Init ==
    /\ used = Prefill
    /\ closed = FALSE
    /\ list = <<>>
    /\ isEmpty = TRUE
    /\ spc = [s \in Senders |-> "start"]
    /\ cancelReq = [s \in Senders |-> FALSE]
    /\ cpc = [s \in Senders |-> IF ArmAtWait THEN "unarmed" ELSE "idle"]
    /\ rpc = "idle"
    /\ clpc = IF CanClose THEN "open" ELSE "never"
    /\ result = [s \in Senders |-> "none"]
    /\ completions = [s \in Senders |-> 0]
    /\ pushed = [s \in Senders |-> 0]

Range(q) == {q[i] : i \in DOMAIN q}
Unlink(q, s) == SelectSeq(q, LAMBDA x : x /= s)

\* Wake(node), done under the lock by whoever popped it: a node whose
\* sender is Waiting gets its retry dispatched (async: node.Execute on the
\* thread pool; sync: Parker.Unpark) and the retry will run; a node whose
\* sender is still running is only unlinked, and its sender sees that at
\* SenderPark.  Under "forgotten_waiter" the dispatched retry may instead
\* be forgotten (ForgetWaiter).
Woken(pc, popped) ==
    [x \in Senders |-> IF x \in popped /\ pc[x] = "parked" THEN "retry" ELSE pc[x]]

\* One send completes with outcome r.
Complete(s, r) ==
    /\ result' = [result EXCEPT ![s] = r]
    /\ completions' = [completions EXCEPT ![s] = @ + 1]

RingFree == ~closed /\ used < C

-----------------------------------------------------------------------------
(* The sender's own path: TryPush; Full -> Enqueue; Fence; TryPush; ...    *)

SenderTryPush(s) ==
    /\ spc[s] = "start"
    /\ CASE closed -> spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "closed")
                      /\ UNCHANGED <<used, pushed>>
         [] used < C -> spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "sent")
                      /\ used' = used + 1 /\ pushed' = [pushed EXCEPT ![s] = @ + 1]
         [] OTHER -> spc' = [spc EXCEPT ![s] = "enqueue"]
                      /\ UNCHANGED <<used, pushed, result, completions>>
    /\ UNCHANGED <<closed, list, isEmpty, cancelReq, cpc, rpc, clpc>>

\* Lock; refuse a cancelled node; link at the back; isEmpty := 0; unlock.
SenderEnqueue(s) ==
    /\ spc[s] = "enqueue"
    /\ IF cancelReq[s]
       THEN /\ spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "cancelled")
            /\ UNCHANGED <<list, isEmpty>>
       ELSE /\ list' = Append(list, s)
            /\ isEmpty' = (BUG = "enqueue_keeps_isempty" /\ isEmpty)
            /\ spc' = [spc EXCEPT ![s] = IF BUG = "no_recheck" THEN "park" ELSE "recheck"]
            /\ UNCHANGED <<result, completions>>
    /\ UNCHANGED <<used, closed, cancelReq, cpc, rpc, clpc, pushed>>

\* Fence(SeqCst); TryPush.  (Also reached from the retry's EnqueueFront.)
SenderRecheck(s) ==
    /\ spc[s] = "recheck"
    /\ CASE closed -> spc' = [spc EXCEPT ![s] = "cofClosed"] /\ UNCHANGED <<used, pushed>>
         [] used < C -> spc' = [spc EXCEPT ![s] = "cofSent"]
                      /\ used' = used + 1 /\ pushed' = [pushed EXCEPT ![s] = @ + 1]
         [] OTHER -> spc' = [spc EXCEPT ![s] = "park"] /\ UNCHANGED <<used, pushed>>
    /\ UNCHANGED <<closed, list, isEmpty, cancelReq, cpc, rpc, clpc, result, completions>>

\* The re-check succeeded (Pushed) or saw Closed while the node is (or was)
\* listed.  Lock; if still listed, unlink it; otherwise a notifier popped
\* it, so the notification it consumed is forwarded: pop the front node and
\* wake it.  Then complete.
SenderCancelOrForward(s) ==
    /\ spc[s] \in {"cofSent", "cofClosed"}
    /\ IF s \in Range(list)
       THEN /\ list' = Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ spc' = [spc EXCEPT ![s] = "done"]
       ELSE /\ list' = IF list = <<>> THEN list ELSE Tail(list)
            /\ isEmpty' = (list' = <<>>)
            /\ spc' = [Woken(spc, IF list = <<>> THEN {} ELSE {Head(list)})
                          EXCEPT ![s] = "done"]
    /\ Complete(s, IF spc[s] = "cofSent" THEN "sent" ELSE "closed")
    /\ UNCHANGED <<used, closed, cancelReq, cpc, rpc, clpc, pushed>>

\* Full after the re-check: decide to wait, under the lock (F1).
\*   not listed: a notifier popped the node while we ran: retry now;
\*   cancelled:  unlink and complete Cancelled (no notification was taken);
\*   otherwise:  Waiting.
SenderPark(s) ==
    /\ spc[s] = "park"
    /\ CASE s \notin Range(list) /\ BUG /= "wake_lost_if_running" ->
              /\ spc' = [spc EXCEPT ![s] = "retry"]
              /\ UNCHANGED <<list, isEmpty, result, completions>>
         [] cancelReq[s] /\ s \in Range(list) /\ BUG /= "park_ignores_cancel" ->
              /\ list' = Unlink(list, s) /\ isEmpty' = (list' = <<>>)
              /\ spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "cancelled")
         [] OTHER ->
              /\ spc' = [spc EXCEPT ![s] = "parked"]
              /\ UNCHANGED <<list, isEmpty, result, completions>>
    \* ArmAtWait: the cancellation registration is made when the send waits.
    /\ cpc' = IF spc'[s] = "parked" /\ cpc[s] = "unarmed"
              THEN [cpc EXCEPT ![s] = "idle"] ELSE cpc
    /\ UNCHANGED <<used, closed, cancelReq, rpc, clpc, pushed>>

\* The retry of a woken node.  Cancelled: complete and FORWARD the
\* notification this node consumed (NotifyOne).
SenderRetry(s) ==
    /\ spc[s] = "retry"
    /\ IF cancelReq[s]
       THEN /\ spc' = [spc EXCEPT ![s] =
                 IF BUG = "cancel_no_forward" THEN "done" ELSE "fwdCheck"]
            /\ Complete(s, "cancelled")
       ELSE /\ spc' = [spc EXCEPT ![s] = "retryPush"]
            /\ UNCHANGED <<result, completions>>
    /\ UNCHANGED <<used, closed, list, isEmpty, cancelReq, cpc, rpc, clpc, pushed>>

SenderRetryPush(s) ==
    /\ spc[s] = "retryPush"
    /\ CASE closed -> spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "closed")
                      /\ UNCHANGED <<used, pushed>>
         [] used < C -> spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "sent")
                      /\ used' = used + 1 /\ pushed' = [pushed EXCEPT ![s] = @ + 1]
         [] OTHER -> spc' = [spc EXCEPT ![s] = "enqueueFront"]
                      /\ UNCHANGED <<used, pushed, result, completions>>
    /\ UNCHANGED <<closed, list, isEmpty, cancelReq, cpc, rpc, clpc>>

\* The retry found Full: someone else took the freed slot, so nothing is
\* owed.  Re-list at the FRONT (keeping the node's place), unless cancelled.
SenderEnqueueFront(s) ==
    /\ spc[s] = "enqueueFront"
    /\ IF cancelReq[s]
       THEN /\ spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "cancelled")
            /\ UNCHANGED <<list, isEmpty>>
       ELSE /\ list' = <<s>> \o list
            /\ isEmpty' = (BUG = "enqueue_keeps_isempty" /\ isEmpty)
            /\ spc' = [spc EXCEPT ![s] = IF BUG = "no_recheck" THEN "park" ELSE "recheck"]
            /\ UNCHANGED <<result, completions>>
    /\ UNCHANGED <<used, closed, cancelReq, cpc, rpc, clpc, pushed>>

\* Forwarding NotifyOne, made by a cancelled woken node.
SenderForwardCheck(s) ==
    /\ spc[s] = "fwdCheck"
    /\ spc' = [spc EXCEPT ![s] = IF isEmpty THEN "done" ELSE "fwdPop"]
    /\ UNCHANGED <<used, closed, list, isEmpty, cancelReq, cpc, rpc, clpc,
                   result, completions, pushed>>

SenderForwardPop(s) ==
    /\ spc[s] = "fwdPop"
    /\ list' = IF list = <<>> THEN list ELSE Tail(list)
    /\ isEmpty' = (list' = <<>>)
    /\ spc' = [Woken(spc, IF list = <<>> THEN {} ELSE {Head(list)}) EXCEPT ![s] = "done"]
    /\ UNCHANGED <<used, closed, cancelReq, cpc, rpc, clpc, result, completions, pushed>>

\* tachyonix's forgotten sender (negative control only): a woken waiter
\* whose retry never runs and which is never dropped.  It cannot happen in
\* C#, where the retry is a dispatched continuation.
ForgetWaiter(s) ==
    /\ BUG = "forgotten_waiter"
    /\ spc[s] = "retry"
    /\ spc' = [spc EXCEPT ![s] = "forgotten"]
    /\ UNCHANGED <<used, closed, list, isEmpty, cancelReq, cpc, rpc, clpc,
                   result, completions, pushed>>

-----------------------------------------------------------------------------
(* Cancellation or timeout of a send (the same path in C#).                *)

CancelRequest(s) ==
    /\ s \in Cancellable /\ cpc[s] = "idle" /\ spc[s] \notin {"done", "forgotten"}
    /\ BUG /= "forgotten_waiter" \/ spc[s] /= "retry"   \* a forgotten future is never dropped
    /\ cancelReq' = [cancelReq EXCEPT ![s] = TRUE]
    /\ cpc' = [cpc EXCEPT ![s] = "lock"]
    /\ UNCHANGED <<used, closed, list, isEmpty, spc, rpc, clpc, result, completions, pushed>>

\* Lock; if the node is listed and Waiting, unlink it and complete it
\* Cancelled (it took no notification).  Otherwise its sender is running,
\* or a retry is on its way: they see cancelRequested (and forward).
CancelLocked(s) ==
    /\ cpc[s] = "lock"
    /\ cpc' = [cpc EXCEPT ![s] = "done"]
    /\ LET takes == s \in Range(list) /\ (spc[s] = "parked" \/ BUG = "doc_cancel")
       IN IF takes
          THEN /\ list' = IF BUG = "cancel_skips_unlink" THEN list ELSE Unlink(list, s)
               /\ isEmpty' = (list' = <<>>)
               /\ spc' = IF spc[s] = "parked" THEN [spc EXCEPT ![s] = "done"] ELSE spc
               /\ Complete(s, "cancelled")
          ELSE UNCHANGED <<list, isEmpty, spc, result, completions>>
    /\ UNCHANGED <<used, closed, cancelReq, rpc, clpc, pushed>>

-----------------------------------------------------------------------------
(* The receiver: every successful pop is followed by NotifyOne.            *)

ReceiverPop ==
    /\ rpc = "idle" /\ used > 0
    /\ used' = used - 1
    /\ rpc' = "check"
    /\ UNCHANGED <<closed, list, isEmpty, spc, cancelReq, cpc, clpc, result, completions, pushed>>

ReceiverNotifyCheck ==
    /\ rpc = "check"
    /\ rpc' = IF isEmpty THEN "idle" ELSE "pop"
    /\ UNCHANGED <<used, closed, list, isEmpty, spc, cancelReq, cpc, clpc, result, completions, pushed>>

ReceiverNotifyPop ==
    /\ rpc = "pop"
    /\ list' = IF list = <<>> THEN list ELSE Tail(list)
    /\ isEmpty' = (list' = <<>>)
    /\ spc' = Woken(spc, IF list = <<>> THEN {} ELSE {Head(list)})
    /\ rpc' = "idle"
    /\ UNCHANGED <<used, closed, cancelReq, cpc, clpc, result, completions, pushed>>

-----------------------------------------------------------------------------
(* Close, from either side: ring.Close(); NotifyAll().                    *)

CloseRing ==
    /\ clpc = "open"
    /\ closed' = TRUE
    /\ clpc' = "check"
    /\ UNCHANGED <<used, list, isEmpty, spc, cancelReq, cpc, rpc, result, completions, pushed>>

CloseNotifyCheck ==
    /\ clpc = "check"
    /\ clpc' = IF isEmpty THEN "done" ELSE "popAll"
    /\ UNCHANGED <<used, closed, list, isEmpty, spc, cancelReq, cpc, rpc, result, completions, pushed>>

CloseNotifyAll ==
    /\ clpc = "popAll"
    /\ list' = <<>>
    /\ isEmpty' = TRUE
    /\ spc' = Woken(spc, Range(list))
    /\ clpc' = "done"
    /\ UNCHANGED <<used, closed, cancelReq, cpc, rpc, result, completions, pushed>>

-----------------------------------------------------------------------------

\* Every send completed (a forgotten one never will: that is not a deadlock
\* of the channel but the forgotten future itself).
Terminated ==
    /\ \A s \in Senders : spc[s] \in {"done", "forgotten"}
    /\ rpc = "idle" /\ used = 0
    /\ clpc \in {"open", "done", "never"}
    /\ \A s \in Senders : cpc[s] \in {"unarmed", "idle", "done"}
    /\ UNCHANGED vars

Next ==
    \/ \E s \in Senders :
          \/ SenderTryPush(s) \/ SenderEnqueue(s) \/ SenderRecheck(s)
          \/ SenderCancelOrForward(s) \/ SenderPark(s) \/ SenderRetry(s)
          \/ SenderRetryPush(s) \/ SenderEnqueueFront(s)
          \/ SenderForwardCheck(s) \/ SenderForwardPop(s) \/ ForgetWaiter(s)
          \/ CancelRequest(s) \/ CancelLocked(s)
    \/ ReceiverPop \/ ReceiverNotifyCheck \/ ReceiverNotifyPop
    \/ CloseRing \/ CloseNotifyCheck \/ CloseNotifyAll
    \/ Terminated

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

TypeOK ==
    /\ used \in 0..C /\ closed \in BOOLEAN
    /\ list \in Seq(Senders) /\ isEmpty \in BOOLEAN
    /\ spc \in [Senders -> {"start", "enqueue", "recheck", "cofSent", "cofClosed",
                            "park", "parked", "retry", "retryPush", "enqueueFront",
                            "fwdCheck", "fwdPop", "forgotten", "done"}]
    /\ cancelReq \in [Senders -> BOOLEAN]
    /\ cpc \in [Senders -> {"unarmed", "idle", "lock", "done"}]
    /\ rpc \in {"idle", "check", "pop"}
    /\ clpc \in {"open", "check", "popAll", "done", "never"}
    /\ result \in [Senders -> {"none", "sent", "closed", "cancelled"}]
    /\ completions \in [Senders -> 0..2] /\ pushed \in [Senders -> 0..2]

\* No node twice in the list, and isEmpty tells the truth (every lock
\* section is atomic here, so it must hold in every state).
ListWellFormed ==
    /\ Len(list) = Cardinality(Range(list))
    /\ isEmpty = (list = <<>>)

\* A completed send's node is never listed (it goes back to the pool and
\* would be reused while still linked).
NoDanglingWaiter ==
    \A s \in Range(list) : result[s] = "none"

\* A Waiting node is always listed: only a pop from the list wakes a node,
\* so a Waiting node outside the list would wait forever.
NoOrphanedWaiter ==
    \A s \in Senders : spc[s] = "parked" => s \in Range(list)

\* Each send completes at most once, and reports Sent exactly when its item
\* went into the ring (a cancelled or closed send did not enqueue).
SendOutcomeExact ==
    \A s \in Senders :
        /\ completions[s] <= 1 /\ pushed[s] <= 1
        /\ result[s] \in {"closed", "cancelled"} => pushed[s] = 0
        /\ result[s] = "sent" => pushed[s] = 1

\* Cancellation takes effect: a Waiting node whose cancellation has been
\* requested is about to be completed by that cancellation's lock section.
\* (Otherwise the cancelled send would wait until the next pop or close.)
CancelTakesEffect ==
    \A s \in Senders : (spc[s] = "parked" /\ cancelReq[s]) => cpc[s] = "lock"

\* No stranded waiter: no reachable state where a live sender waits in the
\* list while a slot is free (or the channel is closed), and nothing is in
\* flight that would wake it: the receiver is not inside NotifyOne, no
\* close is inside NotifyAll, no cancellation is running, and every sender
\* is waiting, finished, forgotten, or has not started its send.
Quiescent ==
    /\ rpc = "idle"
    /\ clpc \in {"open", "done", "never"}
    /\ \A s \in Senders : cpc[s] \in {"unarmed", "idle", "done"}
    /\ \A s \in Senders : spc[s] \in {"start", "parked", "forgotten", "done"}

NoStrandedWaiter ==
    ~ /\ Quiescent
      /\ \E s \in Range(list) : spc[s] = "parked"
      /\ (used < C \/ closed)
=============================================================================
