namespace Sluice.Benchmarks.Infrastructure;

public static class Summarizer
{
    public static int Run(string[] args) => 0;
}
