using Sluice.Tests.Property.Controls;
using Sluice.Verification.Linearizability;
using Xunit;
using Xunit.Abstractions;

namespace Sluice.Tests.Property.Linearizability;

/// <summary>The positive control: a simple, correct lock-based channel passes the suite in both modes.</summary>
public sealed class ReferenceChannelTests : SuiteTest
{
    public ReferenceChannelTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public void The_correct_reference_channel_is_linearizable_in_model_mode() =>
        ExpectPass(LinearizabilitySuite.RunModel(ReferenceChannel.Subject(ReferenceBug.None), Suite(Deep ? 200 : 10, seed: 7)));

    [Fact]
    public void The_correct_reference_channel_is_linearizable_in_stress_mode() =>
        ExpectPass(LinearizabilitySuite.RunStress(ReferenceChannel.Subject(ReferenceBug.None), Suite(Deep ? 400 : 40, seed: 7), new StressOptions { Repetitions = 20 }));
}
