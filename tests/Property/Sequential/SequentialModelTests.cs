using System;
using System.Linq;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using Sluice.Tests.Property.Controls;
using Sluice.Tests.Property.Mpsc;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Property.Sequential;

/// <summary>
/// FsCheck state-machine tests (FsCheck.Experimental): each channel's API, one call at a time, against the
/// pure sequential model; a failure shrinks to a minimal command sequence.
/// </summary>
public sealed class SequentialModelTests
{
    private readonly ITestOutputHelper _output;

    public SequentialModelTests(ITestOutputHelper output) => _output = output;

    private static int Runs => Environment.GetEnvironmentVariable("SLUICE_DEEP") == "1" ? 5_000 : 500;

    private static Config Configuration(ulong seed) =>
        Config.QuickThrowOnFailure.WithMaxTest(Runs).WithQuietOnSuccess(true).WithReplay(new Replay(new Rnd(seed, 2 * seed + 1), null));

    private void Passes(string name, ChannelMachine machine)
    {
        Check.One(Configuration(20261121UL), machine.ToProperty());
        _output.WriteLine($"{name}: {Runs} random command sequences (up to 40 commands, capacities 1–3) matched the sequential model.");
    }

    [Fact]
    public void The_bounded_MPSC_channel_release_build_matches_the_sequential_model() =>
        Passes("bounded MPSC, release build", new ChannelMachine(c => new ReleaseMpscAdapter(c)));

    [Fact]
    public void The_bounded_MPSC_channel_checked_build_matches_the_sequential_model_outside_an_exploration() =>
        Passes("bounded MPSC, checked build (real primitives outside an exploration)", new ChannelMachine(c => new CheckedMpscAdapter(c)));

    [Fact]
    public void The_reference_channel_matches_the_sequential_model() =>
        Passes("reference channel", new ChannelMachine(c => new ReferenceChannel(c)));

    [Fact]
    public void A_capacity_off_by_one_is_shrunk_to_capacity_plus_one_sends()
    {
        var ex = Assert.ThrowsAny<Exception>(() =>
            Check.One(Configuration(7UL), new ChannelMachine(c => new ReferenceChannel(c, ReferenceBug.OffByOneCapacity)).ToProperty()));
        _output.WriteLine(ex.Message);
        Assert.Contains("Falsifiable", ex.Message, StringComparison.Ordinal);

        // The shrunk counterexample: exactly capacity + 1 sends (nothing else), the last one wrongly accepted.
        var shrunk = ex.Message[ex.Message.IndexOf("Shrunk", StringComparison.Ordinal)..];
        _output.WriteLine("Shrunk part: " + shrunk);
        var capacity = int.Parse(Regex.Match(shrunk, @"capacity (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var commands = Regex.Matches(shrunk, @"(Try)?Send(Async)?\(\d+[^)]*\)|(Try)?Receive(Async)?\([^)]*\)|Count\(\)|Close(Receiver)?\(\)").Select(m => m.Value).ToList();
        Assert.InRange(capacity, 1, 3);
        Assert.Equal(capacity + 1, commands.Count);
        Assert.All(commands, c => Assert.Contains("Send", c, StringComparison.Ordinal));
    }
}
