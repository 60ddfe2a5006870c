using BorderGate.Actors.Membership;
using BorderGate.Actors.Postgres;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>The PostgreSQL membership table's contract: changes ordered by the version, leases on the table's clock.</summary>
public sealed class MembershipTableTests : IAsyncLifetime
{
    private const string Cluster = "table-tests";
    private PostgresTestDatabase _database = null!;
    private ServiceProvider _services = null!;
    private IMembershipTable _table = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync("membership_table");
        _services = new ServiceCollection().AddPostgresActorProviders(o => o.ConnectionString = _database.ConnectionString).BuildServiceProvider();
        _table = _services.GetRequiredService<IMembershipTable>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static SiloEntry Entry(string address, long generation) =>
        new(address, generation, SiloStatus.Active, "host", DateTimeOffset.MinValue, DateTimeOffset.MinValue, [], string.Empty);

    [Fact]
    public async Task EmptyCluster_ReadsVersionZero_WithTheDatabasesClock()
    {
        var view = await _table.ReadAllAsync(Cluster, CancellationToken.None);

        Assert.Equal(0, view.Version);
        Assert.Empty(view.Silos);
        Assert.InRange(view.ReadAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Changes_AdvanceTheVersion_AndOneDecidedOnAStaleVersionFails()
    {
        Assert.True(await _table.TryInsertAsync(Cluster, Entry("10.0.0.1:11111", 1), 0, CancellationToken.None));
        Assert.False(await _table.TryInsertAsync(Cluster, Entry("10.0.0.2:11111", 1), 0, CancellationToken.None));
        Assert.True(await _table.TryInsertAsync(Cluster, Entry("10.0.0.2:11111", 1), 1, CancellationToken.None));

        var view = await _table.ReadAllAsync(Cluster, CancellationToken.None);
        Assert.Equal(2, view.Version);
        var row = view.Find("10.0.0.1:11111", 1)!;
        var vote = new SuspectVote("10.0.0.2:11111@1", view.ReadAt);

        // Two silos decide on the same view at once: one wins, the other must read again.
        var results = await Task.WhenAll(
            _table.TryUpdateAsync(Cluster, row with { Suspicions = [vote] }, view.Version, CancellationToken.None).AsTask(),
            _table.TryUpdateAsync(Cluster, row with { Status = SiloStatus.Dead }, view.Version, CancellationToken.None).AsTask());
        Assert.Single(results, r => r);
        var after = await _table.ReadAllAsync(Cluster, CancellationToken.None);
        Assert.Equal(3, after.Version);

        // A stale ETag fails even on the current version; nothing changes.
        Assert.False(await _table.TryUpdateAsync(Cluster, row with { Status = SiloStatus.ShuttingDown }, after.Version, CancellationToken.None));
        var unchanged = await _table.ReadAllAsync(Cluster, CancellationToken.None);
        Assert.Equal(after.Version, unchanged.Version);
        Assert.Equal(after.Silos, unchanged.Silos, (a, b) => a.ETag == b.ETag && a.Status == b.Status && a.Suspicions.Count == b.Suspicions.Count);
    }

    [Fact]
    public async Task SameIncarnationTwice_IsRefused_AndTheVersionStays()
    {
        Assert.True(await _table.TryInsertAsync(Cluster, Entry("10.0.0.1:11111", 7), 0, CancellationToken.None));

        Assert.False(await _table.TryInsertAsync(Cluster, Entry("10.0.0.1:11111", 7), 1, CancellationToken.None));

        Assert.Equal(1, (await _table.ReadAllAsync(Cluster, CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Renewal_MovesTheLeaseOnTheDatabasesClock_AndIsRefusedOnceDead()
    {
        Assert.True(await _table.TryInsertAsync(Cluster, Entry("10.0.0.1:11111", 1), 0, CancellationToken.None));
        var before = (await _table.ReadAllAsync(Cluster, CancellationToken.None)).Silos.Single();
        await Task.Delay(50);

        Assert.True(await _table.RenewAsync(Cluster, "10.0.0.1:11111", 1, CancellationToken.None));
        var view = await _table.ReadAllAsync(Cluster, CancellationToken.None);
        var renewed = view.Silos.Single();
        Assert.True(renewed.IAmAliveAt > before.IAmAliveAt);
        Assert.Equal(1, view.Version);

        Assert.True(await _table.TryUpdateAsync(Cluster, renewed with { Status = SiloStatus.Dead }, view.Version, CancellationToken.None));
        Assert.False(await _table.RenewAsync(Cluster, "10.0.0.1:11111", 1, CancellationToken.None));
        Assert.False(await _table.RenewAsync(Cluster, "10.0.0.9:11111", 1, CancellationToken.None));
    }

    [Fact]
    public async Task OtherClusters_AreInvisible_AndDefunctRowsAreDeletedOnlyWhenDeadAndOld()
    {
        Assert.True(await _table.TryInsertAsync(Cluster, Entry("10.0.0.1:11111", 1), 0, CancellationToken.None));
        Assert.True(await _table.TryInsertAsync(Cluster, Entry("10.0.0.2:11111", 1), 1, CancellationToken.None));
        Assert.True(await _table.TryInsertAsync("another", Entry("10.0.0.1:11111", 1), 0, CancellationToken.None));
        var view = await _table.ReadAllAsync(Cluster, CancellationToken.None);
        Assert.Equal(2, view.Silos.Count);
        Assert.True(await _table.TryUpdateAsync(Cluster, view.Find("10.0.0.1:11111", 1)! with { Status = SiloStatus.Dead }, view.Version, CancellationToken.None));

        // The dead silo still holds a grain's directory row (registered after the survivors released its rows, say), as do
        // the live one and the other cluster's silo of the same address.
        var directory = _services.GetRequiredService<IGrainDirectoryTable>();
        var none = new HashSet<string>();
        await directory.RegisterAsync(Cluster, new GrainId("lane", "1"), "10.0.0.1:11111", 1, none, CancellationToken.None);
        await directory.RegisterAsync(Cluster, new GrainId("lane", "2"), "10.0.0.2:11111", 1, none, CancellationToken.None);
        await directory.RegisterAsync("another", new GrainId("lane", "1"), "10.0.0.1:11111", 1, none, CancellationToken.None);

        Assert.Equal(0, await _table.DeleteDefunctAsync(Cluster, TimeSpan.FromHours(1), CancellationToken.None));
        await Task.Delay(20);
        Assert.Equal(1, await _table.DeleteDefunctAsync(Cluster, TimeSpan.FromMilliseconds(1), CancellationToken.None));

        Assert.Equal(["10.0.0.2:11111"], (await _table.ReadAllAsync(Cluster, CancellationToken.None)).Silos.Select(s => s.Address));
        Assert.Single((await _table.ReadAllAsync("another", CancellationToken.None)).Silos);

        // Its row went with it: the grain can be registered anew; the others' rows stay.
        Assert.Null(await directory.LookupAsync(Cluster, new GrainId("lane", "1"), CancellationToken.None));
        Assert.Equal("10.0.0.2:11111", (await directory.LookupAsync(Cluster, new GrainId("lane", "2"), CancellationToken.None))!.Address);
        Assert.Equal("10.0.0.1:11111", (await directory.LookupAsync("another", new GrainId("lane", "1"), CancellationToken.None))!.Address);
    }

    [Theory]
    [InlineData(nameof(MembershipOptions.LeaseDuration), "twice LeaseRenewal")]
    [InlineData(nameof(MembershipOptions.ProbeTimeout), "must be positive")]
    [InlineData(nameof(MembershipOptions.ClusterId), "must be set")]
    public void BadOptions_AreRejected_NamingTheSetting(string setting, string message)
    {
        var options = new MembershipOptions();
        switch (setting)
        {
            case nameof(MembershipOptions.LeaseDuration):
                options.LeaseDuration = options.LeaseRenewal;
                break;
            case nameof(MembershipOptions.ProbeTimeout):
                options.ProbeTimeout = TimeSpan.Zero;
                break;
            default:
                options.ClusterId = " ";
                break;
        }

        var error = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.Contains($"Membership:{setting}", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
