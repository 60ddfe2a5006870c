using System.Diagnostics;
using BorderGate.Actors.Membership;
using BorderGate.Actors.Postgres;
using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>A cluster client (no grains of its own) calling three in-process silos on real PostgreSQL and sockets.</summary>
public sealed class ClusterClientTests : IAsyncLifetime
{
    private readonly ActivationLog _log = new();
    private readonly List<ClusterTestSilo> _silos = [];
    private PostgresTestDatabase _database = null!;
    private ServiceProvider _clientServices = null!;
    private ClusterClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync("cluster_client");
        // Silos 0 and 1 serve clients on a client port of their own, silo 2 on its silo port.
        _silos.AddRange(await ClusterTestSilo.StartThreeAsync(
            _database.ConnectionString, _log, i => i < 2 ? o => o.ClientEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0) : null));

        _clientServices = new ServiceCollection().AddPostgresActorProviders(o => o.ConnectionString = ClusterTestSilo.WithPool(_database.ConnectionString)).BuildServiceProvider();
        _client = await ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _clientServices.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Task<ClusterClient> ConnectAsync(string clusterId = ClusterTestSilo.ClusterId) =>
        ClusterClient.ConnectAsync(
            new ClusterClientOptions { ClusterId = clusterId },
            _clientServices.GetRequiredService<IMembershipTable>(),
            _clientServices.GetRequiredService<IGrainDirectoryTable>(),
            [typeof(VisitGrain).Assembly]);

    [Fact]
    public async Task Client_PlacesNewGrainsAcrossTheSilos_AndFindsThemAgain()
    {
        var keys = Enumerable.Range(0, 300).Select(i => $"plate-{i}").ToList();

        var first = await Task.WhenAll(keys.Select(k => _client.GrainFactory.GetGrain<IVisitGrain>(k).Visit("client")));
        var second = await Task.WhenAll(keys.Select(k => _client.GrainFactory.GetGrain<IVisitGrain>(k).Visit("client")));

        Assert.Equal(3, first.Select(a => a.Silo).Distinct().Count());
        Assert.Equal(first.Select(a => a.Silo), second.Select(a => a.Silo));
        Assert.All(second, a => Assert.Equal(2, a.Visits));
        Assert.Equal(keys.Count, _log.Activations);
    }

    /// <summary>The client calls each silo on the client port its membership row names, or on its silo port when it has none.</summary>
    [Fact]
    public async Task Client_CallsOnTheSilosClientPorts()
    {
        var view = await _clientServices.GetRequiredService<IMembershipTable>().ReadAllAsync(ClusterTestSilo.ClusterId, CancellationToken.None);
        var keys = Enumerable.Range(0, 90).Select(i => $"driver-{i}").ToList();

        var answers = await Task.WhenAll(keys.Select(k => _client.GrainFactory.GetGrain<IVisitGrain>(k).Visit("client")));

        Assert.Equal(3, answers.Select(a => a.Silo).Distinct().Count());
        for (var i = 0; i < 2; i++)
        {
            var clientPort = _silos[i].Runtime.Cluster!.ClientTransport!;
            Assert.Equal(clientPort.LocalAddress.Endpoint.ToString(), view.Silos.Single(s => s.Silo == _silos[i].Name).ClientAddress);
            Assert.Equal(1, clientPort.InboundConnectionCount);
        }

        Assert.Null(_silos[2].Runtime.Cluster!.ClientTransport);
        Assert.Null(view.Silos.Single(s => s.Silo == _silos[2].Name).ClientAddress);
    }

    /// <summary>The client port serves grain calls only: the silos' own requests (probes, reminder notices, stream news) are refused there.</summary>
    [Theory]
    [InlineData("$membership", "", "probe")]
    [InlineData("$reminders", "alarm/lane-1", "changed")]
    [InlineData("$streams", "Default", "event")]
    public async Task ClientPort_RefusesTheSilosOwnRequests_AndServesGrainCalls(string type, string key, string method)
    {
        await using var stranger = ClusterTestSilo.Stranger();
        var clientPort = _silos[0].Runtime.Cluster!.ClientTransport!.LocalAddress;

        var refused = await stranger.SendRequestAsync(clientPort, Networking.Frame.Request(type, key, method, default));
        var served = await stranger.SendRequestAsync(
            clientPort,
            Networking.Frame.Request("visit", "kiosk", "BorderGate.ClusterTestHost.IVisitGrain.Visit(System.String)", System.Text.Encoding.UTF8.GetBytes("[\"kiosk\"]")));

        Assert.Equal(Networking.FrameKind.Error, refused.Kind);
        Assert.Contains("served on the silo port only", refused.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(Networking.FrameKind.Response, served.Kind);
    }

    [Fact]
    public async Task Client_ReachesAGrainWhereASiloPlacedIt_AndGetsRemoteFailuresAsTheirType()
    {
        var placed = await _silos[2].Grains.GetGrain<IVisitGrain>("gate").Visit("silo");

        var answer = await _client.GrainFactory.GetGrain<IVisitGrain>("gate").Visit("client");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.GrainFactory.GetGrain<IVisitGrain>("gate").Fail("lane 4 closed"));

        Assert.Equal(new VisitAnswer(placed.Silo, 2, "gate"), answer);
        Assert.Equal("lane 4 closed", error.Message);
        Assert.Equal(1, _log.Activations);
    }

    /// <summary>A silo killed under the client's calls: every grain it held answers again from a survivor, state kept, within 5 s.</summary>
    [Fact]
    public async Task SiloKilled_TheClientsCallsReRoute_WithinFiveSeconds()
    {
        var keys = Enumerable.Range(0, 60).Select(i => $"vehicle-{i}").ToList();
        var before = await Task.WhenAll(keys.Select(k => _client.GrainFactory.GetGrain<IVisitGrain>(k).Visit("client")));
        var victim = _silos.Single(s => s.Name == before[0].Silo);
        var onVictim = before.Where(a => a.Silo == victim.Name).Select(a => a.Key).ToList();

        var killed = Stopwatch.StartNew();
        await victim.CrashAsync(_log);
        var after = await Task.WhenAll(onVictim.Select(k => _client.GrainFactory.GetGrain<IVisitGrain>(k).Visit("client")));
        var elapsed = killed.Elapsed;

        Assert.All(after, a => Assert.NotEqual(victim.Name, a.Silo));
        Assert.All(after, a => Assert.Equal(2, a.Visits));
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"answered again after {elapsed}");
        Assert.Empty(_log.Violations);
    }

    [Fact]
    public async Task Connect_ToAClusterWithNoLiveSilo_FailsClearly()
    {
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => ConnectAsync("nobody-here"));

        Assert.Contains("nobody-here has no live silo", error.Message, StringComparison.Ordinal);
    }
}
