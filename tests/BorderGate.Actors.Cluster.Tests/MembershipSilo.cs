using System.Net;
using BorderGate.Actors.Membership;
using BorderGate.Actors.Networking;
using BorderGate.Actors.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>
/// A silo's membership part on real parts: its own connection pool to PostgreSQL (possibly through a fault proxy), a
/// silo-to-silo transport on a loopback port answering probes, and the agent.
/// </summary>
internal sealed class MembershipSilo : IAsyncDisposable
{
    public const string ClusterId = "membership-tests";

    private readonly ServiceProvider _services;
    private bool _stopped;

    private MembershipSilo(ServiceProvider services, SiloTransport transport, MembershipAgent agent)
    {
        _services = services;
        Transport = transport;
        Agent = agent;
    }

    public SiloTransport Transport { get; }

    public MembershipAgent Agent { get; }

    public string Name => Agent.Name;

    public IMembershipTable Table => _services.GetRequiredService<IMembershipTable>();

    /// <summary>Fast timings for tests that wait for a lease to run out; the kill tests use the defaults.</summary>
    public static MembershipOptions ShortLease() => new()
    {
        ClusterId = ClusterId,
        LeaseRenewal = TimeSpan.FromMilliseconds(300),
        LeaseDuration = TimeSpan.FromMilliseconds(2500),
        LeaseGrace = TimeSpan.FromMilliseconds(500),
        TableRefresh = TimeSpan.FromMilliseconds(250),
    };

    /// <summary>
    /// Starts and joins. <paramref name="probes"/> wraps the real prober (to take a link down in a test);
    /// <paramref name="port"/> and <paramref name="generation"/> restart a silo where it was; <paramref name="selfLag"/>
    /// stands for the silo's own measure of how late it runs.
    /// </summary>
    public static async Task<MembershipSilo> StartAsync(
        string connectionString,
        MembershipOptions? options = null,
        Func<ISiloProber, ISiloProber>? probes = null,
        int port = 0,
        long generation = 0,
        Func<TimeSpan>? selfLag = null)
    {
        var services = new ServiceCollection()
            .AddPostgresActorProviders(o => o.ConnectionString = connectionString)
            .BuildServiceProvider();
        ISiloProber? prober = null;
        var transport = new SiloTransport(
            new SiloTransportOptions
            {
                ClusterId = ClusterId,
                ListenEndpoint = new IPEndPoint(IPAddress.Loopback, port),
                Generation = generation == 0 ? NextGeneration() : generation,
            },
            (frame, ct) => TransportProber.Answer(frame, prober!, ct)
                ?? ValueTask.FromResult<Frame?>(Frame.ErrorTo(frame.CorrelationId, TransportErrorCode.HandlerFailed, "no grains here")));
        transport.Start();
        var real = new TransportProber(transport);
        prober = probes?.Invoke(real) ?? real;
        var agent = new MembershipAgent(
            options ?? new MembershipOptions { ClusterId = ClusterId },
            services.GetRequiredService<IMembershipTable>(),
            prober,
            transport.LocalAddress,
            TimeProvider.System,
            NullLogger.Instance)
        {
            SelfLag = selfLag,
        };
        await agent.JoinAsync(CancellationToken.None);
        return new MembershipSilo(services, transport, agent);
    }

    /// <summary>As a SIGKILL: the listener gone and the agent stopped, nothing said to anyone.</summary>
    public async Task KillAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await Transport.DisposeAsync();
        await Agent.DisposeAsync();
        await _services.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    /// <summary>Generations above any a test could have used before (the table may hold rows of earlier tests).</summary>
    public static long NextGeneration() => Interlocked.Increment(ref s_generation);

    private static long s_generation = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

/// <summary>A prober whose direct probes of the silos named fail, as over a link that is down.</summary>
internal sealed class LinkDownProber(ISiloProber inner, Func<SiloAddress, bool> down) : ISiloProber
{
    public Task<bool> ProbeAsync(SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken) =>
        down(silo) ? Task.FromResult(false) : inner.ProbeAsync(silo, timeout, cancellationToken);

    public Task<bool?> ProbeThroughAsync(SiloAddress via, SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken) =>
        inner.ProbeThroughAsync(via, silo, timeout, cancellationToken);
}
