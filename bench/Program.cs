using BenchmarkDotNet.Running;

namespace Sluice.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench -- --filter '*'</c> (see bench/README.md).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
