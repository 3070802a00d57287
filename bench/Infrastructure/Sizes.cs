using System;
using System.Globalization;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// Workload sizes and parameter sets, chosen by <c>SLUICE_BENCH_SIZE</c>: <c>full</c> (default),
/// <c>quick</c> (same sizes, fewer parameters and iterations: numbers comparable with full) or
/// <c>smoke</c> (tiny sizes, one parameter value: proves every benchmark runs and verifies; its numbers
/// mean nothing). bench/README.md states how these scale the seeds' sizes.
/// </summary>
public static class Sizes
{
    public static string Mode { get; } = (Environment.GetEnvironmentVariable("SLUICE_BENCH_SIZE") ?? "full").ToLowerInvariant() switch
    {
        "smoke" => "smoke",
        "quick" => "quick",
        "full" => "full",
        var other => throw new ArgumentException($"SLUICE_BENCH_SIZE must be smoke, quick or full, not '{other}'"),
    };

    public static bool Smoke => Mode == "smoke";

    public static bool Quick => Mode == "quick";

    /// <summary>How long one invocation may take before it is declared hung (a lost message or a deadlock).</summary>
    public static TimeSpan Watchdog { get; } = TimeSpan.FromSeconds(
        double.Parse(Environment.GetEnvironmentVariable("SLUICE_BENCH_WATCHDOG_S") ?? "60", CultureInfo.InvariantCulture));

    /// <summary>Negative control: <c>SLUICE_BENCH_FAULT=checksum</c> corrupts every consumer's expectation, so every benchmark must fail.</summary>
    public static bool InjectChecksumFault { get; } = Environment.GetEnvironmentVariable("SLUICE_BENCH_FAULT") == "checksum";

    /// <summary>Negative control: <c>SLUICE_BENCH_FAULT=drop</c> makes the first producer of every funnel and fan-in rig send one
    /// message too few, so the consumer waits for a message that never comes (a closed channel or the watchdog must fail it).</summary>
    public static bool InjectDrop { get; } = Environment.GetEnvironmentVariable("SLUICE_BENCH_FAULT") == "drop";

    // funnel: tachyonix runs 61 rigs × 13 senders × 76,923 messages on 8 vCPUs. Here: 61 × 2/8 ≈ 15 rigs
    // (the same rigs per core), and 5,000 messages per sender (975,000 per invocation, 1/61 of tachyonix's).
    public static int FunnelRigs => Smoke ? 2 : 15;

    public const int FunnelSenders = 13;

    public static int FunnelMessagesPerSender => Smoke ? 100 : 5_000;

    public static int[] FunnelCapacities => Smoke ? [10] : [1, 10, 100, 1_000, 10_000];

    // pinball: tachyonix runs 61 graphs × 1,000,000 hops on 8 vCPUs. Here: 15 graphs (the same graphs per
    // core) × 65,000 hops (≈ 975,000 messages per invocation).
    public static int PinballGraphs => Smoke ? 2 : 15;

    public const int PinballNodes = 13;

    public static int PinballHopsPerGraph => Smoke ? 1_000 : 65_000;

    public static int[] PinballBalls => Smoke ? [7] : Quick ? [1, 7, 41, 241] : [1, 3, 7, 17, 41, 101, 241];

    // SPSC: one producer, one consumer, capacity 1,024 for the bounded channels.
    public const int SpscCapacity = 1_024;

    public static int SpscItems => Smoke ? 10_000 : 3_000_000;

    // ping-pong: round trips through two channels (capacity 1 where bounded).
    public static int PingPongRoundTrips => Smoke ? 1_000 : 50_000;

    // fan-in: 2^1 … 2^13 producers share a fixed total of 2^20 messages (the blog's sweep; the blog sent
    // 1,000 per producer, so its total grew with the producers), capacity 1,024 where bounded.
    public const int FanInCapacity = 1_024;

    public static int FanInTotalMessages => Smoke ? 8_192 : 1 << 20;

    public static int[] FanInProducers => Smoke ? [8] : Quick ? [2, 8, 32, 128, 512, 2_048, 8_192]
        : [2, 4, 8, 16, 32, 64, 128, 256, 512, 1_024, 2_048, 4_096, 8_192];
}
