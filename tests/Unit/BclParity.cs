using System;
using System.Collections.Generic;
using System.Threading.Channels;
using System.Threading.Tasks;
using Sluice.Channels.Mpsc;
using Xunit;

namespace Sluice.Channels.Tests.Unit;

/// <summary>
/// Runs one scenario against the BCL's bounded channel (<see cref="Channel.CreateBounded{T}(int)"/>) and
/// against <see cref="MpscChannel.CreateBounded{T}(int)"/>, records what each observes, and fails on the
/// first difference. A scenario may also pin the expected log, so the two cannot agree on a mistake.
/// </summary>
internal static class BclParity
{
    public static async Task AssertSameAsBcl(int capacity, Func<Channel<int>, Observations, Task> scenario, params string[] expected)
    {
        var bcl = new Observations();
        await scenario(Channel.CreateBounded<int>(capacity), bcl).WithDeadline();
        var ours = new Observations();
        await scenario(MpscChannel.CreateBounded<int>(capacity), ours).WithDeadline();
        Assert.Equal(bcl.Entries, ours.Entries);
        if (expected.Length > 0)
            Assert.Equal(expected, bcl.Entries);
    }
}

/// <summary>What a scenario saw, one line per observation.</summary>
internal sealed class Observations
{
    private readonly List<string> _entries = new();

    public IReadOnlyList<string> Entries => _entries;

    public void Add(string what, object? value) => _entries.Add($"{what}: {Format(value)}");

    public async Task Await<T>(string what, ValueTask<T> operation)
    {
        try
        {
            Add(what, await operation);
        }
        catch (Exception e)
        {
            _entries.Add($"{what}: {Describe(e)}");
        }
    }

    public async Task Await(string what, ValueTask operation)
    {
        try
        {
            await operation;
            Add(what, "done");
        }
        catch (Exception e)
        {
            _entries.Add($"{what}: {Describe(e)}");
        }
    }

    public async Task Await(string what, Task operation)
    {
        try
        {
            await operation;
            Add(what, "done");
        }
        catch (Exception e)
        {
            _entries.Add($"{what}: {Describe(e)}");
        }
    }

    public void Try(string what, Action action)
    {
        try
        {
            action();
            Add(what, "done");
        }
        catch (Exception e)
        {
            _entries.Add($"{what}: {Describe(e)}");
        }
    }

    public static string Describe(Exception e) =>
        "throws " + e.GetType().Name + (e.InnerException is { } inner ? "(" + inner.GetType().Name + ")" : "");

    private static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        Task t => "task " + t.Status,
        _ => value.ToString() ?? "null",
    };
}
