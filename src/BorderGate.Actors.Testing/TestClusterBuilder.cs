using BorderGate.Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BorderGate.Actors.Testing;

/// <summary>Configures a <see cref="TestCluster"/>.</summary>
public sealed class TestClusterBuilder
{
    internal List<Action<IServiceCollection>> ServiceConfigurations { get; } = [];

    internal List<Action<ActorRuntimeBuilder>> RuntimeConfigurations { get; } = [];

    internal FakeTimeProvider? FakeTime { get; private set; }

    internal bool UsesOwnStorage { get; private set; }

    /// <summary>How long (real time) a stop or restart waits for busy activations before cutting them off; 3 s unless set.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Drives the silo's clock by hand (<see cref="TestCluster.TimeProvider"/>): timers, reminders, idle collection and deadlines move only when the test advances it.</summary>
    public TestClusterBuilder UseFakeTime(DateTimeOffset? start = null)
    {
        FakeTime = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 1, 1, 6, 0, 0, TimeSpan.Zero));
        return this;
    }

    public TestClusterBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        ServiceConfigurations.Add(configure);
        return this;
    }

    public TestClusterBuilder ConfigureRuntime(Action<ActorRuntimeBuilder> configure)
    {
        RuntimeConfigurations.Add(configure);
        return this;
    }

    public TestClusterBuilder Configure(Action<ActorRuntimeOptions> configure)
    {
        RuntimeConfigurations.Add(b => b.Configure(configure));
        return this;
    }

    /// <summary>
    /// Storage of the test's choosing (SQLite, PostgreSQL). Without it the cluster uses in-memory providers
    /// that outlive silo restarts, as a database would.
    /// </summary>
    public TestClusterBuilder ConfigureStorage(Action<IServiceCollection> configure)
    {
        UsesOwnStorage = true;
        ServiceConfigurations.Add(configure);
        return this;
    }
}
