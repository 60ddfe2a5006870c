using BenchmarkDotNet.Running;
using BorderGate.Benchmarks;

// Quick modes print `name: value` lines for the figures the issues name; anything else goes to BenchmarkDotNet.
switch (args.FirstOrDefault())
{
    case "runtime":
        await RuntimeQuickBenchmark.RunAsync(Console.Out);
        break;
    case "transport":
        await TransportQuickBenchmark.RunAsync(Console.Out);
        break;
    case "cluster":
        await ClusterQuickBenchmark.RunAsync(Console.Out);
        break;
    case "crossing":
        await CrossingQuickBenchmark.RunAsync(Console.Out, args[1..]);
        break;
    case "live":
        await LiveQuickBenchmark.RunAsync(Console.Out, args[1..]);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(RuntimeQuickBenchmark).Assembly).Run(args);
        break;
}
