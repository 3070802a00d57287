using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Sluice.Verification;
using Sluice.Verification.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Property.Mpsc;

/// <summary>
/// The suite has teeth against the real channel, not only against the controls: a memory-ordering mutant of
/// the MPSC channel (applied with the checker's ordering overrides, no rebuild) is caught by the same
/// weak-memory run that CI does.
/// </summary>
public sealed class MpscMutantTests : SuiteTest
{
    public MpscMutantTests(ITestOutputHelper output)
        : base(output)
    {
    }

    /// <summary>The line of the SeqCst fence in BoundedChannelCore.AfterPop, found in the source (so edits above it do not break the test).</summary>
    private static string AfterPopFence([CallerFilePath] string here = "")
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
        var lines = File.ReadAllLines(Path.Combine(root, "src", "Channels", "Mpsc", "BoundedChannelCore.cs"));
        var method = Array.FindIndex(lines, l => l.Contains("void AfterPop()", StringComparison.Ordinal));
        Assert.True(method >= 0, "BoundedChannelCore.AfterPop not found");
        var fence = Array.FindIndex(lines, method, l => l.Contains("Atomic.Fence(MemoryOrder.SeqCst)", StringComparison.Ordinal));
        Assert.True(fence > method && fence < method + 12, "the SeqCst fence at the top of AfterPop not found");
        return $"Mpsc/BoundedChannelCore.cs:{fence + 1}=Relaxed";
    }

    [Fact]
    public void Removing_the_fence_after_a_pop_is_caught_under_the_weak_memory_model()
    {
        var site = AfterPopFence();
        Output.WriteLine("mutant: " + site);
        var result = LinearizabilitySuite.RunModel(MpscSubjects.Checked, Suite(10, seed: 13) with { Minimize = false }, new ModelOptions
        {
            Checker = CheckerOptions.WeakMemory with { PreemptionBound = 1, MaxExecutions = 2_000, Weaken = site },
        });
        var failure = ExpectFailure(result, ScenarioFailureKind.CheckerFailure);
        Assert.Equal(FailureKind.Deadlock, failure.CheckerFailure!.Kind);
        Assert.Contains(failure.Execution.Operations, o => o.BlockedAtQuiescence);
    }
}
