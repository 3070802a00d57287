using System;
using System.Collections.Generic;
using System.Linq;
using Sluice.Verification.Runtime;

namespace Sluice.Verification.Scheduling;

/// <summary>Uniformly random choices; each execution has its own seed derived from the base seed.</summary>
internal sealed class RandomStrategy : IStrategy
{
    private readonly int _seed;
    private readonly int _iterations;
    private int _execution;
    private Random _rng = new(0);

    public RandomStrategy(int seed, int iterations)
    {
        _seed = seed;
        _iterations = iterations;
    }

    public bool Exhausted => false;

    public bool BeginExecution()
    {
        if (_execution >= _iterations)
            return false;
        _rng = new Random(HashCode.Combine(_seed, _execution++));
        return true;
    }

    public int PickThread(ThreadChoice choice) => choice.Options.Count == 1 ? 0 : _rng.Next(choice.Options.Count);

    public int PickValue(ChoiceKind kind, int count) => _rng.Next(count);
}

/// <summary>
/// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): each
/// thread gets a random priority; the highest-priority runnable thread runs; at d − 1 random steps the
/// running thread's priority drops below all others. A spinning thread loses priority (it yields),
/// as in Shuttle and Coyote. Finds a bug of depth d with probability ≥ 1/(n·k^(d−1)).
/// </summary>
internal sealed class PctStrategy : IStrategy
{
    private readonly int _seed;
    private readonly int _iterations;
    private readonly int _depth;
    private readonly Dictionary<int, int> _priority = new();
    private readonly HashSet<int> _changePoints = new();
    private int _execution;
    private int _step;
    private int _maxSteps = 64;
    private int _nextLow;
    private Random _rng = new(0);

    public PctStrategy(int seed, int iterations, int depth)
    {
        _seed = seed;
        _iterations = iterations;
        _depth = depth;
    }

    public bool Exhausted => false;

    public bool BeginExecution()
    {
        if (_execution >= _iterations)
            return false;
        _maxSteps = Math.Max(_maxSteps, _step);
        _rng = new Random(HashCode.Combine(_seed, _execution++, 0x9c7));
        _priority.Clear();
        _changePoints.Clear();
        while (_changePoints.Count < Math.Min(_depth - 1, _maxSteps))
            _changePoints.Add(_rng.Next(1, _maxSteps + 1));
        _step = 0;
        _nextLow = 0;
        return true;
    }

    private int PriorityOf(LogicalThread t)
    {
        if (!_priority.TryGetValue(t.Id, out var p))
        {
            // New threads get a random high priority (above every lowered one).
            p = _depth + _rng.Next(1_000_000);
            _priority[t.Id] = p;
        }

        return p;
    }

    public int PickThread(ThreadChoice choice)
    {
        if (choice.Options.Count == 1)
            return 0;
        _step++;
        var best = Best(choice);
        if (_changePoints.Contains(_step))
        {
            _priority[choice.Options[best].Id] = _nextLow--; // drops below every other thread
            best = Best(choice);
        }

        return best;
    }

    private int Best(ThreadChoice choice)
    {
        var best = 0;
        for (var i = 1; i < choice.Options.Count; i++)
        {
            if (PriorityOf(choice.Options[i]) > PriorityOf(choice.Options[best]))
                best = i;
        }

        return best;
    }

    public int PickValue(ChoiceKind kind, int count) => _rng.Next(count);
}

/// <summary>Runs exhaustive DFS at preemption bound 0, 1, … up to the bound, so failures come with the fewest preemptions.</summary>
internal sealed class IterativeBoundStrategy : IStrategy
{
    private readonly int _maxBound;
    private readonly bool _sleepSets;
    private DfsStrategy _current;

    public IterativeBoundStrategy(int maxBound, bool sleepSets)
    {
        _maxBound = maxBound;
        _sleepSets = sleepSets;
        _current = new DfsStrategy(0, sleepSets);
        PerBound.Add(0);
    }

    public int CurrentBound { get; private set; }

    public List<long> PerBound { get; } = new();

    public bool Exhausted { get; private set; }

    public bool BeginExecution()
    {
        while (!_current.BeginExecution())
        {
            if (CurrentBound >= _maxBound)
            {
                Exhausted = true;
                return false;
            }

            CurrentBound++;
            _current = new DfsStrategy(CurrentBound, _sleepSets);
            PerBound.Add(0);
        }

        PerBound[^1]++;
        return true;
    }

    public int PickThread(ThreadChoice choice) => _current.PickThread(choice);

    public void OnExecute(LogicalThread thread, Operation op) => _current.OnExecute(thread, op);

    public int PickValue(ChoiceKind kind, int count) => _current.PickValue(kind, count);

    /// <summary>The explored executions per bound, as text.</summary>
    public string Describe() =>
        string.Join(", ", PerBound.Select((n, b) => $"bound {b}: {n}"));
}
