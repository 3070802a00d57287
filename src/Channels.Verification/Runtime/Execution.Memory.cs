using System;
using System.Collections.Generic;
using Sluice.Sync;
using Sluice.Verification.Memory;
using Sluice.Verification.Reporting;
using Sluice.Verification.Scheduling;

namespace Sluice.Verification.Runtime;

/// <summary>
/// The memory model: a view-based operational semantics of C11/RC11 without load buffering.
/// </summary>
/// <remarks>
/// <para>Each location keeps its modification order (mo) as a bounded list of messages. Each thread
/// keeps a view: a vector clock (happens-before) and, per location, the newest message it must not
/// read behind. A load may read any retained message at or after its view (a choice point in weak
/// mode); a store takes any place in mo after its view (a choice point when <c>StoreReordering</c>);
/// an RMW reads the newest message and is placed right after it. Release writes publish the thread's
/// view in the message; acquire reads join it; relaxed reads stash it for a later acquire fence;
/// release fences make later relaxed stores publish the fence-time view; RMWs continue release
/// sequences. SeqCst: one global view S. An SC fence joins S into the thread's view and the thread's
/// view into S (coherence part only: an SC fence creates no happens-before by itself). An SC load may
/// not read behind S; an SC store or RMW is placed after S and advances S. SC operations therefore take
/// their total order from the execution order.</para>
/// <para>Because executions are interleavings, a load can only read a store that already executed:
/// po ∪ rf is acyclic, so load buffering (LB) is never produced — RC11 forbids it too.</para>
/// </remarks>
internal sealed partial class Execution
{
    private readonly List<ModelLocation> _locations = new();
    private readonly View _scView = new();
    private int _nextMessageId;

    private bool Weak => Options.MemoryModel == MemoryModel.Weak;

    internal ModelLocation ResolveLocation(ref ModelLocation? slot, ModelValue initial, ValueWidth width, string site)
    {
        if (slot is not null && slot.Execution == this)
            return slot;
        var location = new ModelLocation(this, _locations.Count, width, site);
        _locations.Add(location);
        var init = new Message(++_nextMessageId, location, initial, writer: -1, writerStep: 0, site, released: null, seqCst: false, isRmw: false);
        location.Insert(0, init, Options.HistoryBound);
        slot = location;
        return location;
    }

    internal ModelValue Load(LogicalThread t, ModelLocation loc, MemoryOrder order, string site)
    {
        if (order is not (MemoryOrder.Relaxed or MemoryOrder.Acquire or MemoryOrder.SeqCst))
            Fail(Misuse($"A load cannot be {order}: use Relaxed, Acquire or SeqCst.", site));
        SchedulePoint(t, new Operation(OpKind.Load, loc.Id, order == MemoryOrder.SeqCst, Writes: false, site));

        var messages = loc.Messages;
        var floor = ReadFloor(t, loc, order == MemoryOrder.SeqCst);
        var message = messages[^1];
        if (Weak)
        {
            // Candidates newest first, so the first schedule explored is the sequentially consistent one.
            var pick = ChooseValue(ChoiceKind.ReadFrom, messages.Count - floor);
            message = messages[messages.Count - 1 - pick];
        }

        var stale = message != loc.Latest;
        if (stale)
            StaleReads++;
        t.Cur.See(message);
        if (order is MemoryOrder.Acquire or MemoryOrder.SeqCst)
            t.Cur.Join(message.Released);
        else
            t.AcqPending.Join(message.Released);
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            TraceMemory(t, $"load({order}) {loc.Name} = {message.Value.Format(loc.Width, this)}", site, message, stale);
        return message.Value;
    }

    /// <summary>The oldest index in <paramref name="loc"/>'s mo that <paramref name="t"/> may read.</summary>
    private int ReadFloor(LogicalThread t, ModelLocation loc, bool seqCst)
    {
        var floor = t.Cur.Floor(loc.Id);
        if (seqCst)
            floor = Math.Max(floor, _scView.Floor(loc.Id)); // an SC load may not read behind the SC order

        // After a spin hint, a load must read something newer than what the thread saw before the
        // hint, if anything newer exists: that is what makes a correct spin loop terminate.
        if (t.SeenAtYield is { } atYield && loc.Id < atYield.Length && atYield[loc.Id] is { Index: >= 0 } seen && seen.Index < loc.Messages.Count - 1)
            floor = Math.Max(floor, seen.Index + 1);
        return Math.Max(floor, 0);
    }

    internal void Store(LogicalThread t, ModelLocation loc, ModelValue value, MemoryOrder order, string site)
    {
        if (order is not (MemoryOrder.Relaxed or MemoryOrder.Release or MemoryOrder.SeqCst))
            Fail(Misuse($"A store cannot be {order}: use Relaxed, Release or SeqCst.", site));
        var seqCst = order == MemoryOrder.SeqCst;
        SchedulePoint(t, new Operation(OpKind.Store, loc.Id, seqCst, Writes: true, site));

        var messages = loc.Messages;
        var floor = Math.Max(t.Cur.Floor(loc.Id), 0); // never before the oldest retained message (the initial value while retained)
        if (seqCst)
            floor = Math.Max(floor, _scView.Floor(loc.Id));

        // Coherent places: after everything the thread has seen, never between a message and the RMW
        // that read it. Last place first (the sequentially consistent choice).
        var position = messages.Count;
        if (Weak && Options.StoreReordering)
        {
            var places = new List<int> { messages.Count };
            for (var p = messages.Count - 1; p > floor; p--)
            {
                if (!messages[p - 1].ReadByRmw)
                    places.Add(p);
            }

            position = places[ChooseValue(ChoiceKind.StorePosition, places.Count)];
        }

        View? released = order >= MemoryOrder.Release ? t.Cur.Clone() : t.RelFence;
        var message = new Message(++_nextMessageId, loc, value, t.Id, Step, site, released, seqCst, isRmw: false);
        loc.Insert(position, message, Options.HistoryBound);
        if (order >= MemoryOrder.Release)
            released!.See(message);
        t.Cur.See(message);
        if (seqCst)
            _scView.See(message);
        WriteCounter++;
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
        {
            var note = message.Index < 0 ? " (placed oldest in mo: already out of the history)"
                : message.Index < messages.Count - 1 ? $" (placed before {messages[message.Index + 1].Describe()} in mo)" : "";
            TraceMemory(t, $"store({order}) {loc.Name} = {value.Format(loc.Width, this)}{note}", site, null, false);
        }
    }

    internal ModelValue Rmw(LogicalThread t, ModelLocation loc, RmwKind kind, ModelValue operand, ModelValue comparand,
        MemoryOrder success, MemoryOrder failure, bool weak, string site, out bool exchanged)
    {
        if (kind == RmwKind.CompareExchange && failure is MemoryOrder.Release or MemoryOrder.AcqRel)
            Fail(Misuse($"The failure ordering of a compare-exchange cannot be {failure}: it is a load.", site));
        var seqCst = success == MemoryOrder.SeqCst;
        SchedulePoint(t, new Operation(OpKind.Rmw, loc.Id, seqCst, Writes: true, site));

        // An RMW reads the newest message: two RMWs can never both read the same store.
        var read = loc.Latest;
        var matches = kind != RmwKind.CompareExchange || read.Value.Equals(comparand);
        // A weak compare-exchange may fail spuriously, but not twice in a row at the same place: real
        // hardware eventually succeeds, and without this rule a retry loop would never terminate.
        var spurious = false;
        if (matches && kind == RmwKind.CompareExchange && weak && Options.SpuriousFailures && t.LastSpuriousSite != site &&
            ChooseValue(ChoiceKind.Spurious, 2) == 1)
        {
            matches = false;
            spurious = true;
        }

        t.LastSpuriousSite = spurious ? site : null;

        string Name() => kind == RmwKind.CompareExchange
            ? $"cas({success}/{failure}) {loc.Name} {comparand.Format(loc.Width, this)}→{operand.Format(loc.Width, this)}"
            : $"{kind.ToString().ToLowerInvariant()}({success}) {loc.Name} {operand.Format(loc.Width, this)}";

        if (!matches)
        {
            // A failed compare-exchange is a load with the failure ordering.
            t.Cur.See(read);
            if (failure is MemoryOrder.Acquire or MemoryOrder.SeqCst)
                t.Cur.Join(read.Released);
            else
                t.AcqPending.Join(read.Released);
            t.Cur.Clock.Tick(t.Id);
            if (Tracing)
                TraceMemory(t, $"{Name()} failed{(spurious ? " (spuriously)" : "")}, saw {read.Value.Format(loc.Width, this)}", site, read, false);
            exchanged = false;
            return read.Value;
        }

        t.Cur.See(read);
        if (success is MemoryOrder.Acquire or MemoryOrder.AcqRel or MemoryOrder.SeqCst)
            t.Cur.Join(read.Released);
        else
            t.AcqPending.Join(read.Released);

        var newValue = ModelValue.Apply(kind, loc.Width, read.Value, operand);

        // The written message releases the thread's view (if a release) and continues the release
        // sequence of the message it read (C++20: only RMWs continue release sequences).
        View? released = success is MemoryOrder.Release or MemoryOrder.AcqRel or MemoryOrder.SeqCst ? t.Cur.Clone() : t.RelFence?.Clone();
        if (read.Released is not null)
        {
            released ??= new View();
            released.Join(read.Released);
        }

        var message = new Message(++_nextMessageId, loc, newValue, t.Id, Step, site, released, seqCst, isRmw: true);
        read.ReadByRmw = true;
        loc.Insert(loc.Messages.Count, message, Options.HistoryBound);
        released?.See(message);
        t.Cur.See(message);
        if (seqCst)
            _scView.See(message);
        WriteCounter++;
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            TraceMemory(t, $"{Name()}: {read.Value.Format(loc.Width, this)}→{newValue.Format(loc.Width, this)}", site, read, false);
        exchanged = true;
        return read.Value;
    }

    internal void Fence(LogicalThread t, MemoryOrder order, string site)
    {
        if (order == MemoryOrder.Relaxed)
            return;
        var seqCst = order == MemoryOrder.SeqCst;

        // Only an SC fence interacts with other threads at the moment it executes (through S); the
        // others act on the thread's own view, so they need no scheduling point.
        if (seqCst)
            SchedulePoint(t, new Operation(OpKind.Fence, -1, SeqCst: true, Writes: false, site));
        else
            ThrowIfAborting();

        if (order is MemoryOrder.Acquire or MemoryOrder.AcqRel or MemoryOrder.SeqCst)
            t.Cur.Join(t.AcqPending);
        if (seqCst)
        {
            t.Cur.JoinSeen(_scView);
            _scView.JoinSeen(t.Cur);
        }

        if (order is MemoryOrder.Release or MemoryOrder.AcqRel or MemoryOrder.SeqCst)
            t.RelFence = t.Cur.Clone();
        t.Cur.Clock.Tick(t.Id);
        if (Tracing)
            TraceMemory(t, $"fence({order})", site, null, false);
    }

    // ------------------------------------------------------------------ plain data (Cell<T>)

    internal ModelCell CellAccess(LogicalThread t, ModelCell? cell, bool isWrite, string site)
    {
        ThrowIfAborting();
        if (cell is null || cell.Execution != this)
            cell = new ModelCell(this, NewObjectId());
        if (Aborting)
            return cell; // finishing an await registration during unwinding: no more checks
        var clock = t.Cur.Clock;
        var access = new CellAccessRecord(t.Id, clock[t.Id], site, Step);
        if (cell.LastWrite is { } w && w.Thread != t.Id && !clock.Covers(w.Thread, w.Epoch))
            Fail(RaceFailure(cell, w, "write", access, isWrite ? "write" : "read"));
        if (isWrite)
        {
            foreach (var r in cell.Reads)
            {
                if (r.Thread != t.Id && !clock.Covers(r.Thread, r.Epoch))
                    Fail(RaceFailure(cell, r, "read", access, "write"));
            }

            cell.LastWrite = access;
            cell.Reads.Clear();
        }
        else
        {
            cell.Reads.RemoveAll(r => r.Thread == t.Id);
            cell.Reads.Add(access);
        }

        if (Tracing)
            Trace(t, TraceKind.Cell, $"{(isWrite ? "write" : "read")} C{cell.Id}", site);
        return cell;
    }

    private CheckFailure RaceFailure(ModelCell cell, CellAccessRecord earlier, string earlierKind, CellAccessRecord now, string nowKind) =>
        new(FailureKind.DataRace,
            $"Data race on cell C{cell.Id}: the {nowKind} by T{now.Thread} at {now.Site} (step {now.Step}) is not ordered by happens-before " +
            $"with the {earlierKind} by T{earlier.Thread} at {earlier.Site} (step {earlier.Step}). " +
            "A release/acquire pair (or a lock) must order them.");

    private CheckFailure Misuse(string message, string site) => new(FailureKind.Misuse, message + " (at " + site + ")");
}
