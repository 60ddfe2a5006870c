using BorderGate.TestSupport;
using BorderGate.Actors.Testing;
using BorderGate.Actors.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Tests.Runtime;

public sealed class ActivationTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task FirstCall_UnknownKey_ActivatesOnceAndKeepsInstance()
    {
        var counter = fixture.Grains.GetGrain<ICounterGrain>("activation-once");
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => counter.Add(1)));

        Assert.Equal(50, await counter.Get());
        Assert.Equal(1, fixture.Probe.Count("activate activation-once"));
    }

    [Fact]
    public async Task GetGrain_SameKeyTwice_AddressesSameActivation()
    {
        await fixture.Grains.GetGrain<ICounterGrain>("same-key").Add(5);
        Assert.Equal(5, await fixture.Grains.GetGrain<ICounterGrain>("same-key").Get());
        Assert.Equal(0, await fixture.Grains.GetGrain<ICounterGrain>("other-key").Get());
    }

    [Fact]
    public async Task DeactivateOnIdle_AfterTurn_DeactivatesAndNextCallReactivatesFresh()
    {
        var counter = fixture.Grains.GetGrain<ICounterGrain>("asks-to-go");
        await counter.Add(7);
        await counter.RequestDeactivation();
        await Wait.WaitUntil(() => fixture.Probe.Count("deactivate asks-to-go ApplicationRequested") == 1, TimeSpan.FromSeconds(10), "the grain deactivated");

        Assert.Equal(0, await counter.Get());
        Assert.Equal(2, fixture.Probe.Count("activate asks-to-go"));
    }

    [Fact]
    public async Task GetGrain_EmptyKey_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => fixture.Grains.GetGrain<ICounterGrain>(""));
        Assert.Contains("key", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void GetGrain_InterfaceWithoutImplementation_ThrowsClearError()
    {
        var error = Assert.Throws<GrainImplementationNotFoundException>(() => fixture.Grains.GetGrain<IOrphanGrain>("x"));
        Assert.Contains(nameof(IOrphanGrain), error.Message, StringComparison.Ordinal);
        Assert.Contains("No grain class implements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_GrainThrows_CallerGetsSameTypeAndMessage()
    {
        var counter = fixture.Grains.GetGrain<ICounterGrain>("thrower");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => counter.Fail("lane 3 barrier jammed"));
        Assert.Equal("lane 3 barrier jammed", error.Message);

        // The activation survives a failed call.
        Assert.Equal(1, await counter.Add(1));
    }

    [Fact]
    public async Task Call_ValueTaskAndDefaultArguments_RoundTrip()
    {
        var counter = fixture.Grains.GetGrain<ICounterGrain>("shapes");
        await counter.Add(3);
        Assert.Equal(3, await counter.GetFast());
        await counter.Touch();
        Assert.Equal("ab", await counter.Echo("ab"));
        Assert.Equal("ababab", await counter.Echo("ab", 3));
    }

    [Fact]
    public async Task OneWayCall_DoesNotWait_StillRuns()
    {
        var counter = fixture.Grains.GetGrain<ICounterGrain>("one-way");
        await counter.FireAndForget(4);
        await Wait.WaitUntil(() => fixture.Probe.Count("oneway one-way 4") == 1, TimeSpan.FromSeconds(10), "the one-way call ran");
        Assert.Equal(4, await counter.Get());
    }

    [Fact]
    public async Task MissingStorageProvider_ActivationFails_WithClearError()
    {
        var grain = fixture.Grains.GetGrain<IMisconfiguredGrain>("m");
        var error = await Assert.ThrowsAsync<GrainActivationException>(() => grain.Ping());
        Assert.Contains("NoSuchStorage", error.Message, StringComparison.Ordinal);
    }
}

public sealed class IdleCollectionTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(b => b
            .UseFakeTime()
            .ConfigureServices(s => s.AddSingleton(_probe))
            .Configure(o =>
            {
                o.IdleTimeout = TimeSpan.FromMinutes(15);
                o.CollectionInterval = TimeSpan.FromMinutes(1);
            }));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Stop_WhileAnActivationFails_StillStopsEveryOther_AndDoesNotThrow()
    {
        var other = _cluster.GrainFactory.GetGrain<ICounterGrain>("stops");
        await other.Add(1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FailingActivationGrain.Release["failing"] = release;
        var call = _cluster.GrainFactory.GetGrain<IFailingActivationGrain>("failing").Ping();

        var restart = _cluster.RestartAsync();
        release.SetResult();
        await restart.WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<GrainActivationException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(_probe.Events, e => e.StartsWith("deactivate stops", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IdleActivation_AfterIdleTimeout_IsDeactivatedAndReactivatedOnNextCall()
    {
        var counter = _cluster.GrainFactory.GetGrain<ICounterGrain>("idle");
        await counter.Add(1);

        _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, _probe.Count("deactivate idle IdleTimeout"));

        _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(6));
        await Wait.WaitUntil(() => _probe.Count("deactivate idle IdleTimeout") == 1, TimeSpan.FromSeconds(10), "the idle grain deactivated");
        Assert.Equal(0, _cluster.Runtime.ActivationCount);

        Assert.Equal(0, await counter.Get());
        Assert.Equal(2, _probe.Count("activate idle"));
    }

    [Fact]
    public async Task UsedActivation_BeforeIdleTimeout_StaysActive()
    {
        var counter = _cluster.GrainFactory.GetGrain<ICounterGrain>("busy");
        for (var i = 0; i < 5; i++)
        {
            await counter.Add(1);
            _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(5, await counter.Get());
        Assert.Equal(0, _probe.Count("deactivate busy IdleTimeout"));
    }

    [Fact]
    public async Task DelayDeactivation_LongerThanIdleTimeout_KeepsActivation()
    {
        var counter = _cluster.GrainFactory.GetGrain<ICounterGrain>("kept");
        await counter.KeepAliveFor(TimeSpan.FromHours(1));
        _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(30));
        await Task.Yield();
        Assert.Equal(0, _probe.Count("deactivate kept IdleTimeout"));

        _cluster.TimeProvider.Advance(TimeSpan.FromMinutes(31));
        await Wait.WaitUntil(() => _probe.Count("deactivate kept IdleTimeout") == 1, TimeSpan.FromSeconds(10), "the kept grain deactivated after its delay");
    }

    [Fact]
    public async Task RuntimeStop_ActiveGrains_RunOnDeactivate()
    {
        await _cluster.GrainFactory.GetGrain<ICounterGrain>("at-shutdown").Add(1);
        await _cluster.RestartAsync();
        Assert.Equal(1, _probe.Count("deactivate at-shutdown RuntimeShutdown"));
    }
}
