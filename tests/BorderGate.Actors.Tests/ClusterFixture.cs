using BorderGate.Actors.Testing;
using BorderGate.Actors.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Tests;

/// <summary>A test cluster on real time shared by a test class; tests use distinct grain keys.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public Probe Probe { get; } = new();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync() =>
        Cluster = await TestCluster.StartAsync(b => b.ConfigureServices(s => s.AddSingleton(Probe)));

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
