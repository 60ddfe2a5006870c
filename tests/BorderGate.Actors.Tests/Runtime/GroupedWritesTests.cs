using BorderGate.Actors.Postgres;
using BorderGate.Actors.Sqlite;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Testing;
using BorderGate.Actors.Tests.Grains;
using BorderGate.TestSupport;
using Npgsql;

namespace BorderGate.Actors.Tests.Runtime;

/// <summary>
/// Interleaving calls of a reentrant grain share their writes (<see cref="GroupedWrites{TState}"/>): fewer writes than
/// calls, every acknowledged change stored, and a failed write reported to every call whose change it undid.
/// </summary>
public sealed class GroupedWritesTests
{
    [Fact]
    public async Task ConcurrentCalls_ShareWrites_AndEveryAcknowledgedChangeIsStored()
    {
        using var data = new TempDirectory();
        await using var cluster = await TestCluster.StartAsync(b => b.ConfigureStorage(s => s.AddSqliteActorProviders(o => o.DataDirectory = data.Path)));
        var tally = cluster.GrainFactory.GetGrain<ITallyGrain>("grouped");

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => tally.Add($"item-{i}")));

        var writes = await tally.Writes();
        Assert.InRange(writes, 1, 299);
        await cluster.RestartAsync();
        var stored = await cluster.GrainFactory.GetGrain<ITallyGrain>("grouped").Items();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"item-{i}").Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StorageCutMidStream_AcknowledgedChangesAreExactlyTheStoredOnes()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("grouped");
        var (host, port) = database.Endpoint;
        await using var proxy = TcpFaultProxy.Start(host, port);
        var viaProxy = database.ConnectionStringVia("127.0.0.1", proxy.Port) + ";Timeout=3;Command Timeout=3;Pooling=true";
        await using var cluster = await TestCluster.StartAsync(b => b.ConfigureStorage(s => s.AddPostgresActorProviders(o => o.ConnectionString = viaProxy)));
        var tally = cluster.GrainFactory.GetGrain<ITallyGrain>("outage");
        await tally.Add("before");

        // A stream of calls; storage goes away in the middle of it and comes back.
        var acknowledged = new List<string> { "before" };
        var failed = new List<string>();
        async Task AddAsync(string item)
        {
            try
            {
                await tally.Add(item);
                lock (acknowledged)
                {
                    acknowledged.Add(item);
                }
            }
            catch (GrainStorageException)
            {
                lock (failed)
                {
                    failed.Add(item);
                }
            }
        }

        var calls = new List<Task>();
        for (var i = 0; i < 60; i++)
        {
            calls.Add(AddAsync($"item-{i}"));
            if (i == 20)
            {
                proxy.Cut();
            }

            if (i == 40)
            {
                // Calls made while storage was away have failed (or are failing) by now.
                await Task.WhenAll(calls);
                proxy.Restore();
            }

            await Task.Delay(2);
        }

        await Task.WhenAll(calls);
        Assert.NotEmpty(failed);
        var attempt = 0;
        await Wait.WaitUntil(async () =>
        {
            var item = $"after-{attempt++}";
            await AddAsync(item);
            return acknowledged.Contains(item);
        }, TimeSpan.FromSeconds(30), "the grain writes again once PostgreSQL is back");

        // What the activation shows and what storage holds are exactly what was acknowledged.
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), (await tally.Items()).Order(StringComparer.Ordinal));
        await cluster.RestartAsync();
        var stored = await cluster.GrainFactory.GetGrain<ITallyGrain>("outage").Items();
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.Empty(stored.Intersect(failed));
    }

    [Fact]
    public async Task WriteFailsWhileLaterChangesWait_TheyAreUndoneWithItAndReportTheFailure()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("undone");
        await using var cluster = await TestCluster.StartAsync(b => b.ConfigureStorage(s => s.AddPostgresActorProviders(o => o.ConnectionString = database.ConnectionString)));
        var tally = cluster.GrainFactory.GetGrain<ITallyGrain>("undone");
        await tally.Add("before");

        // Another session locks the grain's row: the next write waits on it, and changes made meanwhile wait for the next.
        await using var blocker = new NpgsqlConnection(database.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM grain_state WHERE grain_type = 'tally' AND grain_key = 'undone' FOR UPDATE", blocker, transaction))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var first = tally.Add("first");
        var waitingWriter = 0;
        await Wait.WaitUntil(async () => (waitingWriter = await WaitingBackendAsync(blocker)) != 0, TimeSpan.FromSeconds(10), "the grain's write waits on the row lock");
        var second = tally.Add("second");
        var third = tally.Add("third");
        await Wait.WaitUntil(async () => (await tally.Items()).Count == 4, TimeSpan.FromSeconds(10), "the later changes were made while the write waits");

        // The waiting write's session is killed: that write fails, and the state goes back to what is stored.
        await using (var kill = new NpgsqlCommand($"SELECT pg_terminate_backend({waitingWriter})", blocker))
        {
            await kill.ExecuteScalarAsync();
        }

        await transaction.RollbackAsync();

        // The later changes were undone with it: their callers hear so, rather than an answer for a change never stored.
        await Assert.ThrowsAsync<GrainStorageException>(() => first);
        await Assert.ThrowsAsync<GrainStorageException>(() => second);
        await Assert.ThrowsAsync<GrainStorageException>(() => third);
        Assert.Equal(["before"], await tally.Items());
        await tally.Add("after");
        await cluster.RestartAsync();
        Assert.Equal(["before", "after"], await cluster.GrainFactory.GetGrain<ITallyGrain>("undone").Items());
    }

    private static async Task<int> WaitingBackendAsync(NpgsqlConnection connection)
    {
        await using var query = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() LIMIT 1", connection);
        return await query.ExecuteScalarAsync() is int pid ? pid : 0;
    }
}
