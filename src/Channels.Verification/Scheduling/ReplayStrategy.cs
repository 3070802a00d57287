using System.Collections.Generic;

namespace Sluice.Verification.Scheduling;

/// <summary>
/// Replays recorded choices. Strict: a mismatch makes the execution report nondeterminism. Lenient
/// (used by the minimiser): after the recorded choices run out or stop matching, it continues with
/// default choices (keep running the current thread, read the newest store). Strict replay also
/// continues with defaults once the recorded choices run out.
/// </summary>
internal sealed class ReplayStrategy : IStrategy
{
    private readonly IReadOnlyList<ChoiceRecord> _choices;
    private readonly bool _lenient;
    private int _position;
    private bool _started;
    private bool _diverged;

    public ReplayStrategy(IReadOnlyList<ChoiceRecord> choices, bool lenient)
    {
        _choices = choices;
        _lenient = lenient;
    }

    public bool Exhausted => false;

    /// <summary>Recorded choices the execution never asked for (a strict replay with some left did not follow the schedule).</summary>
    public int Unused => _diverged ? 0 : _choices.Count - _position;

    public bool BeginExecution()
    {
        if (_started)
            return false;
        _started = true;
        _position = 0;
        return true;
    }

    public int PickThread(ThreadChoice choice)
    {
        if (choice.Options.Count == 1)
            return 0; // not a choice: nothing was recorded
        if (!TryTake(ChoiceKind.Thread, out var id, out var mismatch))
            return mismatch ? Diverge() : 0;
        for (var i = 0; i < choice.Options.Count; i++)
        {
            if (choice.Options[i].Id == id)
                return i;
        }

        return Diverge();
    }

    public int PickValue(ChoiceKind kind, int count)
    {
        if (!TryTake(kind, out var value, out var mismatch))
            return mismatch ? Diverge() : 0;
        return value < count ? value : Diverge();
    }

    private bool TryTake(ChoiceKind kind, out int value, out bool mismatch)
    {
        value = 0;
        mismatch = false;
        if (_diverged || _position >= _choices.Count)
            return false;
        var c = _choices[_position++];
        if (c.Kind != kind)
        {
            mismatch = true;
            return false;
        }

        value = c.Value;
        return true;
    }

    private int Diverge()
    {
        if (!_lenient)
            return int.MaxValue; // out of range: the execution reports nondeterminism
        _diverged = true;
        return 0;
    }
}
