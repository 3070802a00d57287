using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Sluice.Sync;
using Sluice.Verification;
using Sluice.Verification.Orderings;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Systematic.SelfTests;

/// <summary>
/// The ordering-necessity analysis classifies known code correctly: a release/acquire pair that a
/// payload depends on is necessary; a SeqCst store where release suffices is not caught (over-strong);
/// a site no check executes is reported as not exercised.
/// </summary>
public sealed class OrderingAnalysisTests : CheckerTest
{
    public OrderingAnalysisTests(ITestOutputHelper output)
        : base(output)
    {
    }

    /// <summary>The code under analysis: its call sites are scanned from this file.</summary>
    private sealed class Mailbox
    {
        private Cell<int> _payload;
        private AtomicInt32 _ready;
        private AtomicInt32 _counter;

        public void Publish(int value)
        {
            _payload.Write(value);
            _ready.Store(1, MemoryOrder.Release); // necessary: pairs with TryRead's Acquire
            _counter.Store(1, MemoryOrder.SeqCst); // over-strong: nothing reads it
        }

        public bool TryRead(out int value)
        {
            value = 0;
            if (_ready.Load(MemoryOrder.Acquire) == 0) // necessary
                return false;
            value = _payload.Read();
            return true;
        }

        public void NeverCalled() => _counter.FetchAdd(1, MemoryOrder.AcqRel); // not exercised
    }

    private static string ThisFile([CallerFilePath] string path = "") => SourceTree.Locate(path);

    [Fact]
    public void The_analysis_separates_necessary_over_strong_and_unexercised_orderings()
    {
        var file = ThisFile();
        var sites = OrderingSite.Scan(Path.GetDirectoryName(file)!, relative => relative == Path.GetFileName(file))
            .Where(s => s.Member is "Publish" or "TryRead" or "NeverCalled").ToList();
        Assert.Equal(4, sites.Count);

        var check = new OrderingCheck("mailbox", CheckerOptions.WeakMemory with { PreemptionBound = 2 }, () =>
        {
            var box = new Mailbox();
            var writer = ModelThread.Spawn(() => box.Publish(42));
            var reader = ModelThread.Spawn(() =>
            {
                if (box.TryRead(out var v))
                    Assert.Equal(42, v);
            });
            writer.Join();
            reader.Join();
        });
        var results = OrderingAnalysis.Run(sites, new[] { check }, Output.WriteLine);
        Output.WriteLine(OrderingAnalysis.Report(sites, results));

        OrderingVerdict VerdictOf(string member, MemoryOrder stated) => results.Single(r => r.Mutant.Site.Member == member && r.Mutant.Site.Ordering == stated && r.Mutant.Site.Operation != "FetchAdd").Verdict;
        Assert.Equal(OrderingVerdict.Necessary, VerdictOf("Publish", MemoryOrder.Release));
        Assert.Equal(OrderingVerdict.Necessary, VerdictOf("TryRead", MemoryOrder.Acquire));
        Assert.Equal(OrderingVerdict.NotCaught, VerdictOf("Publish", MemoryOrder.SeqCst));
        Assert.All(results.Where(r => r.Mutant.Site.Member == "NeverCalled"), r => Assert.Equal(OrderingVerdict.NotExercised, r.Verdict));
        Assert.Equal(2, results.Count(r => r.Mutant.Site.Member == "NeverCalled")); // AcqRel → Acquire and → Release
        Assert.All(results.Where(r => r.Verdict == OrderingVerdict.Necessary), r => Assert.Equal(FailureKind.DataRace, r.Failure!.Kind));
    }
}
