using System.Net;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Postgres;
using BorderGate.ClusterTestHost;
using Microsoft.Extensions.DependencyInjection;

// A silo of a test cluster: `BorderGate.ClusterTestHost <connection string> <cluster id> <activation log path>`.
// Prints "ready <silo>" once it serves, and stops in order when its standard input closes (SIGKILL stops it otherwise).
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: BorderGate.ClusterTestHost <connection string> <cluster id> <activation log path>");
    return 2;
}

var services = new ServiceCollection()
    .AddSingleton(new ActivationLog(args[2]))
    .AddPostgresActorProviders(o => o.ConnectionString = args[0])
    .AddActorRuntime(b => b
        .AddGrainAssembly(typeof(VisitGrain).Assembly)
        .UseCluster(o =>
        {
            o.ClusterId = args[1];
            o.SiloEndpoint = new IPEndPoint(IPAddress.Loopback, 0);
        }))
    .BuildServiceProvider();
var runtime = services.GetRequiredService<ActorRuntime>();
await runtime.StartAsync(CancellationToken.None);
Console.WriteLine($"ready {runtime.Cluster!.Name}");
await Console.In.ReadToEndAsync();
await runtime.StopAsync(CancellationToken.None);
await services.DisposeAsync();
return runtime.FencedReason is null ? 0 : 3;
