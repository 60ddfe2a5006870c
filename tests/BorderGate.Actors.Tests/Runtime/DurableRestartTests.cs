using BorderGate.Actors.Sqlite;
using BorderGate.Actors.Streams;
using BorderGate.Actors.Testing;
using BorderGate.Actors.Tests.Grains;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Tests.Runtime;

/// <summary>What must survive a process restart on the embedded default, SQLite: reminders and the stream log.</summary>
public sealed class DurableRestartTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly Probe _probe = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(b => b
            .UseFakeTime()
            .ConfigureServices(s => s.AddSingleton(_probe))
            .ConfigureStorage(s => s.AddSqliteActorProviders(o => o.DataDirectory = _data.Path)));

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Reminder_RegisteredBeforeRestart_FiresAfterItFromTheSqliteTable()
    {
        await _cluster.GrainFactory.GetGrain<IReminderGrain>("gate-audit").Register("hourly", TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        await _cluster.RestartAsync();
        Assert.Equal(0, _cluster.Runtime.ActivationCount);

        _cluster.TimeProvider.Advance(TimeSpan.FromHours(1));
        await Wait.WaitUntil(() => _probe.Count("reminder gate-audit hourly") == 1, TimeSpan.FromSeconds(10), "the reminder fired after the restart");
        _cluster.TimeProvider.Advance(TimeSpan.FromHours(1));
        await Wait.WaitUntil(() => _probe.Count("reminder gate-audit hourly") == 2, TimeSpan.FromSeconds(10), "the next period fired");
    }

    [Fact]
    public async Task Stream_SubscriberResumesAfterRestart_FromItsLastSequence_NoGapNoDuplicate()
    {
        var publisher = _cluster.GrainFactory.GetGrain<IPublisherGrain>("lane-3");
        for (var i = 0; i < 20; i++)
        {
            await publisher.Publish("lane-3", i);
        }

        await _cluster.RestartAsync();

        var received = new List<(long Sequence, int Value)>();
        var stream = _cluster.Runtime.GetStreamProvider(StreamProviderNames.Default).GetStream<Reading>(new StreamId("readings", "lane-3"));
        await using var subscription = await stream.SubscribeAsync((e, _) =>
        {
            lock (received)
            {
                received.Add((e.Sequence, e.Item.Value));
            }

            return Task.CompletedTask;
        }, afterSequence: 12);
        for (var i = 20; i < 30; i++)
        {
            await _cluster.GrainFactory.GetGrain<IPublisherGrain>("lane-3").Publish("lane-3", i);
        }

        await Wait.WaitUntil(() => subscription.LastDeliveredSequence == 30, TimeSpan.FromSeconds(10), "caught up with the live events");
        lock (received)
        {
            Assert.Equal(Enumerable.Range(13, 18).Select(i => (long)i), received.Select(r => r.Sequence));
            Assert.Equal(Enumerable.Range(12, 18), received.Select(r => r.Value));
        }
    }

    [Fact]
    public async Task StatesMadeAtRunTime_AreStoredApart_AndReadBackAfterRestart()
    {
        var grain = _cluster.GrainFactory.GetGrain<IShelfGrain>("depot-1");
        await grain.Put(0, "pallet-a");
        await grain.Put(2, "pallet-c");
        await grain.Put(2, "pallet-d");

        await _cluster.RestartAsync();

        grain = _cluster.GrainFactory.GetGrain<IShelfGrain>("depot-1");
        Assert.Equal(["pallet-a"], await grain.Items(0));
        Assert.Empty(await grain.Items(1));
        Assert.Equal(["pallet-c", "pallet-d"], await grain.Items(2));
    }
}
