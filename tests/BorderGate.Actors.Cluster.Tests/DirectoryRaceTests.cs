using BorderGate.Actors.Membership;
using BorderGate.ClusterTestHost;
using BorderGate.TestSupport;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>
/// The directory's writes racing an activation's life on the silo that makes them: held on their way to the table by a
/// test, so that the race is run in the order that used to go wrong.
/// </summary>
public sealed class DirectoryRaceTests : IAsyncLifetime
{
    private readonly ActivationLog _log = new();
    private readonly HeldDirectory _held = new();
    private PostgresTestDatabase _database = null!;
    private ClusterTestSilo _a = null!;
    private ClusterTestSilo _b = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync("directory_races");
        _a = await ClusterTestSilo.StartAsync(_database.ConnectionString, _log, directory: _held.Wrap);
        _b = await ClusterTestSilo.StartAsync(_database.ConnectionString, _log);
        await ClusterTestSilo.SeeEachOtherAsync([_a, _b]);
    }

    public async Task DisposeAsync()
    {
        _held.Release();
        _held.ReleaseRegistrations();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>
    /// An activation's directory row is released as it ends, on a connection of its own, while the grain's next call may
    /// already be activating it again on the same silo: the release must not land after the new activation found the row
    /// its own, or the grain is left active with no row, free for another silo to activate it a second time.
    /// </summary>
    [Fact]
    public async Task GrainActivatedAgain_WhileItsOldRowIsStillBeingReleased_KeepsOneActivation()
    {
        Assert.Equal(_a.Name, (await _a.Grains.GetGrain<IVisitGrain>("lane-7").Visit("a")).Silo);

        // The activation ends (idle, say) and its row's release is held on the way to the table.
        _held.Hold();
        var activation = _a.Runtime.Catalog.Activations.Single(x => x.GrainId.Key == "lane-7");
        await activation.DeactivateAsync(DeactivationReason.IdleTimeout);
        await Wait.WaitUntil(() => _held.Waiting == 1, TimeSpan.FromSeconds(5), "the release is on its way");

        // The grain's next call activates it again here; then the old release lands.
        var again = _a.Grains.GetGrain<IVisitGrain>("lane-7").Visit("a");
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        _held.Release();
        Assert.Equal(new VisitAnswer(_a.Name, 2, "lane-7"), await again);
        await Wait.WaitUntil(() => _held.Done == 1, TimeSpan.FromSeconds(5), "the old release reached the table");

        // Another silo's call still finds the grain where it lives.
        Assert.Equal(new VisitAnswer(_a.Name, 3, "lane-7"), await _b.Grains.GetGrain<IVisitGrain>("lane-7").Visit("b"));
        Assert.Empty(_log.Violations);
    }

    /// <summary>
    /// A silo that stops serving (fenced, crashed) while one of its activations is registering aborts it: when the
    /// registration comes back, the grain is not built and its activation hook never runs — nothing of the grain's runs
    /// on a silo that has stopped serving.
    /// </summary>
    [Fact]
    public async Task ActivationAbortedWhileItRegisters_NeverRunsItsHook()
    {
        _held.HoldRegistrations();
        var call = _a.Grains.GetGrain<IVisitGrain>("lane-9").Visit("a");
        await Wait.WaitUntil(() => _held.RegistrationsWaiting == 1, TimeSpan.FromSeconds(5), "the registration is on its way");

        await _a.CrashAsync(_log);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => call);
        _held.ReleaseRegistrations();
        await Wait.WaitUntil(() => _held.RegistrationsDone == 1, TimeSpan.FromSeconds(5), "the registration came back");

        // The activation's turn goes on after its registration returns: it would build the grain and run the hook at once.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, _log.Activations);
    }

    /// <summary>
    /// A silo's view of the membership comes from its start and from its agent's loop, in either order: an older view
    /// applied after a newer one is ignored, so that a silo known dead stays dead as a grain's home.
    /// </summary>
    [Fact]
    public void OlderViewAppliedAfterANewerOne_IsIgnored()
    {
        var cluster = _a.Runtime.Cluster!;
        var now = cluster.Agent.View!;
        var gone = new SiloEntry("10.9.9.9:11111", 5, SiloStatus.Dead, "gone", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, [], "x");
        var home = new GrainLocation(new GrainId("visit", "lane-4"), gone.Address, gone.Generation);

        cluster.OnViewChanged(now with { Version = now.Version + 1_000, Silos = [.. now.Silos, gone] });
        cluster.Remember(home);
        Assert.Null(cluster.RemoteOwner(home.GrainId));

        cluster.OnViewChanged(now);

        Assert.Null(cluster.RemoteOwner(home.GrainId));
    }

    /// <summary>The real directory table, with its releases (an activation ending) or registrations held while a test says so.</summary>
    private sealed class HeldDirectory
    {
        private TaskCompletionSource _gate = Completed();
        private TaskCompletionSource _registrations = Completed();
        private int _waiting;
        private int _done;
        private int _registrationsWaiting;
        private int _registrationsDone;

        public int RegistrationsWaiting => Volatile.Read(ref _registrationsWaiting);

        public int RegistrationsDone => Volatile.Read(ref _registrationsDone);

        public void HoldRegistrations() => _registrations = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReleaseRegistrations() => _registrations.TrySetResult();

        public int Waiting => Volatile.Read(ref _waiting);

        /// <summary>Releases that reached the table and came back.</summary>
        public int Done => Volatile.Read(ref _done);

        public IGrainDirectoryTable Wrap(IGrainDirectoryTable real) => new Table(real, this);

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        private static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }

        private sealed class Table(IGrainDirectoryTable real, HeldDirectory held) : IGrainDirectoryTable
        {
            public async ValueTask<GrainLocation> RegisterAsync(string clusterId, GrainId grainId, string address, long generation, IReadOnlySet<string> deadSilos, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref held._registrationsWaiting);
                await held._registrations.Task;
                Interlocked.Decrement(ref held._registrationsWaiting);
                var location = await real.RegisterAsync(clusterId, grainId, address, generation, deadSilos, cancellationToken);
                Interlocked.Increment(ref held._registrationsDone);
                return location;
            }

            public ValueTask<GrainLocation?> LookupAsync(string clusterId, GrainId grainId, CancellationToken cancellationToken) =>
                real.LookupAsync(clusterId, grainId, cancellationToken);

            public async ValueTask<bool> UnregisterAsync(string clusterId, GrainLocation location, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref held._waiting);
                await held._gate.Task;
                Interlocked.Decrement(ref held._waiting);
                var released = await real.UnregisterAsync(clusterId, location, cancellationToken);
                Interlocked.Increment(ref held._done);
                return released;
            }

            public ValueTask<int> ReleaseSiloAsync(string clusterId, string address, long generation, CancellationToken cancellationToken) =>
                real.ReleaseSiloAsync(clusterId, address, generation, cancellationToken);
        }
    }
}
