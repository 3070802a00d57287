using System.Collections.Generic;
using System.Linq;
using Sluice.Verification.Runtime;

namespace Sluice.Verification.Scheduling;

/// <summary>
/// Stateless depth-first search over the tree of choices, within a preemption bound, optionally with
/// sleep-set reduction. Each execution replays the path to the deepest choice with an unexplored
/// alternative, takes that alternative, and continues with first choices (keep the current thread,
/// read the newest store).
/// </summary>
internal sealed class DfsStrategy : IStrategy
{
    private readonly List<Node> _path = new();
    private readonly int? _bound;
    private readonly bool _sleepSets;
    private List<SleepEntry> _sleep = new();
    private int _position;
    private bool _started;

    public DfsStrategy(int? bound, bool sleepSets)
    {
        _bound = bound;
        _sleepSets = sleepSets;
    }

    public bool Exhausted { get; private set; }

    private readonly record struct SleepEntry(int Id, Operation Op);

    private sealed class Node
    {
        public ChoiceKind Kind;
        public int Count;
        public int Chosen;
        public int[] OptionIds = System.Array.Empty<int>();
        public Operation[] OptionOps = System.Array.Empty<Operation>();
        public int CurrentId = -1;
        public bool CurrentEnabled;
        public int PreemptionsBefore;
        public List<SleepEntry> Sleep = new();
        public readonly List<int> Tried = new();
    }

    public bool BeginExecution()
    {
        _position = 0;
        _sleep = new List<SleepEntry>();
        if (!_started)
        {
            _started = true;
            return true;
        }

        while (_path.Count > 0)
        {
            var node = _path[^1];
            if (Advance(node))
                return true;
            _path.RemoveAt(_path.Count - 1);
        }

        Exhausted = true;
        return false;
    }

    private bool Advance(Node n)
    {
        for (var i = n.Chosen + 1; i < n.Count; i++)
        {
            if (Allowed(n, i))
            {
                n.Tried.Add(n.Chosen);
                n.Chosen = i;
                return true;
            }
        }

        return false;
    }

    private bool Allowed(Node n, int i)
    {
        if (n.Kind != ChoiceKind.Thread)
            return true;
        var preempts = n.CurrentEnabled && n.OptionIds[i] != n.CurrentId;
        if (_bound is int b && n.PreemptionsBefore + (preempts ? 1 : 0) > b)
            return false;
        return !_sleepSets || n.Sleep.All(e => e.Id != n.OptionIds[i]);
    }

    public int PickThread(ThreadChoice choice)
    {
        if (choice.Options.Count == 1)
            return _sleepSets && _sleep.Any(e => e.Id == choice.Options[0].Id) ? -1 : 0;

        Node node;
        if (_position < _path.Count)
        {
            node = _path[_position++];
            if (node.Kind != ChoiceKind.Thread || node.Count != choice.Options.Count || !SameOptions(node, choice))
                return int.MaxValue; // the code took a different path: reported as nondeterminism
        }
        else
        {
            node = new Node
            {
                Kind = ChoiceKind.Thread,
                Count = choice.Options.Count,
                OptionIds = choice.Options.Select(t => t.Id).ToArray(),
                OptionOps = choice.Options.Select(t => t.Pending).ToArray(),
                CurrentId = choice.Current?.Id ?? -1,
                CurrentEnabled = choice.CurrentEnabled,
                PreemptionsBefore = choice.Preemptions,
                Sleep = _sleep,
            };
            var first = -1;
            for (var i = 0; i < node.Count && first < 0; i++)
            {
                if (Allowed(node, i))
                    first = i;
            }

            if (first < 0)
                return -1; // every thread that may run is asleep: this continuation was already explored
            node.Chosen = first;
            _path.Add(node);
            _position++;
        }

        if (_sleepSets)
        {
            // Threads explored first at this node sleep in this subtree until something they depend on runs.
            var sleep = new List<SleepEntry>(node.Sleep);
            foreach (var tried in node.Tried)
                sleep.Add(new SleepEntry(node.OptionIds[tried], node.OptionOps[tried]));
            _sleep = sleep;
        }

        return node.Chosen;
    }

    public void OnExecute(LogicalThread thread, Operation op)
    {
        if (_sleepSets && _sleep.Count > 0)
            _sleep = _sleep.Where(e => e.Id != thread.Id && !Operation.Dependent(e.Op, op)).ToList();
    }

    private static bool SameOptions(Node node, ThreadChoice choice)
    {
        for (var i = 0; i < node.Count; i++)
        {
            if (node.OptionIds[i] != choice.Options[i].Id)
                return false;
        }

        return true;
    }

    public int PickValue(ChoiceKind kind, int count)
    {
        if (_position < _path.Count)
        {
            var replayed = _path[_position++];
            return replayed.Kind == kind && replayed.Count == count ? replayed.Chosen : int.MaxValue;
        }

        _path.Add(new Node { Kind = kind, Count = count, Chosen = 0 });
        _position++;
        return 0;
    }
}
