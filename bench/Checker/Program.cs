using BenchmarkDotNet.Running;

namespace Sluice.Benchmarks.CheckerThroughput;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/Checker -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
