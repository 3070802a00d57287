------------------------------- MODULE Channel -------------------------------
(***************************************************************************)
(* The Bounded MPSC channel: the ring, the receiver waker and the sender   *)
(* waiter list composed, with close from either side, cancellation and     *)
(* timeouts.  Contract: docs/design/bounded-mpsc.md §4.  Teaching page:    *)
(* docs/protocols/channel.md.                                              *)
(*                                                                         *)
(* Composition at the interfaces.  Each primitive enters with the          *)
(* granularity its own module justifies:                                   *)
(*  - the ring (Ring.tla) as its linearizable operations, except that a    *)
(*    push stays two steps, the claim (the CAS) and the publication (value *)
(*    + stamp), because a claimed-but-unpublished push is what makes      *)
(*    TryPop answer Empty while the ring is not empty;                     *)
(*  - the receiver waker (Waker.tla) as its specification: Register sets R *)
(*    (its final RMW), Notify consumes R and later calls Wake() (two       *)
(*    steps, so wakes arrive late and stale), Unregister clears R.         *)
(*    Waker.tla checks that the fine-grained protocol loses no wake-up     *)
(*    under exactly this use (register, re-check, wait);                   *)
(*  - the sender waiter list (SenderWaiter.tla) with all its steps, with   *)
(*    F1's repair (FINDINGS.md).                                           *)
(*                                                                         *)
(* Each sender sends one message (its own id); the ring may start holding  *)
(* Prefill earlier messages (ids NS+1..), so that senders block at once.   *)
(*                                                                         *)
(* Actions and the C# they model (src/Channels/Mpsc/BoundedChannelCore.cs  *)
(* unless named otherwise):                                                *)
(*   SenderTryPush(s)      SendAsync/Send: Ring.TryPush's claim (CAS), or  *)
(*                         Full / Closed                                   *)
(*   SenderPublish(s)      Ring.TryPush: value write + stamp store         *)
(*   SenderNotify(s)       ReceiverWaker.Notify(): the RMW that sees R     *)
(*   SenderWake(s)         ReceiverWaker.Notify(): slot[I].Wake()          *)
(*   SenderEnqueue(s) .. SenderForwardPop(s), CancelRequest(s),            *)
(*   CancelLocked(s)       as in SenderWaiter.tla (SenderWaiterList.cs)    *)
(*   ReceiverTryPop        ReceiveAsync/Receive: Ring.TryPop               *)
(*   ReceiverRegister      ReceiverWaker.Register(w) (w armed before)      *)
(*   ReceiverRecheck       Ring.TryPop after Register                      *)
(*   ReceiverUnregister    ReceiverWaker.Unregister()                      *)
(*   ReceiverWoken         the wait ends (w.Wake() was called)             *)
(*   ReceiverNotifyCheck   SenderWaiterList.NotifyOne: Fence; isEmpty.Load *)
(*   ReceiverNotifyPop     SenderWaiterList.NotifyOne: lock; pop; Wake     *)
(*   ReceiverClose         Receiver-side Close(): Ring.Close()             *)
(*   CloseRing             Sender-side Close(): Ring.Close()               *)
(*   CloseNotify, CloseWake  Close(): ReceiverWaker.Notify()               *)
(*   CloseNotifyCheck, CloseNotifyAll  Close(): SenderWaiterList.NotifyAll *)
(*   (the receiver-side close runs the same NotifyAll steps, Receiver...)  *)
(*                                                                         *)
(* BUG selects a deliberately broken variant (negative controls):          *)
(*   "none"                   the protocol                                 *)
(*   "forgotten_waiter"       tachyonix's forgotten sender -> with no      *)
(*                            close and no cancellation, the checker's     *)
(*                            deadlock detection finds the documented      *)
(*                            deadlock: empty ring, receiver waiting, a    *)
(*                            live sender listed, nobody left to notify it *)
(*   "retry_skips_notify"     a woken sender's successful retry does not   *)
(*                            notify the receiver    -> NoLostWakeup       *)
(*   "close_skips_notify_all" Close does not wake the blocked senders      *)
(*                                                   -> NoStrandedWaiter   *)
(*   "close_skips_receiver_notify" a sender-side Close does not notify the *)
(*                            receiver               -> NoLostWakeup       *)
(*   "closed_before_drain"    TryPop reports Closed as soon as CLOSED is   *)
(*                            set, before the ring is drained              *)
(*                                                   -> DeliveredBeforeClosed*)
(*   "slow_pop_skips_notify_one" a pop made after a wait (the re-check)    *)
(*                            does not call NotifyOne -> NoStrandedWaiter  *)
(*   "woken_after_push_retries" a Wake that reached a node while its       *)
(*                            sender was still running dispatches the      *)
(*                            retry anyway (FINDINGS.md, F2): the sender's *)
(*                            re-check pushed, and the retry pushes the    *)
(*                            same item again        -> NoDuplicate (its   *)
(*                            cfg checks only that; with every invariant   *)
(*                            SendOutcomeExact fails first)                *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    NS,             \* senders, each sending one message
    C,              \* ring capacity
    Prefill,        \* messages already in the ring at the start
    NCancel,        \* senders 1..NCancel may be cancelled or time out
    CloseBySender,  \* a sender-side Close() may happen
    CloseByReceiver,\* a receiver-side Close() may happen
    BUG

ASSUME NS \in 1..3 /\ C \in 1..3 /\ Prefill \in 0..C /\ NCancel \in 0..NS
ASSUME CloseBySender \in BOOLEAN /\ CloseByReceiver \in BOOLEAN
ASSUME BUG \in {"none", "forgotten_waiter", "retry_skips_notify",
                "close_skips_notify_all", "close_skips_receiver_notify",
                "closed_before_drain", "slow_pop_skips_notify_one",
                "woken_after_push_retries"}

Senders == 1..NS
Cancellable == 1..NCancel
Msgs == 1..(NS + Prefill)

VARIABLES
    q,          \* the ring: claimed positions in order, [m |-> id, pub |-> published?]
    closed,     \* the CLOSED bit of enqueuePos
    regR,       \* the waker's REGISTERED bit
    woken,      \* the receiver's waiter has been woken and has not consumed it
    list, isEmpty,          \* the sender waiter list
    spc, cancelReq, cpc,    \* senders and their cancellations
    rpc,        \* receiver program counter
    rClosed,    \* the receiver has called Close()
    clpc,       \* sender-side closer program counter
    received,   \* ghost: messages received, in order
    result, completions, pushed  \* ghosts, as in SenderWaiter.tla

vars == <<q, closed, regR, woken, list, isEmpty, spc, cancelReq, cpc, rpc, rClosed,
          clpc, received, result, completions, pushed>>

Init ==
    /\ q = [i \in 1..Prefill |-> [m |-> NS + i, pub |-> TRUE]]
    /\ closed = FALSE
    /\ regR = FALSE
    /\ woken = FALSE
    /\ list = <<>>
    /\ isEmpty = TRUE
    /\ spc = [s \in Senders |-> "start"]
    /\ cancelReq = [s \in Senders |-> FALSE]
    /\ cpc = [s \in Senders |-> "idle"]
    /\ rpc = "tryPop"
    /\ rClosed = ~CloseByReceiver
    /\ clpc = IF CloseBySender THEN "open" ELSE "never"
    /\ received = <<>>
    /\ result = [s \in Senders |-> "none"]
    /\ completions = [s \in Senders |-> 0]
    /\ pushed = [s \in Senders |-> 0]

Range(x) == {x[i] : i \in DOMAIN x}
Unlink(l, s) == SelectSeq(l, LAMBDA x : x /= s)
Woken(pc, popped) ==
    [x \in Senders |-> IF x \in popped /\ pc[x] = "parked" THEN "retry" ELSE pc[x]]
PopFront(l) == IF l = <<>> THEN l ELSE Tail(l)
FrontSet(l) == IF l = <<>> THEN {} ELSE {Head(l)}
Complete(s, r) ==
    /\ result' = [result EXCEPT ![s] = r]
    /\ completions' = [completions EXCEPT ![s] = @ + 1]
Publish(s) == [i \in DOMAIN q |-> IF q[i].m = s THEN [q[i] EXCEPT !.pub = TRUE] ELSE q[i]]

\* Ring.TryPush's claim: Pushed claims the next position (CAS) and goes to
\* `next`, where the same sender publishes the value; Full goes to `full`;
\* Closed goes to `closedTo` (the send completes Closed at once when that
\* is "done").
TryPushStep(s, next, full, closedTo) ==
    CASE closed -> /\ spc' = [spc EXCEPT ![s] = closedTo]
                   /\ IF closedTo = "done" THEN Complete(s, "closed")
                                            ELSE UNCHANGED <<result, completions>>
                   /\ UNCHANGED <<q, pushed>>
      [] Len(q) < C -> /\ q' = Append(q, [m |-> s, pub |-> FALSE])
                       /\ pushed' = [pushed EXCEPT ![s] = @ + 1]
                       /\ spc' = [spc EXCEPT ![s] = next]
                       /\ UNCHANGED <<result, completions>>
      [] OTHER -> /\ spc' = [spc EXCEPT ![s] = full]
                  /\ UNCHANGED <<q, pushed, result, completions>>

\* Variables the sender-side steps below leave alone unless they say so.
RecvVars == <<rpc, rClosed, received>>

-----------------------------------------------------------------------------
(* Senders.  The waiter-list steps are SenderWaiter.tla's, with the ring's *)
(* push split in two and the receiver notified after every push.          *)
(* pcs: "start" fast path; "pub" / "pubCof" / "pubRetry" publish; "notify" *)
(* and "wake" ReceiverWaker.Notify; a send completes (ghost `result`) in   *)
(* the step that decides its outcome.                                      *)

SenderTryPush(s) ==
    /\ spc[s] = "start"
    /\ TryPushStep(s, "pub", "enqueue", "done")
    /\ UNCHANGED <<closed, regR, woken, list, isEmpty, cancelReq, cpc, clpc>>
    /\ UNCHANGED RecvVars

\* Publication; then notify the receiver.  After the re-check's push the
\* node is first unlinked or its notification forwarded (CancelOrForward).
SenderPublish(s) ==
    /\ spc[s] \in {"pub", "pubCof", "pubRetry"}
    /\ q' = Publish(s)
    /\ IF spc[s] = "pubRetry" /\ BUG = "retry_skips_notify"
       THEN spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "sent")
       ELSE /\ spc' = [spc EXCEPT ![s] = IF spc[s] = "pubCof" THEN "cof" ELSE "notify"]
            /\ UNCHANGED <<result, completions>>
    /\ UNCHANGED <<closed, regR, woken, list, isEmpty, cancelReq, cpc, clpc, pushed>>
    /\ UNCHANGED RecvVars

\* ReceiverWaker.Notify(): the RMW on `state`.  If the receiver is
\* registered, consume R; the Wake() call is the next step.
SenderNotify(s) ==
    /\ spc[s] = "notify"
    /\ regR' = FALSE
    /\ IF regR
       THEN spc' = [spc EXCEPT ![s] = "wake"] /\ UNCHANGED <<result, completions>>
       ELSE spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "sent")
    /\ UNCHANGED <<q, closed, woken, list, isEmpty, cancelReq, cpc, clpc, pushed>>
    /\ UNCHANGED RecvVars

SenderWake(s) ==
    /\ spc[s] = "wake"
    /\ woken' = TRUE
    /\ spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "sent")
    /\ UNCHANGED <<q, closed, regR, list, isEmpty, cancelReq, cpc, clpc, pushed>>
    /\ UNCHANGED RecvVars

SenderEnqueue(s) ==
    /\ spc[s] = "enqueue"
    /\ IF cancelReq[s]
       THEN /\ spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "cancelled")
            /\ UNCHANGED <<list, isEmpty>>
       ELSE /\ list' = Append(list, s) /\ isEmpty' = FALSE
            /\ spc' = [spc EXCEPT ![s] = "recheck"]
            /\ UNCHANGED <<result, completions>>
    /\ UNCHANGED <<q, closed, regR, woken, cancelReq, cpc, clpc, pushed>> /\ UNCHANGED RecvVars

SenderRecheck(s) ==
    /\ spc[s] = "recheck"
    /\ TryPushStep(s, "pubCof", "park", "cofClosed")
    /\ UNCHANGED <<closed, regR, woken, list, isEmpty, cancelReq, cpc, clpc>>
    /\ UNCHANGED RecvVars

\* CancelOrForward: after the re-check's Pushed ("cof": then notify the
\* receiver) or Closed ("cofClosed").
SenderCancelOrForward(s) ==
    /\ spc[s] \in {"cof", "cofClosed"}
    /\ LET after == IF spc[s] = "cof" THEN "notify" ELSE "done" IN
       IF s \in Range(list)
       THEN /\ list' = Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ spc' = [spc EXCEPT ![s] = after]
       ELSE IF BUG = "woken_after_push_retries" /\ spc[s] = "cof"
       THEN /\ spc' = [spc EXCEPT ![s] = "retryPush"]
            /\ UNCHANGED <<list, isEmpty>>
       ELSE /\ list' = PopFront(list)
            /\ isEmpty' = (list' = <<>>)
            /\ spc' = [Woken(spc, FrontSet(list)) EXCEPT ![s] = after]
    /\ IF spc[s] = "cofClosed" THEN Complete(s, "closed") ELSE UNCHANGED <<result, completions>>
    /\ UNCHANGED <<q, closed, regR, woken, cancelReq, cpc, clpc, pushed>>
    /\ UNCHANGED RecvVars

SenderPark(s) ==
    /\ spc[s] = "park"
    /\ CASE s \notin Range(list) ->
              spc' = [spc EXCEPT ![s] = "retry"] /\ UNCHANGED <<list, isEmpty, result, completions>>
         [] cancelReq[s] ->
              /\ list' = Unlink(list, s) /\ isEmpty' = (list' = <<>>)
              /\ spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "cancelled")
         [] OTHER ->
              spc' = [spc EXCEPT ![s] = "parked"] /\ UNCHANGED <<list, isEmpty, result, completions>>
    /\ UNCHANGED <<q, closed, regR, woken, cancelReq, cpc, clpc, pushed>> /\ UNCHANGED RecvVars

SenderRetry(s) ==
    /\ spc[s] = "retry"
    /\ IF cancelReq[s]
       THEN spc' = [spc EXCEPT ![s] = "fwdCheck"] /\ Complete(s, "cancelled")
       ELSE spc' = [spc EXCEPT ![s] = "retryPush"] /\ UNCHANGED <<result, completions>>
    /\ UNCHANGED <<q, closed, regR, woken, list, isEmpty, cancelReq, cpc, clpc, pushed>>
    /\ UNCHANGED RecvVars

SenderRetryPush(s) ==
    /\ spc[s] = "retryPush"
    /\ TryPushStep(s, "pubRetry", "enqueueFront", "done")
    /\ UNCHANGED <<closed, regR, woken, list, isEmpty, cancelReq, cpc, clpc>>
    /\ UNCHANGED RecvVars

SenderEnqueueFront(s) ==
    /\ spc[s] = "enqueueFront"
    /\ IF cancelReq[s]
       THEN /\ spc' = [spc EXCEPT ![s] = "done"] /\ Complete(s, "cancelled")
            /\ UNCHANGED <<list, isEmpty>>
       ELSE /\ list' = <<s>> \o list /\ isEmpty' = FALSE
            /\ spc' = [spc EXCEPT ![s] = "recheck"]
            /\ UNCHANGED <<result, completions>>
    /\ UNCHANGED <<q, closed, regR, woken, cancelReq, cpc, clpc, pushed>> /\ UNCHANGED RecvVars

SenderForwardCheck(s) ==
    /\ spc[s] = "fwdCheck"
    /\ spc' = [spc EXCEPT ![s] = IF isEmpty THEN "done" ELSE "fwdPop"]
    /\ UNCHANGED <<q, closed, regR, woken, list, isEmpty, cancelReq, cpc, clpc,
                   result, completions, pushed>> /\ UNCHANGED RecvVars

SenderForwardPop(s) ==
    /\ spc[s] = "fwdPop"
    /\ list' = PopFront(list) /\ isEmpty' = (list' = <<>>)
    /\ spc' = [Woken(spc, FrontSet(list)) EXCEPT ![s] = "done"]
    /\ UNCHANGED <<q, closed, regR, woken, cancelReq, cpc, clpc, result, completions, pushed>>
    /\ UNCHANGED RecvVars

ForgetWaiter(s) ==
    /\ BUG = "forgotten_waiter" /\ spc[s] = "retry"
    /\ spc' = [spc EXCEPT ![s] = "forgotten"]
    /\ UNCHANGED <<q, closed, regR, woken, list, isEmpty, cancelReq, cpc, clpc,
                   result, completions, pushed>> /\ UNCHANGED RecvVars

CancelRequest(s) ==
    /\ s \in Cancellable /\ cpc[s] = "idle" /\ spc[s] \notin {"done", "forgotten"}
    /\ cancelReq' = [cancelReq EXCEPT ![s] = TRUE]
    /\ cpc' = [cpc EXCEPT ![s] = "lock"]
    /\ UNCHANGED <<q, closed, regR, woken, list, isEmpty, spc, clpc,
                   result, completions, pushed>> /\ UNCHANGED RecvVars

CancelLocked(s) ==
    /\ cpc[s] = "lock"
    /\ cpc' = [cpc EXCEPT ![s] = "done"]
    /\ IF s \in Range(list) /\ spc[s] = "parked"
       THEN /\ list' = Unlink(list, s)
            /\ isEmpty' = (list' = <<>>)
            /\ spc' = [spc EXCEPT ![s] = "done"]
            /\ Complete(s, "cancelled")
       ELSE UNCHANGED <<list, isEmpty, spc, result, completions>>
    /\ UNCHANGED <<q, closed, regR, woken, cancelReq, clpc, pushed>> /\ UNCHANGED RecvVars

-----------------------------------------------------------------------------
(* The receiver.  pcs: "tryPop" -> Popped: "nCheck"/"nPop" (NotifyOne);    *)
(* Empty: "register", "recheck", then "parked" or "unregister"; Closed:    *)
(* "closed".  A receiver-side Close is "rClose" then NotifyAll ("rCheck",  *)
(* "rPopAll"), after which it goes on draining.                            *)

SendersUnchanged == UNCHANGED <<spc, cancelReq, cpc, result, completions, pushed>>

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
         [] PopOutcome = "closed" -> rpc' = "closed" /\ UNCHANGED <<q, received>>
         [] OTHER -> rpc' = "register" /\ UNCHANGED <<q, received>>
    /\ UNCHANGED <<closed, regR, woken, list, isEmpty, rClosed, clpc>> /\ SendersUnchanged

\* Arm the waiter (reset its pending wake), then Register's final RMW sets R.
ReceiverRegister ==
    /\ rpc = "register"
    /\ regR' = TRUE /\ woken' = FALSE
    /\ rpc' = "recheck"
    /\ UNCHANGED <<q, closed, list, isEmpty, rClosed, clpc, received>> /\ SendersUnchanged

ReceiverRecheck ==
    /\ rpc = "recheck"
    /\ CASE PopOutcome = "popped" ->
              /\ received' = Append(received, q[1].m) /\ q' = Tail(q)
              /\ rpc' = "unregister"
         [] PopOutcome = "closed" -> rpc' = "unregisterClosed" /\ UNCHANGED <<q, received>>
         [] OTHER -> rpc' = "parked" /\ UNCHANGED <<q, received>>
    /\ UNCHANGED <<closed, regR, woken, list, isEmpty, rClosed, clpc>> /\ SendersUnchanged

ReceiverUnregister ==
    /\ rpc \in {"unregister", "unregisterClosed"}
    /\ regR' = FALSE
    /\ rpc' = IF rpc = "unregisterClosed" THEN "closed"
              ELSE IF BUG = "slow_pop_skips_notify_one" THEN "tryPop" ELSE "nCheck"
    /\ UNCHANGED <<q, closed, woken, list, isEmpty, rClosed, clpc, received>> /\ SendersUnchanged

\* After a wake: register again, then retry (design doc §2, §4).
ReceiverWoken ==
    /\ rpc = "parked" /\ woken
    /\ woken' = FALSE
    /\ rpc' = "register"
    /\ UNCHANGED <<q, closed, regR, list, isEmpty, rClosed, clpc, received>> /\ SendersUnchanged

\* NotifyOne after every successful pop.
ReceiverNotifyCheck ==
    /\ rpc = "nCheck"
    /\ rpc' = IF isEmpty THEN "tryPop" ELSE "nPop"
    /\ UNCHANGED <<q, closed, regR, woken, list, isEmpty, rClosed, clpc, received>> /\ SendersUnchanged

ReceiverNotifyPop ==
    /\ rpc = "nPop"
    /\ list' = PopFront(list) /\ isEmpty' = (list' = <<>>)
    /\ spc' = Woken(spc, FrontSet(list))
    /\ rpc' = "tryPop"
    /\ UNCHANGED <<q, closed, regR, woken, rClosed, clpc, received, cancelReq, cpc,
                   result, completions, pushed>>

\* Receiver-side Close(), between two receives: Ring.Close(); NotifyAll().
ReceiverClose ==
    /\ rpc = "tryPop" /\ ~rClosed
    /\ closed' = TRUE /\ rClosed' = TRUE
    /\ rpc' = "rCheck"
    /\ UNCHANGED <<q, regR, woken, list, isEmpty, clpc, received>> /\ SendersUnchanged

ReceiverCloseCheck ==
    /\ rpc = "rCheck"
    /\ rpc' = IF isEmpty \/ BUG = "close_skips_notify_all" THEN "tryPop" ELSE "rPopAll"
    /\ UNCHANGED <<q, closed, regR, woken, list, isEmpty, rClosed, clpc, received>> /\ SendersUnchanged

ReceiverCloseNotifyAll ==
    /\ rpc = "rPopAll"
    /\ list' = <<>> /\ isEmpty' = TRUE
    /\ spc' = Woken(spc, Range(list))
    /\ rpc' = "tryPop"
    /\ UNCHANGED <<q, closed, regR, woken, rClosed, clpc, received, cancelReq, cpc,
                   result, completions, pushed>>

-----------------------------------------------------------------------------
(* Sender-side Close(): Ring.Close(); ReceiverWaker.Notify(); NotifyAll(). *)

CloserUnchanged == UNCHANGED <<q, rpc, rClosed, received>>

CloseRing ==
    /\ clpc = "open"
    /\ closed' = TRUE
    /\ clpc' = IF BUG = "close_skips_receiver_notify" THEN "check" ELSE "notify"
    /\ UNCHANGED <<regR, woken, list, isEmpty>> /\ SendersUnchanged /\ CloserUnchanged

CloseNotify ==
    /\ clpc = "notify"
    /\ regR' = FALSE
    /\ clpc' = IF regR THEN "wake" ELSE "check"
    /\ UNCHANGED <<closed, woken, list, isEmpty>> /\ SendersUnchanged /\ CloserUnchanged

CloseWake ==
    /\ clpc = "wake"
    /\ woken' = TRUE
    /\ clpc' = "check"
    /\ UNCHANGED <<closed, regR, list, isEmpty>> /\ SendersUnchanged /\ CloserUnchanged

CloseNotifyCheck ==
    /\ clpc = "check"
    /\ clpc' = IF isEmpty \/ BUG = "close_skips_notify_all" THEN "done" ELSE "popAll"
    /\ UNCHANGED <<closed, regR, woken, list, isEmpty>> /\ SendersUnchanged /\ CloserUnchanged

CloseNotifyAll ==
    /\ clpc = "popAll"
    /\ list' = <<>> /\ isEmpty' = TRUE
    /\ spc' = Woken(spc, Range(list))
    /\ clpc' = "done"
    /\ UNCHANGED <<closed, regR, woken, cancelReq, cpc, result, completions, pushed>>
    /\ CloserUnchanged

-----------------------------------------------------------------------------

\* The end: every send completed, every cancellation and close finished,
\* and the receiver either saw Closed or waits on an empty, open channel.
Terminated ==
    /\ \A s \in Senders : spc[s] \in {"done", "forgotten"}
    /\ \A s \in Senders : cpc[s] \in {"idle", "done"}
    /\ clpc \in {"open", "done", "never"}
    /\ \/ rpc = "closed"
       \/ rpc = "parked" /\ q = <<>> /\ ~closed
    /\ UNCHANGED vars

Next ==
    \/ \E s \in Senders :
          \/ SenderTryPush(s) \/ SenderPublish(s) \/ SenderNotify(s) \/ SenderWake(s)
          \/ SenderEnqueue(s) \/ SenderRecheck(s) \/ SenderCancelOrForward(s)
          \/ SenderPark(s) \/ SenderRetry(s) \/ SenderRetryPush(s)
          \/ SenderEnqueueFront(s) \/ SenderForwardCheck(s) \/ SenderForwardPop(s)
          \/ ForgetWaiter(s) \/ CancelRequest(s) \/ CancelLocked(s)
    \/ ReceiverTryPop \/ ReceiverRegister \/ ReceiverRecheck \/ ReceiverUnregister
    \/ ReceiverWoken \/ ReceiverNotifyCheck \/ ReceiverNotifyPop
    \/ ReceiverClose \/ ReceiverCloseCheck \/ ReceiverCloseNotifyAll
    \/ CloseRing \/ CloseNotify \/ CloseWake \/ CloseNotifyCheck \/ CloseNotifyAll
    \/ Terminated

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

SenderPcs == {"start", "pub", "pubCof", "pubRetry", "notify", "wake", "enqueue", "recheck", "cof", "cofClosed", "park", "parked",
              "retry", "retryPush", "enqueueFront", "fwdCheck", "fwdPop", "forgotten", "done"}

TypeOK ==
    /\ q \in Seq([m : Msgs, pub : BOOLEAN]) /\ Len(q) <= C
    /\ closed \in BOOLEAN /\ regR \in BOOLEAN /\ woken \in BOOLEAN
    /\ list \in Seq(Senders) /\ isEmpty \in BOOLEAN
    /\ spc \in [Senders -> SenderPcs]
    /\ cancelReq \in [Senders -> BOOLEAN] /\ cpc \in [Senders -> {"idle", "lock", "done"}]
    /\ rpc \in {"tryPop", "register", "recheck", "unregister", "unregisterClosed", "parked",
                "nCheck", "nPop", "rCheck", "rPopAll", "closed"}
    /\ rClosed \in BOOLEAN
    /\ clpc \in {"open", "notify", "wake", "check", "popAll", "done", "never"}
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

\* Each send completes at most once, Sent exactly when its message entered
\* the ring.  Together with NoDuplicate, DeliveredBeforeClosed and deadlock
\* freedom (a message left in the ring at the end is a deadlock: Terminated
\* requires an empty ring), every successfully sent message is received
\* exactly once, or the receiver saw Closed after all of them.
SendOutcomeExact ==
    \A s \in Senders :
        /\ completions[s] <= 1 /\ pushed[s] <= 1
        /\ result[s] \in {"closed", "cancelled"} => pushed[s] = 0
        /\ result[s] = "sent" => pushed[s] = 1

\* Nothing in flight: no sender between its push and the end of its Notify,
\* inside the waiter list or forwarding; no cancellation or close running;
\* the receiver not between a pop and the end of its NotifyOne, nor inside
\* NotifyAll.
SendersQuiet == \A s \in Senders : spc[s] \in {"start", "parked", "forgotten", "done"}
Quiet ==
    /\ SendersQuiet
    /\ \A s \in Senders : cpc[s] \in {"idle", "done"}
    /\ clpc \in {"open", "done", "never"}
    /\ rpc \notin {"unregister", "nCheck", "nPop", "rCheck", "rPopAll"}

\* No lost wake-up of the receiver: it never waits, un-woken, while a
\* published message (or Closed) is there for it and nothing is in flight.
NoLostWakeup ==
    ~ /\ rpc = "parked" /\ ~woken /\ Quiet
      /\ (PopOutcome /= "empty")

\* No stranded sender: no live sender waits in the list while a slot is
\* free (or the channel is closed) and nothing is in flight.
NoStrandedWaiter ==
    ~ /\ Quiet
      /\ \E s \in Range(list) : spc[s] = "parked"
      /\ (Len(q) < C \/ closed)
=============================================================================
