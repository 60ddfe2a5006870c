using System.Text;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Testing;
using BorderGate.Actors.Postgres;
using BorderGate.Actors.Sqlite;
using BorderGate.Actors.Tests.Grains;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Tests.Runtime;

/// <summary>Persistent state through the runtime, on each storage provider (subclasses below).</summary>
public abstract class StateTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    protected TestCluster Cluster => _cluster;

    protected abstract Task<Action<TestClusterBuilder>> ConfigureStorageAsync();

    public async Task InitializeAsync()
    {
        var configure = await ConfigureStorageAsync();
        _cluster = await TestCluster.StartAsync(configure);
    }

    public virtual async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IGrainStorage Storage => _cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);

    [Fact]
    public async Task WriteState_ThenRestart_StateIsReadBack()
    {
        var key = Key("restart");
        var account = _cluster.GrainFactory.GetGrain<IAccountGrain>(key);
        await account.Deposit(10);
        await account.Deposit(5);

        await _cluster.RestartAsync();

        account = _cluster.GrainFactory.GetGrain<IAccountGrain>(key);
        Assert.Equal(15, await account.Balance());
        Assert.Equal(["+10", "+5"], await account.History());
        Assert.True(await account.RecordExists());
    }

    [Fact]
    public async Task WriteState_StoredETagChangedBehindGrain_ThrowsInconsistentAndKeepsStoredValue()
    {
        var key = Key("race");
        var account = _cluster.GrainFactory.GetGrain<IAccountGrain>(key);
        await account.Deposit(10);
        var grainId = new GrainId("account", key);

        // Another writer (a second activation elsewhere, an operator) wins the race.
        var stored = await Storage.ReadAsync("account", grainId, CancellationToken.None);
        await Storage.WriteAsync("account", grainId, Encoding.UTF8.GetBytes("""{"balance":99,"history":["other"]}"""), stored!.ETag, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => account.Deposit(1));
        Assert.NotNull(error.StoredETag ?? error.ExpectedETag);

        // Nothing was overwritten, and the activation no longer claims the value it failed to store.
        var after = await Storage.ReadAsync("account", grainId, CancellationToken.None);
        Assert.Contains("99", Encoding.UTF8.GetString(after!.Json.Span), StringComparison.Ordinal);
        Assert.Equal(10, await account.Balance());
    }

    [Fact]
    public async Task ClearState_RemovesRecord_AndGrainStartsFromDefault()
    {
        var key = Key("clear");
        var account = _cluster.GrainFactory.GetGrain<IAccountGrain>(key);
        await account.Deposit(3);
        await account.Clear();

        Assert.Equal(0, await account.Balance());
        Assert.False(await account.RecordExists());
        Assert.Null(await Storage.ReadAsync("account", new GrainId("account", key), CancellationToken.None));
        Assert.Equal(4, await account.Deposit(4));
    }

    [Fact]
    public async Task WriteState_Unserializable_FailsClearlyAndWritesNothing()
    {
        var key = Key("cyclic");
        var account = _cluster.GrainFactory.GetGrain<IAccountGrain>(key);
        await account.Deposit(2);
        var before = await Storage.ReadAsync("account", new GrainId("account", key), CancellationToken.None);

        var error = await Assert.ThrowsAsync<GrainStateSerializationException>(() => account.StoreUnserializable());
        Assert.Contains("cannot be serialized", error.Message, StringComparison.Ordinal);

        var after = await Storage.ReadAsync("account", new GrainId("account", key), CancellationToken.None);
        Assert.Equal(before!.ETag, after!.ETag);
        Assert.Equal(2, await account.Balance());
    }

    [Fact]
    public async Task ManyGrains_ConcurrentWrites_AllDurable()
    {
        var prefix = Key("many");
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _cluster.GrainFactory.GetGrain<IAccountGrain>($"{prefix}-{i}").Deposit(i)));
        await _cluster.RestartAsync();
        var balances = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _cluster.GrainFactory.GetGrain<IAccountGrain>($"{prefix}-{i}").Balance()));
        Assert.Equal(Enumerable.Range(0, 200), balances);
    }

    private static string Key(string name) => $"{name}-{Guid.NewGuid():N}";
}

public sealed class MemoryStateTests : StateTests
{
    protected override Task<Action<TestClusterBuilder>> ConfigureStorageAsync() => Task.FromResult<Action<TestClusterBuilder>>(_ => { });
}

public sealed class SqliteStateTests : StateTests
{
    private readonly TempDirectory _directory = new();

    protected override Task<Action<TestClusterBuilder>> ConfigureStorageAsync() =>
        Task.FromResult<Action<TestClusterBuilder>>(b => b.ConfigureStorage(s => s.AddSqliteActorProviders(o => o.DataDirectory = _directory.Path)));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}

public sealed class PostgresStateTests : StateTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<Action<TestClusterBuilder>> ConfigureStorageAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync("state");
        var connectionString = _database.ConnectionString;
        return b => b.ConfigureStorage(s => s.AddPostgresActorProviders(o => o.ConnectionString = connectionString));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database!.DisposeAsync();
    }
}

/// <summary>PostgreSQL goes away under a running silo: calls fail with a storage error, nothing is half-written, and the silo recovers.</summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;
    private TcpFaultProxy _proxy = null!;
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync("outage");
        var (host, port) = _database.Endpoint;
        _proxy = TcpFaultProxy.Start(host, port);
        var viaProxy = _database.ConnectionStringVia("127.0.0.1", _proxy.Port) + ";Timeout=3;Command Timeout=3;Pooling=true";
        _cluster = await TestCluster.StartAsync(b => b.ConfigureStorage(s => s.AddPostgresActorProviders(o => o.ConnectionString = viaProxy)));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _proxy.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task StorageUnreachable_WriteFails_ActivationKeepsLastGoodState_ThenRecovers()
    {
        var account = _cluster.GrainFactory.GetGrain<IAccountGrain>("outage");
        Assert.Equal(10, await account.Deposit(10));
        var storedETag = await account.ETag();

        _proxy.Cut();
        var error = await Assert.ThrowsAsync<GrainStorageException>(() => account.Deposit(5));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));

        // The activation rolled back to what is stored: the failed deposit is not visible.
        Assert.Equal(10, await account.Balance());
        Assert.Equal(storedETag, await account.ETag());

        _proxy.Restore();
        await Wait.WaitUntil(async () =>
        {
            try
            {
                await account.Deposit(1);
                return true;
            }
            catch (GrainStorageException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the grain writes again once PostgreSQL is back");

        Assert.Equal(11, await account.Balance());
        Assert.Equal(["+10", "+1"], await account.History());

        // What is stored is exactly what the grain acknowledged.
        await _cluster.RestartAsync();
        Assert.Equal(11, await _cluster.GrainFactory.GetGrain<IAccountGrain>("outage").Balance());
    }
}
