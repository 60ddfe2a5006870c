using System.Net;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Membership;
using BorderGate.Actors.Postgres;
using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>One silo of an in-process cluster: its own services, connection pool, grain runtime and silo port.</summary>
internal sealed class ClusterTestSilo : IAsyncDisposable
{
    public const string ClusterId = "runtime-tests";

    private readonly ServiceProvider _services;
    private bool _stopped;

    private ClusterTestSilo(ServiceProvider services, ActorRuntime runtime)
    {
        _services = services;
        Runtime = runtime;
    }

    public ActorRuntime Runtime { get; }

    public IGrainFactory Grains => Runtime.GrainFactory;

    public string Name => Runtime.Cluster!.Name;

    /// <summary>
    /// Starts a silo; <paramref name="directory"/> and <paramref name="membership"/> wrap its grain directory and membership
    /// tables (to hold their writes in a test).
    /// </summary>
    public static async Task<ClusterTestSilo> StartAsync(
        string connectionString,
        ActivationLog log,
        Action<ClusterOptions>? configure = null,
        Func<IGrainDirectoryTable, IGrainDirectoryTable>? directory = null,
        Func<IMembershipTable, IMembershipTable>? membership = null)
    {
        var outgoing = new OutgoingCalls();
        var collection = new ServiceCollection()
            .AddSingleton(log)
            .AddSingleton<IOutgoingGrainCallFilter>(outgoing)
            .AddPostgresActorProviders(o => o.ConnectionString = WithPool(connectionString));
        Wrap(collection, directory);
        Wrap(collection, membership);

        var services = collection
            .AddActorRuntime(b => b
                .AddGrainAssembly(typeof(VisitGrain).Assembly)
                .UseCluster(o =>
                {
                    o.ClusterId = ClusterId;
                    o.SiloEndpoint = new IPEndPoint(IPAddress.Loopback, 0);
                    o.Generation = MembershipSilo.NextGeneration();
                    o.StreamCatchUpInterval = TimeSpan.FromSeconds(1);
                    configure?.Invoke(o);
                }))
            .BuildServiceProvider();
        var runtime = services.GetRequiredService<ActorRuntime>();
        await runtime.StartAsync(CancellationToken.None);
        return new ClusterTestSilo(services, runtime) { Outgoing = outgoing };
    }

    private static void Wrap<T>(IServiceCollection services, Func<T, T>? wrap)
        where T : class
    {
        if (wrap is not null)
        {
            var real = services.Single(d => d.ServiceType == typeof(T));
            services.Remove(real);
            services.AddSingleton(sp => wrap((T)real.ImplementationFactory!(sp)));
        }
    }

    /// <summary>The calls this silo's outgoing filter saw: "grain method".</summary>
    public OutgoingCalls Outgoing { get; private init; } = null!;

    /// <summary>
    /// Three silos of one cluster (the silo-index'th configured by <paramref name="configure"/>), started one after the
    /// other and waited for until each sees all three.
    /// </summary>
    public static async Task<List<ClusterTestSilo>> StartThreeAsync(string connectionString, ActivationLog log, Func<int, Action<ClusterOptions>?>? configure = null)
    {
        var silos = new List<ClusterTestSilo>();
        for (var i = 0; i < 3; i++)
        {
            silos.Add(await StartAsync(connectionString, log, configure?.Invoke(i)));
        }

        await SeeEachOtherAsync(silos);
        return silos;
    }

    /// <summary>Waits until each of <paramref name="silos"/> sees all of them active.</summary>
    public static Task SeeEachOtherAsync(IReadOnlyCollection<ClusterTestSilo> silos) =>
        Wait.WaitUntil(() => silos.All(s => s.Runtime.Cluster!.Agent.ActiveSilos().Count == silos.Count), TimeSpan.FromSeconds(10), $"{silos.Count} silos see each other");

    /// <summary>A transport of this cluster that is no silo of it: it says what a test wants on a silo's port.</summary>
    public static Networking.SiloTransport Stranger()
    {
        var stranger = new Networking.SiloTransport(
            new Networking.SiloTransportOptions { ClusterId = ClusterId, ListenEndpoint = new IPEndPoint(IPAddress.Loopback, 0) },
            handler: null);
        stranger.Start();
        return stranger;
    }

    /// <summary>
    /// The connection string with a pool small enough that several silos and a client stay under the test server's
    /// connection limit (a deployment sizes pools so: silos × pool ≤ max_connections).
    /// </summary>
    public static string WithPool(string connectionString) => connectionString + ";Maximum Pool Size=40";

    /// <summary>As SIGKILL: nothing said to the cluster, no deactivation hook, no directory row released.</summary>
    public async Task CrashAsync(ActivationLog log)
    {
        _stopped = true;
        await Runtime.Cluster!.CrashAsync();
        log.SiloGone(Name);
    }

    /// <summary>A stop in order: grains deactivated, the silo leaves, its rows released.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await Runtime.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }
        else
        {
            await _services.DisposeAsync();
        }
    }
}

/// <summary>An outgoing call filter that notes every call it sees.</summary>
internal sealed class OutgoingCalls : IOutgoingGrainCallFilter
{
    public System.Collections.Concurrent.ConcurrentQueue<string> Seen { get; } = new();

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        Seen.Enqueue($"{context.TargetId} {context.Method.MethodName}");
        return context.Invoke();
    }
}
