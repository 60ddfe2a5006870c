using System.Diagnostics;

namespace BorderGate.Benchmarks;

/// <summary>This benchmark program started again as a child process (its own executable, or <c>dotnet</c> with its assembly).</summary>
internal static class BenchmarkProcess
{
    public static ProcessStartInfo Again(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (!Environment.ProcessPath!.EndsWith("BorderGate.Benchmarks", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(BenchmarkProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
