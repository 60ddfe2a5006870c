using System.Net.Http.Json;
using System.Text.Json;
using BorderGate.Contracts.Live;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Silo.Tests;

/// <summary>
/// The control room's SignalR hub on the real host over a real WebSocket (the JSON hub protocol): a snapshot, then the
/// changes in order; a reconnect resumes after the last sequence seen; bad follows refused with a clear error.
/// </summary>
public sealed class CrossingHubTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private KestrelSilo _silo = null!;

    public Task InitializeAsync()
    {
        _silo = new KestrelSilo();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    /// <summary>A control room signed in as the development supervisor.</summary>
    private async Task<HubTestClient> ConnectAsync() => await HubTestClient.ConnectAsync(new Uri(_silo.BaseAddress, CrossingHubRoutes.Path), await _silo.OperatorTokenAsync());

    [Fact]
    public async Task Follow_SendsASnapshot_ThenEveryChangeInOrder()
    {
        await _silo.DeclareAndArriveAsync("29C10001");
        await using var hub = await ConnectAsync();

        var from = (await hub.InvokeAsync(CrossingHubRoutes.Follow, [null])).GetInt64();
        var snapshot = await hub.NextAsync(s_wait, nameof(ICrossingClient.Snapshot));
        await _silo.DeclareAndArriveAsync("29C10002");
        var changes = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            changes.Add(await hub.NextItemAsync(s_wait, nameof(ICrossingClient.Changed)));
        }

        Assert.Equal(3, from);
        Assert.Equal(nameof(ICrossingClient.Snapshot), snapshot.Target);
        var body = snapshot.Arguments[0];
        Assert.Equal(3, body.GetProperty("sequence").GetInt64());
        Assert.Equal("huu-nghi", body.GetProperty("crossingId").GetString());
        Assert.Contains(body.GetProperty("gate").GetProperty("lanes").EnumerateArray(), l => l.GetProperty("plate").GetString() == "29C10001");
        Assert.True(body.GetProperty("yard").GetProperty("capacity").GetInt32() > 0);
        Assert.Equal([4L, 5, 6], changes.Select(c => c.GetProperty("sequence").GetInt64()));
        Assert.Equal(["booked", "arrived", "called"], changes.Select(c => c.GetProperty("event").GetProperty("event").GetString()));
        Assert.All(changes, c => Assert.Equal("truck", c.GetProperty("event").GetProperty("type").GetString()));
        Assert.All(changes, c => Assert.Equal("29C10002", c.GetProperty("event").GetProperty("plate").GetString()));
        Assert.Equal("Called", changes[2].GetProperty("event").GetProperty("status").GetString());
    }

    /// <summary>A client whose connection dropped follows from the last sequence it saw on a new one: exactly what it missed, then live.</summary>
    [Fact]
    public async Task Reconnect_ResumesAfterTheLastSequence_WithoutGapOrDuplicate_AndWithoutASnapshot()
    {
        long last;
        var first = await ConnectAsync();
        await first.InvokeAsync(CrossingHubRoutes.Follow, [null]);
        Assert.Equal(nameof(ICrossingClient.Snapshot), (await first.NextAsync(s_wait, nameof(ICrossingClient.Snapshot))).Target);
        await _silo.DeclareAndArriveAsync("29C20001");
        for (var i = 0; i < 2; i++)
        {
            await first.NextItemAsync(s_wait, nameof(ICrossingClient.Changed));
        }

        last = 2;
        first.Abort();
        await first.DisposeAsync();

        // Missed while away: the third step of the first truck and all of the second's.
        await _silo.DeclareAndArriveAsync("29C20002");
        await using var second = await ConnectAsync();
        var from = (await second.InvokeAsync(CrossingHubRoutes.Follow, [last])).GetInt64();
        var resumed = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            resumed.Add((await second.NextItemAsync(s_wait, nameof(ICrossingClient.Changed))).GetProperty("sequence").GetInt64());
        }

        await _silo.DeclareAndArriveAsync("29C20003");
        for (var i = 0; i < 3; i++)
        {
            resumed.Add((await second.NextItemAsync(s_wait, nameof(ICrossingClient.Changed))).GetProperty("sequence").GetInt64());
        }

        Assert.Equal(2, from);
        Assert.Equal([3L, 4, 5, 6, 7, 8, 9], resumed);
        Assert.False(second.TryNextItem(nameof(ICrossingClient.Changed), out _));
    }

    [Theory]
    [InlineData(-1L, "after is a feed sequence number, 0 or more")]
    [InlineData(1000L, "has no change 1000 yet (its last is 0)")]
    public async Task BadFollow_IsRefusedClearly_AndTheConnectionServesOn(long after, string expected)
    {
        await using var hub = await ConnectAsync();

        var error = await Assert.ThrowsAsync<HubCallException>(() => hub.InvokeAsync(CrossingHubRoutes.Follow, [after]));
        var from = (await hub.InvokeAsync(CrossingHubRoutes.Follow, [null])).GetInt64();

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, from);
        Assert.Equal(nameof(ICrossingClient.Snapshot), (await hub.NextAsync(s_wait, nameof(ICrossingClient.Snapshot))).Target);
    }

    /// <summary>An operator closes a lane on the hub: the change comes back on the feed, and dispatch sends the next truck elsewhere.</summary>
    [Fact]
    public async Task CloseLane_ComesBackAsAChange_AndDispatchStopsUsingTheLane()
    {
        await using var hub = await ConnectAsync();
        await hub.InvokeAsync(CrossingHubRoutes.Follow, [null]);
        Assert.Equal(nameof(ICrossingClient.Snapshot), (await hub.NextAsync(s_wait, nameof(ICrossingClient.Snapshot))).Target);

        await hub.InvokeAsync("CloseLane", ["lane-1", "weighbridge calibration"]);
        var closed = (await hub.NextItemAsync(s_wait, nameof(ICrossingClient.Changed))).GetProperty("event");
        await _silo.DeclareAndArriveAsync("29C50001");
        var lane = (await _silo.Http.GetFromJsonAsync<JsonElement>("/api/trucks/29C50001/status")).GetProperty("laneId").GetString();
        await hub.InvokeAsync("OpenLane", ["lane-1"]);
        var events = new List<JsonElement>();
        while (events.Count == 0 || events[^1].GetProperty("type").GetString() != "lane")
        {
            events.Add((await hub.NextItemAsync(s_wait, nameof(ICrossingClient.Changed))).GetProperty("event"));
        }

        Assert.Equal("lane", closed.GetProperty("type").GetString());
        Assert.Equal("lane-1", closed.GetProperty("laneId").GetString());
        Assert.Equal("Closed", closed.GetProperty("mode").GetString());
        Assert.Equal("weighbridge calibration (dev supervisor)", closed.GetProperty("reason").GetString());
        Assert.NotEqual("lane-1", lane);
        Assert.Equal("Open", events[^1].GetProperty("mode").GetString());
    }

    [Fact]
    public async Task ReleaseTruck_ThatIsNotHeld_IsRefusedClearly_AndTheTruckStaysWhereItIs()
    {
        await _silo.DeclareAndArriveAsync("29C50002");
        await using var hub = await ConnectAsync();

        var error = await Assert.ThrowsAsync<HubCallException>(() => hub.InvokeAsync("ReleaseTruck", ["29C-500.02"]));

        Assert.Contains("Truck 29C50002 is not held", error.Message, StringComparison.Ordinal);
        Assert.Equal("Called", (await _silo.Http.GetFromJsonAsync<JsonElement>("/api/trucks/29C50002/status")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("CloseLane", "lane-99", "has no lane 'lane-99'")]
    [InlineData("OpenLane", "lane-0", "has no lane 'lane-0'")]
    public async Task OperatorAction_OnAnUnknownLane_IsRefusedClearly(string method, string lane, string expected)
    {
        await using var hub = await ConnectAsync();

        var error = await Assert.ThrowsAsync<HubCallException>(() => hub.InvokeAsync(method, method == "CloseLane" ? [lane, null] : [lane]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A following control room gets the equipment as it is, a few times a second: every vehicle, every crane, every yard slot.</summary>
    [Fact]
    public async Task Follow_AlsoSendsTheEquipment_AFewTimesASecond()
    {
        var site = _silo.Services.GetRequiredService<BorderGate.Contracts.Site.SiteLayout>();
        await using var hub = await ConnectAsync();
        await hub.InvokeAsync(CrossingHubRoutes.Follow, [null]);

        var first = (await hub.NextAsync(s_wait, nameof(ICrossingClient.Equipment))).Arguments[0];
        var second = (await hub.NextAsync(TimeSpan.FromSeconds(2), nameof(ICrossingClient.Equipment))).Arguments[0];

        Assert.Equal(site.DriverlessTrucks.Count, first.GetProperty("vehicles").GetArrayLength());
        Assert.Equal(site.Cranes.Count, first.GetProperty("cranes").GetArrayLength());
        Assert.Equal(site.YardBlocks.Sum(b => b.Rows * b.Bays), first.GetProperty("yardSlots").GetString()!.Length);
        Assert.Matches("^F+$", first.GetProperty("yardSlots").GetString());
        Assert.True(second.GetProperty("at").GetDateTimeOffset() > first.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task AcknowledgeAlarm_OfAnUnknownAlarm_IsRefusedClearly_AndTheSnapshotListsOpenAlarms()
    {
        var book = _silo.Services.GetRequiredService<BorderGate.Actors.IGrainFactory>().GetGrain<BorderGate.Contracts.Crossing.IAlarmBookGrain>("huu-nghi");
        var alarm = await book.Raise(new BorderGate.Contracts.Devices.DeviceAlarm("huu-nghi", "bar-lane-2", BorderGate.Contracts.Devices.DeviceKind.Barrier, "stale", "no message for 15 s", DateTimeOffset.UtcNow));
        await using var hub = await ConnectAsync();
        await hub.InvokeAsync(CrossingHubRoutes.Follow, [null]);

        var snapshot = (await hub.NextAsync(s_wait, nameof(ICrossingClient.Snapshot))).Arguments[0];
        var error = await Assert.ThrowsAsync<HubCallException>(() => hub.InvokeAsync("AcknowledgeAlarm", ["alarm-999"]));
        await hub.InvokeAsync("AcknowledgeAlarm", [alarm.AlarmId]);
        var acknowledged = (await hub.NextItemAsync(s_wait, nameof(ICrossingClient.Changed))).GetProperty("event");

        Assert.Equal(alarm.AlarmId, Assert.Single(snapshot.GetProperty("alarms").EnumerateArray()).GetProperty("alarmId").GetString());
        Assert.Contains("has no alarm 'alarm-999'", error.Message, StringComparison.Ordinal);
        Assert.Equal("alarm", acknowledged.GetProperty("type").GetString());
        Assert.Equal("dev supervisor", acknowledged.GetProperty("alarm").GetProperty("acknowledgedBy").GetString());
    }

    /// <summary>A burst of changes goes in a few messages (what comes within the batch window travels together), every change once, in order.</summary>
    [Fact]
    public async Task ABurstOfChanges_ComesInBatches_InOrder()
    {
        await using var hub = await ConnectAsync();
        var from = (await hub.InvokeAsync(CrossingHubRoutes.Follow, [null])).GetInt64();
        await hub.NextAsync(s_wait, nameof(ICrossingClient.Snapshot));
        var feed = _silo.Services.GetRequiredKeyedService<BorderGate.Actors.Streams.IStreamProvider>(BorderGate.Contracts.Crossing.CrossingEvent.StreamProvider)
            .GetStream<BorderGate.Contracts.Crossing.CrossingEvent>(BorderGate.Contracts.Crossing.CrossingEvent.StreamFor("huu-nghi"));

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => feed.OnNextAsync(new BorderGate.Contracts.Crossing.LaneModeChanged(
            "huu-nghi", DateTimeOffset.UtcNow, $"lane-{1 + (i % 6)}", BorderGate.Contracts.Crossing.LaneMode.Open, $"burst {i}")).AsTask()));
        var messages = 0;
        var sequences = new List<long>();
        while (sequences.Count < 200)
        {
            var batch = await hub.NextAsync(s_wait, nameof(ICrossingClient.Changed));
            messages++;
            sequences.AddRange(batch.Arguments[0].EnumerateArray().Select(c => c.GetProperty("sequence").GetInt64()));
        }

        Assert.Equal(Enumerable.Range(1, 200).Select(i => from + i), sequences);
        Assert.InRange(messages, 1, 100);
    }

    [Fact]
    public async Task UnknownHubMethod_IsRefusedClearly()
    {
        await using var hub = await ConnectAsync();

        var error = await Assert.ThrowsAsync<HubCallException>(() => hub.InvokeAsync("DropAllTables", []));

        Assert.Contains("DropAllTables", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await hub.InvokeAsync(CrossingHubRoutes.Follow, [0L])).GetInt64());
    }
}
