using System;

namespace Sluice.Tests.Systematic;

/// <summary>
/// <c>SLUICE_DEEP=1</c> (set by <c>./verify.sh --deep</c>) selects larger bounds; CI runs the default ones.
/// </summary>
public static class Deep
{
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("SLUICE_DEEP") == "1";

    /// <summary><paramref name="normal"/> in CI, <paramref name="deep"/> under <c>--deep</c>.</summary>
    public static int Pick(int normal, int deep) => Enabled ? deep : normal;
}
