using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Sluice.Verification.Runtime;

namespace Sluice.Verification.Scheduling;

/// <summary>The kinds of nondeterministic choice in an execution.</summary>
internal enum ChoiceKind
{
    /// <summary>Which thread performs the next operation (value: the thread id).</summary>
    Thread,

    /// <summary>Which store a load reads (value: 0 = newest, 1 = the one before, …).</summary>
    ReadFrom,

    /// <summary>Where in modification order a store goes (value: 0 = last, 1 = before the last, …).</summary>
    StorePosition,

    /// <summary>Whether a weak compare-exchange fails spuriously (value: 1 = fails).</summary>
    Spurious,
}

/// <summary>One choice made in an execution.</summary>
internal readonly record struct ChoiceRecord(ChoiceKind Kind, int Value);

/// <summary>The threads that may perform the next operation; <see cref="Options"/>[0] is the current thread when it may continue.</summary>
internal sealed record ThreadChoice(IReadOnlyList<LogicalThread> Options, LogicalThread? Current, bool CurrentEnabled, int Preemptions)
{
    public bool IsPreemption(int index) => CurrentEnabled && Options[index] != Current;
}

/// <summary>A search strategy: makes the choices of successive executions.</summary>
internal interface IStrategy
{
    /// <summary>Prepares the next execution; false when the strategy has nothing left to explore.</summary>
    bool BeginExecution();

    /// <summary>
    /// Index into <see cref="ThreadChoice.Options"/>, or −1 to prune the execution (it is redundant).
    /// Called at every scheduling point, also when only one thread can run.
    /// </summary>
    int PickThread(ThreadChoice choice);

    /// <summary>Told which operation the picked thread performs (for partial-order reduction).</summary>
    void OnExecute(LogicalThread thread, Operation op) { }

    /// <summary>A value in [0, count).</summary>
    int PickValue(ChoiceKind kind, int count);

    /// <summary>Whether the last BeginExecution==false meant the whole space (within the bound) was covered.</summary>
    bool Exhausted { get; }
}

/// <summary>
/// The replay format: <c>v1:</c> then dot-separated tokens, one per choice: a thread id for a thread
/// choice, <c>r</c>k for the k-th newest store read, <c>m</c>k for a store's place in modification
/// order, <c>s</c>k for a spurious failure; <c>token*n</c> repeats a token n times.
/// </summary>
internal static class ScheduleFormat
{
    private const string Prefix = "v1:";

    public static string Encode(IReadOnlyList<ChoiceRecord> choices)
    {
        var sb = new StringBuilder(Prefix);
        var i = 0;
        var first = true;
        while (i < choices.Count)
        {
            var token = Token(choices[i]);
            var run = 1;
            while (i + run < choices.Count && choices[i + run] == choices[i])
                run++;
            if (!first)
                sb.Append('.');
            first = false;
            sb.Append(token);
            if (run > 1)
                sb.Append('*').Append(run.ToString(CultureInfo.InvariantCulture));
            i += run;
        }

        return sb.ToString();
    }

    public static List<ChoiceRecord> Decode(string schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        schedule = schedule.Trim();
        if (!schedule.StartsWith(Prefix, StringComparison.Ordinal))
            throw new FormatException($"A schedule starts with \"{Prefix}\"; got \"{(schedule.Length > 20 ? schedule[..20] + "…" : schedule)}\". Copy it from a checker report.");
        var result = new List<ChoiceRecord>();
        var body = schedule[Prefix.Length..];
        if (body.Length == 0)
            return result;
        foreach (var part in body.Split('.'))
        {
            var star = part.IndexOf('*', StringComparison.Ordinal);
            var token = star < 0 ? part : part[..star];
            var count = star < 0 ? 1 : ParseInt(part[(star + 1)..], part);
            var choice = ParseToken(token);
            for (var k = 0; k < count; k++)
                result.Add(choice);
        }

        return result;
    }

    private static string Token(ChoiceRecord c) => c.Kind switch
    {
        ChoiceKind.Thread => c.Value.ToString(CultureInfo.InvariantCulture),
        ChoiceKind.ReadFrom => "r" + c.Value.ToString(CultureInfo.InvariantCulture),
        ChoiceKind.StorePosition => "m" + c.Value.ToString(CultureInfo.InvariantCulture),
        _ => "s" + c.Value.ToString(CultureInfo.InvariantCulture),
    };

    private static ChoiceRecord ParseToken(string token)
    {
        if (token.Length == 0)
            throw new FormatException("Empty token in schedule.");
        return token[0] switch
        {
            'r' => new ChoiceRecord(ChoiceKind.ReadFrom, ParseInt(token[1..], token)),
            'm' => new ChoiceRecord(ChoiceKind.StorePosition, ParseInt(token[1..], token)),
            's' => new ChoiceRecord(ChoiceKind.Spurious, ParseInt(token[1..], token)),
            _ => new ChoiceRecord(ChoiceKind.Thread, ParseInt(token, token)),
        };
    }

    private static int ParseInt(string s, string token) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"Bad token \"{token}\" in schedule.");
}
