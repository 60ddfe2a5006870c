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
    case LivePhones.Mode:
        return await LivePhones.RunAsync(args[1..]);
    case "live":
        // The silo host runs with server, concurrent GC (the Web SDK's default) and thread pool workers that do not spin;
        // this project runs workstation, non-concurrent GC for the runtime's figures. The live figures are the host's: run
        // again under its settings.
        if (!System.Runtime.GCSettings.IsServerGC)
        {
            return await LiveQuickBenchmark.RunUnderHostGcAsync(args);
        }

        await LiveQuickBenchmark.RunAsync(Console.Out, args[1..]);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(RuntimeQuickBenchmark).Assembly).Run(args);
        break;
}

return 0;
