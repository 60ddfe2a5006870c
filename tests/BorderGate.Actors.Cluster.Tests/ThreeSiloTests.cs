using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>
/// Tests on three in-process silos of one cluster, on a database of their own: started (the index'th configured by
/// <c>configure</c>) before each test, each seeing all three, and stopped after it.
/// </summary>
public abstract class ThreeSiloTests(string databaseName, Func<int, Action<ClusterOptions>?>? configure = null) : IAsyncLifetime
{
    private protected ActivationLog Log { get; } = new();

    private protected List<ClusterTestSilo> Silos { get; } = [];

    private protected PostgresTestDatabase Database { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Database = await PostgresTestDatabase.CreateAsync(databaseName);
        Silos.AddRange(await ClusterTestSilo.StartThreeAsync(Database.ConnectionString, Log, configure));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}
