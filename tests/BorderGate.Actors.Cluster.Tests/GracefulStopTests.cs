using BorderGate.Actors.Membership;
using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>
/// A silo stopping in order deactivates its grains, then leaves. Between the two it still looks alive to the others, and
/// their calls to the grains it just deactivated still come to it: it must not activate them again — no deactivation round
/// would come for those activations, and they would be cut off without their hooks when it leaves.
/// </summary>
public sealed class GracefulStopTests : IAsyncLifetime
{
    private readonly ActivationLog _log = new();
    private readonly TaskCompletionSource _leave = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leaving;
    private PostgresTestDatabase _database = null!;
    private ClusterTestSilo _stopping = null!;
    private ClusterTestSilo _staying = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync("graceful_stop");
        _stopping = await ClusterTestSilo.StartAsync(_database.ConnectionString, _log, membership: real => new HeldLeave(real, this));
        _staying = await ClusterTestSilo.StartAsync(_database.ConnectionString, _log);
        await ClusterTestSilo.SeeEachOtherAsync([_stopping, _staying]);
    }

    public async Task DisposeAsync()
    {
        _leave.TrySetResult();
        await _stopping.DisposeAsync();
        await _staying.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task CallDuringTheStop_ToAGrainItDeactivated_IsNotActivatedThereAgain_ButOnTheOtherSilo()
    {
        Assert.Equal(_stopping.Name, (await _stopping.Grains.GetGrain<IVisitGrain>("bay-3").Visit("a")).Silo);
        Assert.Equal(_stopping.Name, (await _staying.Grains.GetGrain<IVisitGrain>("bay-3").Visit("b")).Silo);

        // The stop deactivates the grain, then its leave (marking it dead in the table) is held.
        var stop = _stopping.StopAsync();
        await Wait.WaitUntil(() => Volatile.Read(ref _leaving) == 1, TimeSpan.FromSeconds(10), "the silo deactivated its grains and is leaving");
        Assert.Equal(0, _stopping.Runtime.ActivationCount);

        // The other silo still routes the grain there (it knows no better yet): turned away, it waits for the leave.
        var call = _staying.Grains.GetGrain<IVisitGrain>("bay-3").Visit("b");
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Equal(0, _stopping.Runtime.ActivationCount);
        _leave.SetResult();
        await stop;

        Assert.Equal(new VisitAnswer(_staying.Name, 3, "bay-3"), await call);
        Assert.Equal(2, _log.Activations);
        Assert.Empty(_log.Violations);
    }

    /// <summary>The real membership table, with the stopping silo's leave (its row marked dead) held until the test says so.</summary>
    private sealed class HeldLeave(IMembershipTable real, GracefulStopTests test) : IMembershipTable
    {
        public ValueTask<MembershipView> ReadAllAsync(string clusterId, CancellationToken cancellationToken) => real.ReadAllAsync(clusterId, cancellationToken);

        public ValueTask<bool> TryInsertAsync(string clusterId, SiloEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
            real.TryInsertAsync(clusterId, entry, expectedVersion, cancellationToken);

        public async ValueTask<bool> TryUpdateAsync(string clusterId, SiloEntry entry, long expectedVersion, CancellationToken cancellationToken)
        {
            if (entry.Status == SiloStatus.Dead && entry.Silo == test._stopping?.Name)
            {
                Interlocked.Exchange(ref test._leaving, 1);
                await test._leave.Task;
            }

            return await real.TryUpdateAsync(clusterId, entry, expectedVersion, cancellationToken);
        }

        public ValueTask<bool> RenewAsync(string clusterId, string address, long generation, CancellationToken cancellationToken) =>
            real.RenewAsync(clusterId, address, generation, cancellationToken);

        public ValueTask<int> DeleteDefunctAsync(string clusterId, TimeSpan olderThan, CancellationToken cancellationToken) =>
            real.DeleteDefunctAsync(clusterId, olderThan, cancellationToken);
    }
}
