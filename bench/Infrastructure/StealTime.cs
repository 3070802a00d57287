using System;
using System.Globalization;
using System.IO;

namespace Sluice.Benchmarks.Infrastructure;

/// <summary>
/// The virtual machine's steal time: how long the hypervisor ran something else while one of our vCPUs had
/// work to do (Linux <c>/proc/stat</c>, the <c>steal</c> column of the <c>cpu</c> line, summed over CPUs). A
/// benchmark invocation that lost time this way is slow for a reason outside the process; recording it per
/// invocation (<see cref="Stats"/>) tells that apart from a slow process.
/// </summary>
public static class StealTime
{
    // USER_HZ: /proc/stat counts in clock ticks of 1/100 s on every Linux architecture .NET runs on.
    private const double MillisecondsPerTick = 10;

    /// <summary>Steal time since boot in ms, or <see cref="double.NaN"/> where it cannot be read.</summary>
    public static double Milliseconds()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is null || fields.Length < 9 || fields[0] != "cpu")
                return double.NaN;
            return long.Parse(fields[8], CultureInfo.InvariantCulture) * MillisecondsPerTick;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return double.NaN;
        }
    }
}
