using System.Text;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Testing;
using BorderGate.Actors.Tests.Grains;
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
