-------------------------------- MODULE Ring --------------------------------
(***************************************************************************)
(* The bounded multi-producer single-consumer ring of the Bounded MPSC     *)
(* channel: a Vyukov array queue with a stamp per slot and the CLOSED bit  *)
(* packed into the enqueue word.  Contract: docs/design/bounded-mpsc.md §1. *)
(* Teaching page: docs/protocols/ring.md.                                  *)
(*                                                                         *)
(* Every step of this spec is ONE atomic access to shared memory (or a     *)
(* purely local computation folded into the access that follows it), so   *)
(* the interleavings the checker explores are exactly the sequentially    *)
(* consistent interleavings of the C# code.  Weak-memory reorderings are   *)
(* out of TLA+'s scope; the systematic tests (src/Channels.Verification)   *)
(* cover them.  Writing a slot's value and publishing its stamp are        *)
(* separate steps, as are reading the value and freeing the slot.          *)
(*                                                                         *)
(* The arithmetic is the real one: capacity C, P = next power of two >= C, *)
(* CLOSED = P, one lap = 2P, positions lap*2P + index.  enqueuePos is ONE  *)
(* variable that carries the CLOSED bit, like the C# AtomicInt64.          *)
(* dequeuePos is an AtomicInt64 too (all accesses Relaxed): only the       *)
(* consumer writes it, and other threads read it (IsDrained, Count), so    *)
(* its store is a step of its own; the consumer's own load of it is local  *)
(* and folded into the stamp load.                                         *)
(*                                                                         *)
(* Actions and the C# that implements them (src/Channels/Mpsc/Ring.cs,     *)
(* Ring<T>; the positions live in RingPositions):                          *)
(*   ProducerLoadEnq(p)   TryPush: pos := EnqueuePos.Load(Relaxed)         *)
(*   ProducerLoadStamp(p) TryPush loop top: the CLOSED test on pos, then   *)
(*                        stamp := slot.Stamp.Load(Acquire) and the        *)
(*                        d = stamp - pos decision (Full when d < 0)       *)
(*   ProducerCas(p)       TryPush: EnqueuePos.CompareExchange(pos,         *)
(*                        Next(pos)) (failure: pos := observed)            *)
(*   ProducerReload(p)    TryPush, d > 0: pos := EnqueuePos.Load(Relaxed)  *)
(*   ProducerWriteValue(p) TryPush: slot.Value.Write(item)                 *)
(*   ProducerPublish(p)   TryPush: slot.Stamp.Store(stamp + 1, Release);   *)
(*                        Pushed                                           *)
(*   ConsumerLoadStamp    TryPop: dq := DequeuePos.Load(Relaxed); stamp := *)
(*                        slot.Stamp.Load(Acquire); full iff stamp = dq+1  *)
(*   ConsumerAdvance      TryPop: DequeuePos.Store(Next(dq), Relaxed)      *)
(*   ConsumerReadValue    TryPop: item := slot.Value.Read();               *)
(*                        slot.Value.Write(default)                        *)
(*   ConsumerFreeSlot     TryPop: slot.Stamp.Store(dq + 2P, Release);      *)
(*                        Popped                                           *)
(*   ConsumerCheckClosed  TryPop, not full: EnqueuePos.Load(Relaxed) ==    *)
(*                        (dq | CLOSED) ? Closed : Empty                   *)
(*   Close                Close(): EnqueuePos.FetchOr(CLOSED, Relaxed)     *)
(*   ObserverLoadDq       IsDrained (any thread; BoundedChannelCore.Close  *)
(*                        and AfterPop): dq := DequeuePos.Load(Relaxed)    *)
(*   ObserverLoadEnq      IsDrained: EnqueuePos.Load(Relaxed) == (dq |     *)
(*                        CLOSED)                                          *)
(* TryPeek and ProbeSpace are TryPop's and TryPush's loads without the     *)
(* writes (no new interleaving); Count is a clamped snapshot that decides  *)
(* nothing.                                                                *)
(*                                                                         *)
(* BUG selects a deliberately broken variant (a negative control that the  *)
(* runner expects to FAIL; see manifest.json):                             *)
(*   "none"                  the protocol (Ring.cs)                        *)
(*   "cas_ignores_closed"    the claim compares only the position, as if   *)
(*                           CLOSED lived in a separate flag that was      *)
(*                           tested before the CAS  -> NoClaimAfterClose   *)
(*   "stamp_before_value"    publish the stamp, then write the value       *)
(*                                                 -> ReadPublished        *)
(*   "pop_frees_before_read" free the slot (stamp store), then read it     *)
(*                                                 -> NoOverwrite          *)
(*   "claim_when_full"       treat d < 0 like d = 0 (no Full test)         *)
(*                                                 -> CapacityBound        *)
(*   "closed_ignores_inflight" report Closed when the CLOSED bit is set    *)
(*                           and the head slot is not full, instead of     *)
(*                           comparing the whole word with dq | CLOSED     *)
(*                                                 -> ClosedOnlyWhenDrained*)
(*   "two_consumers"         break the single-consumer precondition (what  *)
(*                           the receive guard in BoundedChannelCore       *)
(*                           prevents)             -> PerProducerFIFO      *)
(*   "drained_ignores_closed" IsDrained compares the positions without the *)
(*                           CLOSED bit            -> DrainedExact         *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    C,          \* capacity (number of slots), >= 1
    NP,         \* number of producers
    Pushes,     \* messages each producer tries to push, in order 1..Pushes
    Observer,   \* whether a thread calls IsDrained (until it answers true)
    BUG         \* "none" or the name of a negative control (see above)

ASSUME C \in 1..16 /\ NP \in 1..4 /\ Pushes \in 1..4 /\ Observer \in BOOLEAN
ASSUME BUG \in {"none", "cas_ignores_closed", "stamp_before_value",
                "pop_frees_before_read", "claim_when_full",
                "closed_ignores_inflight", "two_consumers",
                "drained_ignores_closed"}

Producers == 1..NP
Consumers == IF BUG = "two_consumers" THEN 1..2 ELSE 1..1

\* --- the word layout (Ring.cs: capacity, closedBit, rightMask, Next) -------
P == CHOOSE p \in {1, 2, 4, 8, 16} : p >= C /\ (p = 1 \/ p \div 2 < C)
CLOSED == P                 \* the flag bit inside enqueuePos
Lap == 2 * P                \* rightMask + 1
IsClosed(w) == (w \div CLOSED) % 2 = 1
WithClosed(w) == IF IsClosed(w) THEN w ELSE w + CLOSED      \* w | CLOSED
WithoutClosed(w) == IF IsClosed(w) THEN w - CLOSED ELSE w   \* w & ~CLOSED
Index(pos) == pos % Lap                                     \* pos & rightMask
Next(pos) == IF (pos + 1) % Lap < C THEN pos + 1 ELSE (pos - pos % Lap) + Lap
\* number of positions before pos (positions skip the indices C..2P-1)
Logical(w) == (WithoutClosed(w) \div Lap) * C + Index(WithoutClosed(w))

Msgs == Producers \X (1..Pushes)
NoMsg == <<0, 0>>
MaxPos == Lap * (NP * Pushes + 2)
Slots == 0..(C - 1)

VARIABLES
    enqueuePos,     \* AtomicInt64: next position to claim, with the CLOSED bit
    dequeuePos,     \* AtomicInt64: next position to pop (written by the consumer only)
    stamp,          \* stamp[i]: slot i's AtomicInt64 Stamp
    val,            \* val[i]: slot i's Cell<T> Value (NoMsg = default)
    ppc,            \* producer program counter
    lpos,           \* producer local: pos
    lstamp,         \* producer local: the stamp it loaded
    sent,           \* producer p has pushed messages 1..sent[p] successfully
    cpc,            \* consumer program counter
    cdq,            \* consumer local: dq of the pop in progress
    received,       \* ghost: every value popped, in pop order
    claimAfterClose,\* ghost: a claim (successful CAS) saw the CLOSED bit set
    opc,            \* IsDrained caller's program counter
    odq             \* its local dq

vars == <<enqueuePos, dequeuePos, stamp, val, ppc, lpos, lstamp, sent,
          cpc, cdq, received, claimAfterClose, opc, odq>>

Init ==
    /\ enqueuePos = 0
    /\ dequeuePos = 0
    /\ stamp = [i \in Slots |-> i]
    /\ val = [i \in Slots |-> NoMsg]
    /\ ppc = [p \in Producers |-> "idle"]
    /\ lpos = [p \in Producers |-> 0]
    /\ lstamp = [p \in Producers |-> 0]
    /\ sent = [p \in Producers |-> 0]
    /\ cpc = [c \in Consumers |-> "idle"]
    /\ cdq = [c \in Consumers |-> 0]
    /\ received = <<>>
    /\ claimAfterClose = FALSE
    /\ opc = IF Observer THEN "loadDq" ELSE "never"
    /\ odq = 0

Msg(p) == <<p, sent[p] + 1>>     \* the message producer p is pushing

-----------------------------------------------------------------------------
(* Producers: TryPush(item) -> Pushed | Full | Closed.  A producer whose   *)
(* push returned Full goes back to "idle" and retries the same message    *)
(* later; one that saw Closed stops.                                       *)

ProducerLoadEnq(p) ==
    /\ ppc[p] = "idle" /\ sent[p] < Pushes
    /\ lpos' = [lpos EXCEPT ![p] = enqueuePos]
    /\ ppc' = [ppc EXCEPT ![p] = "loadStamp"]
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, val, lstamp, sent, cpc, cdq,
                   received, claimAfterClose, opc, odq>>

\* Loop top.  The CLOSED test is local (on pos); then the stamp load.
ProducerLoadStamp(p) ==
    /\ ppc[p] = "loadStamp"
    /\ IF IsClosed(lpos[p])
       THEN /\ ppc' = [ppc EXCEPT ![p] = "closed"]          \* return Closed
            /\ UNCHANGED lstamp
       ELSE LET s == stamp[Index(lpos[p])]
                d == s - lpos[p]
            IN /\ lstamp' = [lstamp EXCEPT ![p] = s]
               /\ ppc' = [ppc EXCEPT ![p] =
                     IF d = 0 \/ (BUG = "claim_when_full" /\ d < 0) THEN "cas"
                     ELSE IF d < 0 THEN "idle"               \* return Full
                     ELSE "reload"]                           \* claimed by another
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, val, lpos, sent, cpc, cdq,
                   received, claimAfterClose, opc, odq>>

\* The CAS compares the WHOLE word, CLOSED included: a close that lands
\* between the load and the CAS makes it fail.
ProducerCas(p) ==
    /\ ppc[p] = "cas"
    /\ LET matches == IF BUG = "cas_ignores_closed"
                      THEN WithoutClosed(enqueuePos) = lpos[p]
                      ELSE enqueuePos = lpos[p]
           closedBit == IF IsClosed(enqueuePos) THEN CLOSED ELSE 0
       IN IF matches
          THEN /\ enqueuePos' = IF BUG = "cas_ignores_closed"
                                THEN Next(lpos[p]) + closedBit
                                ELSE Next(lpos[p])
               /\ claimAfterClose' = (claimAfterClose \/ IsClosed(enqueuePos))
               /\ ppc' = [ppc EXCEPT ![p] =
                     IF BUG = "stamp_before_value" THEN "publish" ELSE "write"]
               /\ UNCHANGED lpos
          ELSE /\ lpos' = [lpos EXCEPT ![p] = enqueuePos]   \* pos := observed
               /\ ppc' = [ppc EXCEPT ![p] = "loadStamp"]
               /\ UNCHANGED <<enqueuePos, claimAfterClose>>
    /\ UNCHANGED <<dequeuePos, stamp, val, lstamp, sent, cpc, cdq, received, opc, odq>>

ProducerReload(p) ==
    /\ ppc[p] = "reload"
    /\ lpos' = [lpos EXCEPT ![p] = enqueuePos]
    /\ ppc' = [ppc EXCEPT ![p] = "loadStamp"]
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, val, lstamp, sent, cpc, cdq,
                   received, claimAfterClose, opc, odq>>

\* Pushed is returned by whichever of WriteValue / Publish comes last.
ProducerWriteValue(p) ==
    /\ ppc[p] = "write"
    /\ val' = [val EXCEPT ![Index(lpos[p])] = Msg(p)]
    /\ IF BUG = "stamp_before_value"
       THEN /\ ppc' = [ppc EXCEPT ![p] = "idle"]
            /\ sent' = [sent EXCEPT ![p] = @ + 1]
       ELSE /\ ppc' = [ppc EXCEPT ![p] = "publish"]
            /\ UNCHANGED sent
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, lpos, lstamp, cpc, cdq,
                   received, claimAfterClose, opc, odq>>

ProducerPublish(p) ==
    /\ ppc[p] = "publish"
    /\ stamp' = [stamp EXCEPT ![Index(lpos[p])] = lstamp[p] + 1]
    /\ IF BUG = "stamp_before_value"
       THEN /\ ppc' = [ppc EXCEPT ![p] = "write"]
            /\ UNCHANGED sent
       ELSE /\ ppc' = [ppc EXCEPT ![p] = "idle"]
            /\ sent' = [sent EXCEPT ![p] = @ + 1]
    /\ UNCHANGED <<enqueuePos, dequeuePos, val, lpos, lstamp, cpc, cdq,
                   received, claimAfterClose, opc, odq>>

-----------------------------------------------------------------------------
(* The consumer: TryPop -> Popped | Empty | Closed, called in a loop until *)
(* it returns Closed.  Only the consumer writes dequeuePos, so its own     *)
(* load of it is folded into the stamp load; the store that advances it is *)
(* a step (IsDrained reads it from another thread).                        *)

ConsumerLoadStamp(c) ==
    /\ cpc[c] = "idle"
    /\ LET dq == dequeuePos IN
       /\ cdq' = [cdq EXCEPT ![c] = dq]
       /\ cpc' = [cpc EXCEPT ![c] =
             IF stamp[Index(dq)] = dq + 1 THEN "advance" ELSE "checkClosed"]
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, val, ppc, lpos, lstamp, sent, received,
                   claimAfterClose, opc, odq>>

\* With two consumers (control only) each stores its own Next(dq).
ConsumerAdvance(c) ==
    /\ cpc[c] = "advance"
    /\ dequeuePos' = Next(cdq[c])
    /\ cpc' = [cpc EXCEPT ![c] =
          IF BUG = "pop_frees_before_read" THEN "free" ELSE "read"]
    /\ UNCHANGED <<enqueuePos, stamp, val, ppc, lpos, lstamp, sent, cdq, received,
                   claimAfterClose, opc, odq>>

ConsumerReadValue(c) ==
    /\ cpc[c] = "read"
    /\ received' = Append(received, val[Index(cdq[c])])
    /\ val' = [val EXCEPT ![Index(cdq[c])] = NoMsg]     \* Value.Write(default)
    /\ cpc' = [cpc EXCEPT ![c] =
          IF BUG = "pop_frees_before_read" THEN "idle" ELSE "free"]
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, ppc, lpos, lstamp, sent, cdq,
                   claimAfterClose, opc, odq>>

ConsumerFreeSlot(c) ==
    /\ cpc[c] = "free"
    /\ stamp' = [stamp EXCEPT ![Index(cdq[c])] = cdq[c] + Lap]
    /\ cpc' = [cpc EXCEPT ![c] =
          IF BUG = "pop_frees_before_read" THEN "read" ELSE "idle"]
    /\ UNCHANGED <<enqueuePos, dequeuePos, val, ppc, lpos, lstamp, sent, cdq,
                   received, claimAfterClose, opc, odq>>

\* Closed only when the whole word equals dq | CLOSED: closed AND every
\* claimed position consumed.  A claimed-but-unpublished push reads Empty.
ConsumerCheckClosed(c) ==
    /\ cpc[c] = "checkClosed"
    /\ LET isClosedNow == IF BUG = "closed_ignores_inflight"
                          THEN IsClosed(enqueuePos)
                          ELSE enqueuePos = WithClosed(cdq[c])
       IN cpc' = [cpc EXCEPT ![c] = IF isClosedNow THEN "closed" ELSE "idle"]
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, val, ppc, lpos, lstamp, sent,
                   cdq, received, claimAfterClose, opc, odq>>

\* Close() from either side: one FetchOr.  (Closing twice is a no-op.)
Close ==
    /\ ~IsClosed(enqueuePos)
    /\ enqueuePos' = WithClosed(enqueuePos)
    /\ UNCHANGED <<dequeuePos, stamp, val, ppc, lpos, lstamp, sent, cpc, cdq,
                   received, claimAfterClose, opc, odq>>

\* IsDrained, called from any thread until it answers true (Close calls it
\* once, AfterPop after every pop; looping covers every such moment).
ObserverLoadDq ==
    /\ opc = "loadDq"
    /\ odq' = dequeuePos
    /\ opc' = "loadEnq"
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, val, ppc, lpos, lstamp, sent, cpc, cdq,
                   received, claimAfterClose>>

ObserverLoadEnq ==
    /\ opc = "loadEnq"
    /\ LET drained == IF BUG = "drained_ignores_closed"
                      THEN WithoutClosed(enqueuePos) = odq
                      ELSE enqueuePos = WithClosed(odq)
       IN opc' = IF drained THEN "drained" ELSE "loadDq"
    /\ UNCHANGED <<enqueuePos, dequeuePos, stamp, val, ppc, lpos, lstamp, sent, cpc, cdq,
                   received, claimAfterClose, odq>>

\* Every consumer saw Closed and every producer finished: stutter, so that
\* the checker's deadlock detection reports only real stuck states.
Terminated ==
    /\ \A c \in Consumers : cpc[c] = "closed"
    /\ \A p \in Producers : ppc[p] = "closed" \/ (ppc[p] = "idle" /\ sent[p] = Pushes)
    /\ opc \in {"never", "drained"}
    /\ UNCHANGED vars

Next ==
    \/ \E p \in Producers :
          \/ ProducerLoadEnq(p) \/ ProducerLoadStamp(p) \/ ProducerCas(p)
          \/ ProducerReload(p) \/ ProducerWriteValue(p) \/ ProducerPublish(p)
    \/ \E c \in Consumers :
          \/ ConsumerLoadStamp(c) \/ ConsumerAdvance(c) \/ ConsumerReadValue(c)
          \/ ConsumerFreeSlot(c) \/ ConsumerCheckClosed(c)
    \/ Close
    \/ ObserverLoadDq \/ ObserverLoadEnq
    \/ Terminated

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

Range(s) == {s[i] : i \in DOMAIN s}

TypeOK ==
    /\ enqueuePos \in 0..MaxPos /\ dequeuePos \in 0..MaxPos
    /\ stamp \in [Slots -> 0..MaxPos] /\ val \in [Slots -> Msgs \cup {NoMsg}]
    /\ ppc \in [Producers -> {"idle", "loadStamp", "cas", "reload", "write",
                              "publish", "closed"}]
    /\ lpos \in [Producers -> 0..MaxPos] /\ lstamp \in [Producers -> 0..MaxPos]
    /\ sent \in [Producers -> 0..Pushes]
    /\ cpc \in [Consumers -> {"idle", "advance", "read", "free", "checkClosed", "closed"}]
    /\ cdq \in [Consumers -> 0..MaxPos]
    /\ claimAfterClose \in BOOLEAN
    /\ opc \in {"never", "loadDq", "loadEnq", "drained"} /\ odq \in 0..MaxPos

\* 0 <= pushed - popped <= C, counted in claimed positions.
CapacityBound ==
    Logical(enqueuePos) - Logical(dequeuePos) \in 0..C

\* A producer about to write a slot never finds an unread value in it.
NoOverwrite ==
    \A p \in Producers : ppc[p] = "write" => val[Index(lpos[p])] = NoMsg

\* The consumer reads a slot only once its value has been written.
ReadPublished ==
    \A c \in Consumers : cpc[c] = "read" => val[Index(cdq[c])] /= NoMsg

\* The i-th message received from producer p is p's i-th message: no
\* reordering, no duplicate, no gap.
PerProducerFIFO ==
    \A i \in DOMAIN received :
        /\ received[i] /= NoMsg
        /\ received[i][2] = Cardinality({j \in 1..i : received[j][1] = received[i][1]})

\* No claim (successful CAS) ever happens while CLOSED is set.
NoClaimAfterClose == ~claimAfterClose

\* Closed is returned only when every successful push has been popped and
\* no claimed push is still being written (it would be lost).
ClosedOnlyWhenDrained ==
    (\E c \in Consumers : cpc[c] = "closed") =>
        /\ \A p \in Producers : \A k \in 1..sent[p] : <<p, k>> \in Range(received)
        /\ \A p \in Producers : ppc[p] \notin {"write", "publish"}

\* IsDrained answers true only when it is exact: the ring is closed, every
\* claimed position has been taken by the consumer (dequeuePos has passed
\* it; the last value's read may still be under way) and no claimed push is
\* still being written; and it stays so (no claim after close).
DrainedExact ==
    opc = "drained" =>
        /\ enqueuePos = WithClosed(dequeuePos)
        /\ \A p \in Producers : ppc[p] \notin {"write", "publish"}
        /\ \A p \in Producers : \A k \in 1..sent[p] :
              \/ <<p, k>> \in Range(received)
              \/ \E c \in Consumers : cpc[c] = "read" /\ val[Index(cdq[c])] = <<p, k>>
=============================================================================
