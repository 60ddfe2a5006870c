using BorderGate.Actors.Membership;
using BorderGate.Actors.Postgres;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>The grain directory on real PostgreSQL: one registration per grain however the silos race.</summary>
public sealed class GrainDirectoryTests : IAsyncLifetime
{
    private const string Cluster = "directory-tests";
    private static readonly IReadOnlySet<string> s_noneDead = new HashSet<string>();
    private readonly List<ServiceProvider> _silos = [];
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync("directory");

        // Three silos, each with its own connection pool, as three processes would have.
        for (var i = 0; i < 3; i++)
        {
            _silos.Add(new ServiceCollection().AddPostgresActorProviders(o => o.ConnectionString = _database.ConnectionString).BuildServiceProvider());
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    private IGrainDirectoryTable Directory(int silo) => _silos[silo].GetRequiredService<IGrainDirectoryTable>();

    private static string Address(int silo) => $"127.0.0.1:{11111 + silo}";

    /// <summary>1,000 grains registered from three silos at once, each grain by all three: every grain has one owner, and all agree on it.</summary>
    [Fact]
    public async Task ThousandGrains_RegisteredFromThreeSilosAtOnce_EachHasOneOwner_ThatAllAgreeOn()
    {
        var grains = Enumerable.Range(0, 1000).Select(i => new GrainId("truck", $"29C{i:D5}")).ToList();

        // Each grain raced by its three registrations at once, started in a random order so that no silo is always first.
        var answers = Enumerable.Range(0, 3).Select(_ => new GrainLocation[grains.Count]).ToArray();
        var order = new Random(11);
        await Parallel.ForEachAsync(Enumerable.Range(0, grains.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            int[] silos;
            lock (order)
            {
                silos = [.. Enumerable.Range(0, 3).OrderBy(_ => order.Next())];
            }

            await Task.WhenAll(silos.Select(async silo => answers[silo][i] = await Directory(silo).RegisterAsync(Cluster, grains[i], Address(silo), 1, s_noneDead, ct)));
        });

        for (var i = 0; i < grains.Count; i++)
        {
            var stored = await Directory(0).LookupAsync(Cluster, grains[i], CancellationToken.None);
            Assert.NotNull(stored);
            Assert.All(answers, a => Assert.Equal(stored, a[i]));
        }

        // Each silo won some: the race was real.
        var owners = answers[0].GroupBy(l => l.Address).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(owners.Count >= 2, $"owners: {string.Join(", ", owners)}");
    }

    /// <summary>
    /// A silo's first calls to many grains at once (after a start or a failover) register them in a few transactions, not
    /// one each — the rows' inserting transaction (<c>xmin</c>) tells — and another silo then finds every one of them taken.
    /// </summary>
    [Fact]
    public async Task ManyGrainsRegisteredAtOnce_AreCommittedTogether_AndFoundTakenByAnotherSilo()
    {
        var grains = Enumerable.Range(0, 600).Select(i => new GrainId("slot", $"Y{i:D4}")).ToList();

        var mine = await Task.WhenAll(grains.Select(g => Directory(0).RegisterAsync(Cluster, g, Address(0), 1, s_noneDead, CancellationToken.None).AsTask()));
        var theirs = await Task.WhenAll(grains.Select(g => Directory(1).RegisterAsync(Cluster, g, Address(1), 1, s_noneDead, CancellationToken.None).AsTask()));

        Assert.All(mine, l => Assert.Equal(Address(0), l.Address));
        Assert.Equal(mine, theirs);
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT xmin::text) FROM grain_directory WHERE cluster_id = $1 AND grain_type = 'slot'", connection)
        {
            Parameters = { new NpgsqlParameter<string> { TypedValue = Cluster } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(600, reader.GetInt64(0));
        var transactions = reader.GetInt64(1);
        Assert.True(transactions <= 60, $"600 registrations took {transactions} transactions");
    }

    [Fact]
    public async Task Unregister_RemovesOnlyTheOwnersRegistration()
    {
        var grain = new GrainId("lane", "huu-nghi/lane-1");
        var owner = await Directory(0).RegisterAsync(Cluster, grain, Address(0), 1, s_noneDead, CancellationToken.None);

        Assert.False(await Directory(1).UnregisterAsync(Cluster, new GrainLocation(owner.GrainId, Address(1), owner.Generation), CancellationToken.None));
        Assert.False(await Directory(0).UnregisterAsync(Cluster, new GrainLocation(owner.GrainId, owner.Address, 2), CancellationToken.None));
        Assert.Equal(owner, await Directory(1).LookupAsync(Cluster, grain, CancellationToken.None));

        Assert.True(await Directory(0).UnregisterAsync(Cluster, owner, CancellationToken.None));
        Assert.Null(await Directory(1).LookupAsync(Cluster, grain, CancellationToken.None));
        Assert.Equal(Address(1), (await Directory(1).RegisterAsync(Cluster, grain, Address(1), 1, s_noneDead, CancellationToken.None)).Address);
    }

    /// <summary>A dead silo's registrations are taken over by the next registration, or released all at once; a live one's never.</summary>
    [Fact]
    public async Task DeadSilosRegistrations_AreTakenOverOrReleased_ALiveOnesNever()
    {
        var grains = Enumerable.Range(0, 10).Select(i => new GrainId("crane", $"huu-nghi/crane-{i}")).ToList();
        foreach (var grain in grains)
        {
            await Directory(0).RegisterAsync(Cluster, grain, Address(0), 1, s_noneDead, CancellationToken.None);
        }

        await Directory(2).RegisterAsync(Cluster, new GrainId("gate", "huu-nghi"), Address(2), 5, s_noneDead, CancellationToken.None);
        var dead = new HashSet<string> { $"{Address(0)}@1" };

        // Live owner: kept.
        Assert.Equal(Address(0), (await Directory(1).RegisterAsync(Cluster, grains[0], Address(1), 1, s_noneDead, CancellationToken.None)).Address);

        // Dead owner: taken over.
        Assert.Equal(new GrainLocation(grains[0], Address(1), 1), await Directory(1).RegisterAsync(Cluster, grains[0], Address(1), 1, dead, CancellationToken.None));

        // The rest released at once; another silo's rows and other generations untouched.
        Assert.Equal(9, await Directory(1).ReleaseSiloAsync(Cluster, Address(0), 1, CancellationToken.None));
        foreach (var grain in grains.Skip(1))
        {
            Assert.Null(await Directory(1).LookupAsync(Cluster, grain, CancellationToken.None));
        }

        Assert.Equal(Address(1), (await Directory(1).LookupAsync(Cluster, grains[0], CancellationToken.None))!.Address);
        Assert.NotNull(await Directory(1).LookupAsync(Cluster, new GrainId("gate", "huu-nghi"), CancellationToken.None));
        Assert.Null(await Directory(0).LookupAsync("another-cluster", grains[0], CancellationToken.None));
    }
}
