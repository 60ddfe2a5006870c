using System.Text;
using BorderGate.Actors;
using BorderGate.Actors.Storage;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Gate;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Grains.Tests.Gate;

public sealed class GateGrainTests : IAsyncLifetime
{
    /// <summary>In-memory storage that a test can make refuse writes, as in an outage.</summary>
    private readonly OutageStorage _storage = new();
    private readonly CrossingFixture _crossing;

    public GateGrainTests() => _crossing = new CrossingFixture(_storage);

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    /// <summary>
    /// The KPI window is stored every <see cref="GateGrain.KpiFoldEvery"/> completions, the completions in between as
    /// samples beside it: after a restart the KPIs count every completed trip once, folded or not.
    /// </summary>
    [Fact]
    public async Task Kpis_CompletionsFoldedAndNot_SurviveRestartExactly()
    {
        var grains = _crossing.Cluster.GrainFactory;
        foreach (var device in TestSites.Small().Devices())
        {
            await grains.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, device.DeviceId)).OnConnectionChanged(true, _crossing.Now);
        }

        Task Telemetry(string device, string plate, params (string Key, string Value)[] data) =>
            grains.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, device)).OnTelemetry(
                device.StartsWith("wb-", StringComparison.Ordinal) ? "weight" : "plate-read",
                data.Append(("plate", plate)).ToDictionary(d => d.Item1, d => d.Item2),
                _crossing.Now);

        var completions = GateGrain.KpiFoldEvery + 8;
        for (var i = 0; i < completions; i++)
        {
            var plate = $"29C{73000 + i}";
            await _crossing.BookAsync(plate, CargoKind.Garments, TripDirection.Import);
            await Telemetry("cam-entrance", plate);
            await Wait.WaitUntil(async () => (await _crossing.Truck(plate).Current())!.Status == TruckStatus.Called, TimeSpan.FromSeconds(10), $"{plate} called");
            var lane = (await _crossing.Truck(plate).Current())!.LaneId!;
            await Telemetry($"cam-{lane}", plate);
            await Telemetry($"wb-{lane}", plate, ("kg", "20000"), ("stable", "true"));
            await _crossing.UntilLeavingAsync(lane);
            _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.BarrierPass + TimeSpan.FromSeconds(i));
            await Wait.WaitUntil(async () => (await _crossing.Truck(plate).Current())!.Status == TruckStatus.Completed, TimeSpan.FromSeconds(10), $"{plate} completed");
        }

        await Wait.WaitUntil(async () => (await _crossing.Gate.Kpis()).ThroughputByHour.Sum(h => h.Completed) == completions, TimeSpan.FromSeconds(10), "every completion counted");
        var before = await _crossing.Gate.Kpis();
        Assert.True(before.AverageTurn > TimeSpan.Zero);

        await _crossing.Cluster.RestartAsync();

        var after = await _crossing.Gate.Kpis();
        Assert.Equal(before.ThroughputByHour, after.ThroughputByHour);
        Assert.Equal(before.AverageWait, after.AverageWait);
        Assert.Equal(before.P95Wait, after.P95Wait);
        Assert.Equal(before.AverageTurn, after.AverageTurn);
        Assert.Equal(before.P95Turn, after.P95Turn);
    }

    [Fact]
    public async Task ArrivalWithoutBooking_IsHeldAtEntrance_WithReason()
    {
        var decision = await _crossing.Gate.TruckArrived("29C99999");

        Assert.False(decision.Admitted);
        Assert.Contains("No valid declaration", decision.Reason, StringComparison.Ordinal);
        var held = Assert.Single((await _crossing.Gate.Snapshot()).Held);
        Assert.Equal("29C99999", held.Plate);
    }

    /// <summary>
    /// The entrance camera's events the entrance cannot use — a read without a plate, a blank plate, another event, a
    /// fault — admit nobody, hold nobody and take no booking; a good read after them is admitted as usual.
    /// </summary>
    [Fact]
    public async Task EntranceEventsWithoutAUsablePlate_AreIgnored_NothingLost()
    {
        await _crossing.Gate.CloseLane("lane-1", "op", "queue shows");
        await _crossing.Gate.CloseLane("lane-2", "op", "queue shows");
        await _crossing.BookAsync("29C71001");
        var entrance = _crossing.Cluster.GrainFactory.GetGrain<IEntranceGrain>(TestSites.CrossingId);
        DeviceEvent Event(string name, Dictionary<string, string> data, bool fault = false) =>
            new("cam-entrance", DeviceKind.PlateCamera, name, data, _crossing.Now, IsFault: fault);

        await entrance.OnDeviceEvent(Event("plate-read", []));
        await entrance.OnDeviceEvent(Event("plate-read", new() { ["plate"] = "  " }));
        await entrance.OnDeviceEvent(Event("heartbeat-ish", new() { ["plate"] = "29C71001" }));
        await entrance.OnDeviceEvent(Event("lens-fault", new() { ["plate"] = "29C71001" }, fault: true));
        await entrance.OnDeviceEvent(Event("plate-read", new() { ["plate"] = "29C71001" }));

        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).QueueLength == 1, TimeSpan.FromSeconds(10), "the good read admitted");
        var view = await _crossing.Gate.Snapshot();
        Assert.Equal("29C71001", Assert.Single(view.Queue).Plate);
        Assert.Empty(view.Held);
        Assert.Equal(0, await _crossing.Ledger.BookedCount());
        Assert.Single((await _crossing.Truck("29C71001").Current())!.Events, e => e.Name == TripEventNames.Arrived);
    }

    [Fact]
    public async Task ManySightingsAtOnce_AreAdmittedInTheOrderSeen_EachCountedOnce()
    {
        foreach (var lane in (await _crossing.Gate.Snapshot()).Lanes)
        {
            await _crossing.Gate.CloseLane(lane.LaneId, "op", "batch test");
        }

        var plates = Enumerable.Range(0, 30).Select(i => $"29C{72000 + i}").ToList();
        foreach (var plate in plates)
        {
            await _crossing.BookAsync(plate);
        }

        Assert.Equal(30, await _crossing.Ledger.BookedCount());

        // The camera's reports come faster than the gate deals with them: a truck seen twice and one never declared among them.
        var sightings = plates.Take(10).Append(plates[3]).Append("29C79999").Concat(plates.Skip(10));
        foreach (var plate in sightings)
        {
            await _crossing.Gate.OnDeviceEvent(new DeviceEvent("cam-entrance", DeviceKind.PlateCamera, "plate-read",
                new Dictionary<string, string> { ["plate"] = plate }, _crossing.Now));
        }

        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).QueueLength == 30 && (await _crossing.Gate.Snapshot()).Held.Count == 1, TimeSpan.FromSeconds(10), "every sighting dealt with");
        var view = await _crossing.Gate.Snapshot();
        Assert.Equal(plates.Take(view.Queue.Count), view.Queue.Select(q => q.Plate));
        Assert.Equal("29C79999", Assert.Single(view.Held).Plate);
        Assert.Equal(0, await _crossing.Ledger.BookedCount());
        foreach (var plate in plates)
        {
            var trip = (await _crossing.Truck(plate).Current())!;
            Assert.Equal(TruckStatus.Waiting, trip.Status);
            Assert.Single(trip.Events, e => e.Name == TripEventNames.Arrived);
        }
    }

    [Fact]
    public async Task EntranceCameraPlateRead_AdmitsBookedTruck_AndCallsItToAFreeLane()
    {
        await _crossing.BookAsync("29C10001");

        await _crossing.Gate.OnDeviceEvent(new DeviceEvent("cam-entrance", DeviceKind.PlateCamera, "plate-read",
            new Dictionary<string, string> { ["plate"] = "29C10001" }, _crossing.Now));

        // Device events are one-way: the gate handles the sighting after the call returns.
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C10001").Current())!.Status == TruckStatus.Called, TimeSpan.FromSeconds(10), "called");
        var trip = (await _crossing.Truck("29C10001").Current())!;
        Assert.Equal(["booked", "arrived", "called"], trip.Events.Select(e => e.Name));
        var lane = await _crossing.Lane(trip.LaneId!).Status();
        Assert.Equal(LaneStep.AwaitingTruck, lane.Step);
        Assert.Equal("29C10001", lane.Plate);
    }

    [Fact]
    public async Task ClosedLane_IsNotUsedByDispatch()
    {
        await _crossing.Gate.CloseLane("lane-1", "operator-7", "maintenance");
        await _crossing.BookAsync("29C20001");
        await _crossing.BookAsync("29C20002");

        await _crossing.Gate.TruckArrived("29C20001");
        await _crossing.Gate.TruckArrived("29C20002");

        var view = await _crossing.Gate.Snapshot();
        Assert.Equal(LaneMode.Closed, view.Lanes.Single(l => l.LaneId == "lane-1").Mode);
        Assert.Null(view.Lanes.Single(l => l.LaneId == "lane-1").Plate);
        Assert.Equal("29C20001", view.Lanes.Single(l => l.LaneId == "lane-2").Plate);
        Assert.Equal("29C20002", Assert.Single(view.Queue).Plate);
        Assert.Equal(new QueuePosition(1, 0, (await _crossing.Gate.PositionOf("29C20002"))!.ExpectedWait), await _crossing.Gate.PositionOf("29C20002"));

        await _crossing.Gate.OpenLane("lane-1", "operator-7");
        Assert.Equal("29C20002", (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1").Plate);
    }

    [Fact]
    public async Task CalledTruckThatNeverComes_GoesBackToTheHeadOfTheQueue()
    {
        await _crossing.BookAsync("29C30001");
        await _crossing.Gate.TruckArrived("29C30001");
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C30001").Current())!.Status == TruckStatus.Called, TimeSpan.FromSeconds(10), "called");

        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(11));
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C30001").Current())!.Events.Count(e => e.Name == "called") == 2,
            TimeSpan.FromSeconds(10), "the truck was returned to the queue and called again");

        var events = (await _crossing.Truck("29C30001").Current())!.Events.Select(e => e.Name).ToList();
        Assert.Equal(["booked", "arrived", "called", "returned to queue", "called"], events);
    }

    [Fact]
    public async Task LaneThatDidNotGetItsTruck_GivesItBackToTheHeadOfTheQueue_AfterARestart()
    {
        await CalledToLaneOneAsync("29C30002");

        // The lane's record as if the one-way word never reached it (the silo stopped in between): idle, no truck.
        await LaneOneForgetsAsync();

        // Back at the head of the queue, and called again to the lane, which now holds it.
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C30002").Current())!.Events.Count(e => e.Name == "called") == 2, TimeSpan.FromSeconds(10), "called again");
        var trip = (await _crossing.Truck("29C30002").Current())!;
        Assert.Equal(["booked", "arrived", "called", "returned to queue", "called"], trip.Events.Select(e => e.Name));
        Assert.Equal("29C30002", (await _crossing.Lane("lane-1").Status()).Plate);
    }

    /// <summary>
    /// The gate notes a lane's report in memory and deals with it in its next turn; a report lost to a restart in between
    /// (here: the lane idle and the truck's record past the lane, as the lane leaves them, and the gate's record still
    /// giving the lane the truck) is made good by the gate's check of its lanes: the truck is through, not sent back.
    /// </summary>
    [Fact]
    public async Task LaneReportLostInARestart_TruckThroughTheLane_IsDealtWithAsThrough()
    {
        await CalledThenLaneForgetsAsync("29C30011", TruckStatus.Transfer, TripEventNames.LeftLane);

        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1").Plate != "29C30011", TimeSpan.FromSeconds(10), "lane-1 freed");
        Assert.Null(await _crossing.Gate.PositionOf("29C30011"));
        var trip = (await _crossing.Truck("29C30011").Current())!;
        Assert.DoesNotContain(trip.Events, e => e.Name == TripEventNames.ReturnedToQueue);
        Assert.Contains(trip.Status, new[] { TruckStatus.Transfer, TruckStatus.Completed });
    }

    /// <summary>
    /// A lane can send back a truck that was never called (a device fault before its call went out): the truck, still
    /// waiting, goes back to the head of the queue without a second "returned to queue", and the lane is freed (the report
    /// had failed on the truck's refused step, and been tried again and again).
    /// </summary>
    [Fact]
    public async Task LaneSendingBackATruckStillWaiting_PutsItAtTheHead_WithoutASecondReturn()
    {
        await CalledToLaneOneAsync("29C30021");
        await _crossing.Truck("29C30021").Advance(new TripTransition(TruckStatus.Waiting, TripEventNames.ReturnedToQueue, "as before its call"));
        await _crossing.Gate.CloseLane("lane-1", "op", "no more trucks here");

        await _crossing.Gate.LaneFinished("lane-1", "29C30021", LaneOutcome.Returned, "device cam-lane-1 reported offline", null);

        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1").Plate is null, TimeSpan.FromSeconds(10), "lane-1 freed");
        Assert.Equal(1, (await _crossing.Gate.PositionOf("29C30021"))?.Position);
        Assert.Single((await _crossing.Truck("29C30021").Current())!.Events, e => e.Name == TripEventNames.ReturnedToQueue);
    }

    /// <summary>A truck whose record shows it in the lane's checks, the lane idle and its report lost: back to the head of the queue, called again.</summary>
    [Fact]
    public async Task LaneReportLostInARestart_TruckStillInTheLanesChecks_GoesBackToTheHeadOfTheQueue()
    {
        await CalledThenLaneForgetsAsync("29C30012", TruckStatus.InLane, TripEventNames.PlateRead);

        await Wait.WaitUntil(async () => (await _crossing.Truck("29C30012").Current())!.Events.Count(e => e.Name == TripEventNames.Called) == 2, TimeSpan.FromSeconds(10), "called again");
        Assert.Equal(
            ["booked", "arrived", "called", "plate read", "returned to queue", "called"],
            (await _crossing.Truck("29C30012").Current())!.Events.Select(e => e.Name));
    }

    private async Task<LaneView> LaneOneAsync() => (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1");

    /// <summary>A lane's report the gate cannot store (storage out) is kept and dealt with again once storage is back.</summary>
    [Fact]
    public async Task LaneReport_WhileTheGatesStateCannotBeWritten_IsDealtWithOnceStorageIsBack()
    {
        await CalledToLaneOneAsync("29C40001");
        Assert.Equal("29C40001", (await LaneOneAsync()).Plate);

        // Storage refuses the gate's own state: the report (a truck held at the lane) cannot be stored, and the lane stays
        // taken; nothing is lost.
        _storage.FailWrites = (state, grain) => grain.Type == "gate" && state == "gate";
        await _crossing.Gate.LaneFinished("lane-1", "29C40001", LaneOutcome.Held, "weight does not match the declaration", null);
        await Wait.WaitUntil(() => Task.FromResult(_storage.Failed > 0), TimeSpan.FromSeconds(10), "the gate's write failed");
        Assert.Equal("29C40001", (await LaneOneAsync()).Plate);

        // Storage back: at the retry the lane is freed and the truck is on the held list, once.
        _storage.FailWrites = null;
        _crossing.Cluster.TimeProvider.Advance(GateGrain.LaneReportRetry);
        await Wait.WaitUntil(async () => (await LaneOneAsync()).Plate is null, TimeSpan.FromSeconds(10), "lane-1 freed");
        var held = (await _crossing.Gate.Snapshot()).Held;
        Assert.Single(held, h => h.Plate == "29C40001");
    }

    /// <summary>
    /// The gate tells an admitted truck that it waits without holding its turn for it; a truck whose record cannot be
    /// written then (storage out) is queued all the same and told again on the gate's clock once storage is back.
    /// </summary>
    [Fact]
    public async Task ArrivalTheTrucksRecordCannotTake_IsQueued_AndToldOnTheGatesClockOnceStorageIsBack()
    {
        await _crossing.Gate.CloseLane("lane-1", "op", "no calls");
        await _crossing.Gate.CloseLane("lane-2", "op", "no calls");
        await _crossing.BookAsync("29C40002");
        _storage.FailWrites = (state, grain) => state == "truck" && grain.Key == "29C40002";

        var decision = await _crossing.Gate.TruckArrived("29C40002");

        Assert.True(decision.Admitted);
        await Wait.WaitUntil(() => Task.FromResult(_storage.Failed > 0), TimeSpan.FromSeconds(10), "the truck's write failed");
        Assert.Equal(1, (await _crossing.Gate.PositionOf("29C40002"))?.Position);
        Assert.Equal(TruckStatus.Booked, (await _crossing.Truck("29C40002").Current())!.Status);

        // Still out at the first tick: told again at the next.
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(1));
        await Wait.WaitUntil(() => Task.FromResult(_storage.Failed > 1), TimeSpan.FromSeconds(10), "told again, refused again");
        _storage.FailWrites = null;
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(1));
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C40002").Current())!.Status == TruckStatus.Waiting, TimeSpan.FromSeconds(10), "told it waits");
        Assert.Single((await _crossing.Truck("29C40002").Current())!.Events, e => e.Name == TripEventNames.Arrived);

        // Told once: later ticks find it waiting and leave it.
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(1));
        await _crossing.Gate.Kpis();
        Assert.Single((await _crossing.Truck("29C40002").Current())!.Events, e => e.Name == TripEventNames.Arrived);
    }

    /// <summary>One lane open (lane-1, lane-2 closed); the truck booked, arrived and called to it.</summary>
    private async Task CalledToLaneOneAsync(string plate)
    {
        await _crossing.Gate.CloseLane("lane-2", "op", "one lane");
        await _crossing.BookAsync(plate);
        await _crossing.Gate.TruckArrived(plate);
        await Wait.WaitUntil(async () => (await _crossing.Truck(plate).Current())!.Status == TruckStatus.Called, TimeSpan.FromSeconds(10), "called");
    }

    /// <summary>Lane-1's record cleared (idle, no truck) as if the lane never heard of its truck, and the silo restarted.</summary>
    private async Task LaneOneForgetsAsync()
    {
        var storage = _crossing.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        var laneId = new GrainId("lane", $"{TestSites.CrossingId}/lane-1");
        var stored = (await storage.ReadAsync("lane", laneId, CancellationToken.None))!;
        await storage.ClearAsync("lane", laneId, stored.ETag, CancellationToken.None);
        await _crossing.Cluster.RestartAsync();
        await _crossing.WakeGateAsync();
    }

    /// <summary>The truck is called to lane-1 and its record moved on to <paramref name="status"/>; the lane's record is cleared (idle) and the silo restarted.</summary>
    private async Task CalledThenLaneForgetsAsync(string plate, TruckStatus status, string eventName)
    {
        await CalledToLaneOneAsync(plate);
        await Wait.WaitUntil(async () => (await _crossing.Lane("lane-1").Status()).Plate == plate, TimeSpan.FromSeconds(10), "lane-1 has it");
        if (status != TruckStatus.InLane)
        {
            await _crossing.Truck(plate).Advance(new TripTransition(TruckStatus.InLane, TripEventNames.PlateRead, "lane lane-1", LaneId: "lane-1"));
        }

        await _crossing.Truck(plate).Advance(new TripTransition(status, eventName, "lane lane-1", LaneId: "lane-1"));
        await LaneOneForgetsAsync();
    }

    /// <summary>
    /// A lane's answer about an earlier assignment of a truck (it finished that one, and was given the same truck again)
    /// does not send the truck of the later assignment back: seen in a 10,000-truck run, where the truck, back in the
    /// queue while the lane weighed it, was given to the lane a third time, and the lane, holding it, never called it.
    /// </summary>
    [Fact]
    public async Task LaneLacksAboutAnEarlierAssignment_OfTheSameTruck_IsIgnored()
    {
        await CalledToLaneOneAsync("29C30004");
        var assignedAt = (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1").Since;

        // This is the gate's first assignment (number 1): the answer is about one before it.
        await _crossing.Gate.LaneLacks("lane-1", "29C30004", assignment: 0);
        await _crossing.Gate.Dispatch();

        Assert.Equal(TruckStatus.Called, (await _crossing.Truck("29C30004").Current())!.Status);
        Assert.Equal("29C30004", (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1").Plate);
        Assert.Equal(assignedAt, (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1").Since);
        Assert.DoesNotContain((await _crossing.Truck("29C30004").Current())!.Events, e => e.Name == TripEventNames.ReturnedToQueue);
    }

    [Fact]
    public async Task LaneWhoseCallTimeoutWakesTheGateAfterARestart_IsNotDeadlockedByTheGatesLaneCheck()
    {
        await CalledToLaneOneAsync("29C30003");

        // After a restart the lane comes back first; its call timeout sends the truck back, which wakes the gate, whose
        // activation checks its lanes, this one included, while the lane waits for the gate.
        await _crossing.Cluster.RestartAsync();
        Assert.Equal("29C30003", (await _crossing.Lane("lane-1").Status()).Plate);
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(11));

        await Wait.WaitUntil(async () => (await _crossing.Truck("29C30003").Current())!.Events.Count(e => e.Name == "called") == 2, TimeSpan.FromSeconds(10), "called again");
        Assert.Equal(["booked", "arrived", "called", "returned to queue", "called"], (await _crossing.Truck("29C30003").Current())!.Events.Select(e => e.Name));
    }

    [Fact]
    public async Task EarlyArrival_WaitsForItsWindow_LateArrival_GoesBehindOnTimeTrucks()
    {
        // Lanes busy, so the order of the queue shows.
        await _crossing.Gate.CloseLane("lane-1", "op", "test");
        await _crossing.Gate.CloseLane("lane-2", "op", "test");
        await _crossing.BookAsync("29C40001", desired: _crossing.Now.AddHours(3));
        await _crossing.BookAsync("29C40002", desired: _crossing.Now.AddHours(-3));
        await _crossing.BookAsync("29C40003");

        var early = await _crossing.Gate.TruckArrived("29C40001");
        var late = await _crossing.Gate.TruckArrived("29C40002");
        await _crossing.Gate.TruckArrived("29C40003");

        Assert.Contains("early", early.Reason, StringComparison.Ordinal);
        Assert.True(early.EligibleAt > _crossing.Now.AddHours(2));
        Assert.Contains("late", late.Reason, StringComparison.Ordinal);
        var queue = (await _crossing.Gate.Snapshot()).Queue;
        Assert.Equal(["29C40003", "29C40002", "29C40001"], queue.Select(q => q.Plate));

        await _crossing.Gate.OpenLane("lane-1", "op");
        await _crossing.Gate.OpenLane("lane-2", "op");
        var called = (await _crossing.Gate.Snapshot()).Lanes.Select(l => l.Plate).ToHashSet();
        Assert.Equal(["29C40002", "29C40003"], called.Order());
    }

    /// <summary>
    /// Early trucks wait apart from the dispatch order (dispatch does not read past them) and join it when their window
    /// opens: ahead of trucks that arrived after them.
    /// </summary>
    [Fact]
    public async Task EarlyArrivalsAtTheHead_AreSkippedUntilTheirWindowOpens_ThenCalledInArrivalOrder()
    {
        await _crossing.Gate.CloseLane("lane-2", "op", "test");
        await _crossing.BookAsync("29C41001", desired: _crossing.Now.AddHours(3));
        await _crossing.BookAsync("29C41002");
        await _crossing.BookAsync("29C41003");
        var early = await _crossing.Gate.TruckArrived("29C41001");
        await _crossing.Gate.TruckArrived("29C41002");
        await _crossing.Gate.TruckArrived("29C41003");

        // The eligible truck behind the early one is called; the early one waits, first in the snapshot's early part.
        Assert.Equal("29C41002", (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1").Plate);
        Assert.Equal(["29C41003", "29C41001"], (await _crossing.Gate.Snapshot()).Queue.Select(q => q.Plate));

        // Its window opens: it is eligible, and ahead of the truck that arrived after it.
        _crossing.Cluster.TimeProvider.Advance(early.EligibleAt!.Value - _crossing.Now + TimeSpan.FromMinutes(1));
        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).Queue.Select(q => q.Plate).SequenceEqual(["29C41001", "29C41003"]), TimeSpan.FromSeconds(10), "the early truck joins the order");
        await _crossing.Gate.OpenLane("lane-2", "op");
        Assert.Equal("29C41001", (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-2").Plate);
    }

    [Fact]
    public async Task BookedTripNotArrived_BecomesNoShow()
    {
        await _crossing.BookAsync("29C50001");
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromHours(3));
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C50001").Current())!.Status == TruckStatus.NoShow, TimeSpan.FromSeconds(10), "the booking lapsed");
    }

    private async Task<ArrivalWindow> LapseAsync(string plate)
    {
        await _crossing.BookAsync(plate);
        var window = (await _crossing.Truck(plate).Current())!.Window!;
        _crossing.Cluster.TimeProvider.Advance(window.End + TestSites.Small().Policy.NoShowAfter + TimeSpan.FromMinutes(2) - _crossing.Now);
        await Wait.WaitUntil(async () => (await _crossing.Truck(plate).Current())!.Status == TruckStatus.NoShow, TimeSpan.FromSeconds(10), "the booking lapsed");
        return window;
    }

    private Task SightAsync(string plate, DateTimeOffset seenAt) =>
        _crossing.Gate.OnDeviceEvent(new DeviceEvent("cam-entrance", DeviceKind.PlateCamera, "plate-read", new Dictionary<string, string> { ["plate"] = plate }, seenAt));

    [Fact]
    public async Task SightingBeforeTheDeadline_HandledAfterTheNoShowSweep_StillAdmitsTheTruck()
    {
        var window = await LapseAsync("29C50002");
        var deadline = window.End + TestSites.Small().Policy.NoShowAfter;

        await SightAsync("29C50002", deadline - TimeSpan.FromMinutes(1));

        await Wait.WaitUntil(async () => (await _crossing.Truck("29C50002").Current())!.Status != TruckStatus.NoShow, TimeSpan.FromSeconds(10), "the sighting was handled");
        var trip = (await _crossing.Truck("29C50002").Current())!;
        Assert.Contains(trip.Status, new[] { TruckStatus.Waiting, TruckStatus.Called });
        Assert.Equal(["booked", "no-show", "arrived"], trip.Events.Select(e => e.Name).Take(3));
        Assert.StartsWith("late", trip.Events[2].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain((await _crossing.Gate.Snapshot()).Held, h => h.Plate == "29C50002");
    }

    [Fact]
    public async Task SightingReceivedInTime_ReachingABusyGateLongAfter_StillAdmitsTheTruck()
    {
        var window = await LapseAsync("29C50005");
        var deadline = window.End + TestSites.Small().Policy.NoShowAfter;

        // Seen and received before the deadline; the gate gets to it more than the allowed report delay later.
        _crossing.Cluster.TimeProvider.Advance(EntranceGrain.MaxSightingDelay + TimeSpan.FromMinutes(10));
        await _crossing.Gate.OnDeviceEvent(new DeviceEvent("cam-entrance", DeviceKind.PlateCamera, "plate-read",
            new Dictionary<string, string> { ["plate"] = "29C50005" }, deadline - TimeSpan.FromMinutes(2), ReceivedAt: deadline - TimeSpan.FromMinutes(1)));

        await Wait.WaitUntil(async () => (await _crossing.Truck("29C50005").Current())!.Status != TruckStatus.NoShow, TimeSpan.FromSeconds(10), "the sighting was handled");
        Assert.Equal(["booked", "no-show", "arrived"], (await _crossing.Truck("29C50005").Current())!.Events.Select(e => e.Name).Take(3));
        Assert.DoesNotContain((await _crossing.Gate.Snapshot()).Held, h => h.Plate == "29C50005");
    }

    [Fact]
    public async Task SightingAfterTheDeadline_OrReportedTooLate_IsHeldAtTheEntrance_AndStaysANoShow()
    {
        var window = await LapseAsync("29C50003");
        var deadline = window.End + TestSites.Small().Policy.NoShowAfter;
        await SightAsync("29C50003", deadline + TimeSpan.FromSeconds(30));

        // Sightings are one-way: this one is handled before the clock moves on (moving the test clock hours ahead while
        // the gate awaits a call would time that call out).
        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).Held.Count == 1, TimeSpan.FromSeconds(10), "the first sighting was handled");

        // A camera whose report claims a sighting before the deadline but reaches the gate more than the allowed delay later counts from now.
        var other = await LapseAsync("29C50004");
        var otherDeadline = other.End + TestSites.Small().Policy.NoShowAfter;
        _crossing.Cluster.TimeProvider.Advance(otherDeadline + EntranceGrain.MaxSightingDelay + TimeSpan.FromMinutes(1) - _crossing.Now);
        await SightAsync("29C50004", otherDeadline - TimeSpan.FromMinutes(1));

        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).Held.Count == 2, TimeSpan.FromSeconds(10), "both sightings were handled");
        var held = (await _crossing.Gate.Snapshot()).Held;
        foreach (var plate in new[] { "29C50003", "29C50004" })
        {
            Assert.Equal(TruckStatus.NoShow, (await _crossing.Truck(plate).Current())!.Status);
            Assert.Contains(held, h => h.Plate == plate && h.Reason.Contains("No valid declaration", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task HoldAndRelease_QueuedTruck()
    {
        await _crossing.Gate.CloseLane("lane-1", "op", "test");
        await _crossing.Gate.CloseLane("lane-2", "op", "test");
        await _crossing.BookAsync("29C60001");
        await _crossing.Gate.TruckArrived("29C60001");

        await _crossing.Gate.HoldTruck("29C60001", "supervisor-1", "seal check");
        Assert.Equal(TruckStatus.Held, (await _crossing.Truck("29C60001").Current())!.Status);
        Assert.Empty((await _crossing.Gate.Snapshot()).Queue);

        await _crossing.Gate.ReleaseTruck("29C60001", "supervisor-1");
        Assert.Equal(TruckStatus.Waiting, (await _crossing.Truck("29C60001").Current())!.Status);
        Assert.Single((await _crossing.Gate.Snapshot()).Queue);
        await Assert.ThrowsAsync<InvalidTripTransitionException>(() => _crossing.Gate.ReleaseTruck("29C60001", "supervisor-1"));
    }

    [Fact]
    public async Task Booking_FillsWindowsInOrder()
    {
        var layoutPolicy = TestSites.Small().Policy;
        var windows = new List<ArrivalWindow>();
        for (var i = 0; i < layoutPolicy.TripsPerWindow + 1; i++)
        {
            var trip = new TripRegistration($"w{i}", "c", $"29D{i:00000}", null, CargoKind.Empty, TripDirection.Import, "100000000001", 8_000, _crossing.Now);
            windows.Add(await _crossing.Ledger.Book(trip));
        }

        Assert.Equal(layoutPolicy.TripsPerWindow, windows.Count(w => w == windows[0]));
        Assert.Equal(windows[0].End, windows[^1].Start);
    }

    [Fact]
    public async Task BookingsStoredByAnOlderGate_AreHandedToTheLedgerOnce_AndWindowsKeepTheirLoad()
    {
        // The gate as it was before bookings had a grain of their own: its ledger in state "gate-bookings".
        var storage = _crossing.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        var policy = TestSites.Small().Policy;
        var windowStart = new DateTimeOffset(_crossing.Now.UtcTicks - (_crossing.Now.UtcTicks % policy.ArrivalWindow.Ticks), TimeSpan.Zero);
        var older = "{\"bookedCount\":3,\"windowLoad\":{\"" + (windowStart.ToUnixTimeSeconds() / 60).ToString(System.Globalization.CultureInfo.InvariantCulture)
            + "\":" + policy.TripsPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";
        await storage.WriteAsync("gate-bookings", new GrainId("gate", TestSites.CrossingId), Encoding.UTF8.GetBytes(older), null, CancellationToken.None);
        await _crossing.Cluster.RestartAsync();

        Assert.Equal(3, (await _crossing.Gate.Kpis()).TrucksByStatus[TruckStatus.Booked]);
        Assert.Null(await storage.ReadAsync("gate-bookings", new GrainId("gate", TestSites.CrossingId), CancellationToken.None));

        // The full window stays full: the next booking goes to the one after.
        var trip = new TripRegistration("t-older", "c", "29D99999", null, CargoKind.Empty, TripDirection.Import, "100000000001", 8_000, _crossing.Now);
        Assert.Equal(windowStart + policy.ArrivalWindow, (await _crossing.Ledger.Book(trip)).Start);

        await _crossing.Cluster.RestartAsync();
        Assert.Equal(4, (await _crossing.Gate.Kpis()).TrucksByStatus[TruckStatus.Booked]);
    }

    [Fact]
    public async Task GateState_SurvivesRestart()
    {
        await _crossing.Gate.CloseLane("lane-1", "op", "test");
        await _crossing.Gate.CloseLane("lane-2", "op", "test");
        await _crossing.BookAsync("29C70001");
        await _crossing.Gate.TruckArrived("29C70001");

        await _crossing.Cluster.RestartAsync();

        var view = await _crossing.Gate.Snapshot();
        Assert.Equal("29C70001", Assert.Single(view.Queue).Plate);
        Assert.All(view.Lanes, l => Assert.Equal(LaneMode.Closed, l.Mode));
    }

    [Fact]
    public async Task QueueStoredInSixteenParts_IsMovedToItsParts_AndATruckTakenOutStaysOut()
    {
        // A plate whose part was 0 of 16 and is another of 64 (parts by FNV-1a of the plate).
        static uint Fnv(string text) => text.Aggregate(2166136261u, (hash, c) => (hash ^ c) * 16777619u);
        var plate = Enumerable.Range(0, 10_000).Select(i => $"29C{80000 + i}").First(p => Fnv(p) % 16 == 0 && Fnv(p) % 64 != 0);
        var trip = await _crossing.BookAsync(plate);
        var storage = _crossing.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        var gateId = new GrainId("gate", TestSites.CrossingId);
        var part = "{\"trucks\":{\"" + plate + "\":{\"plate\":\"" + plate + "\",\"tripId\":\"" + trip.TripId + "\",\"cargo\":" + (int)CargoKind.Garments + ",\"direction\":" + (int)TripDirection.Export + ",\"arrivedAt\":\""
            + _crossing.Now.ToString("O") + "\",\"eligibleAt\":\"" + _crossing.Now.ToString("O") + "\",\"late\":false,\"order\":0}}}";
        var stored = await storage.ReadAsync("gate-queue-00", gateId, CancellationToken.None);
        await storage.WriteAsync("gate-queue-00", gateId, Encoding.UTF8.GetBytes(part), stored?.ETag, CancellationToken.None);
        foreach (var lane in (await _crossing.Gate.Snapshot()).Lanes)
        {
            await _crossing.Gate.CloseLane(lane.LaneId, "op", "queue parts test");
        }

        await _crossing.Cluster.RestartAsync();
        Assert.Equal(plate, Assert.Single((await _crossing.Gate.Snapshot()).Queue).Plate);
        Assert.DoesNotContain(plate, Encoding.UTF8.GetString((await storage.ReadAsync("gate-queue-00", gateId, CancellationToken.None))!.Json.Span), StringComparison.Ordinal);

        // Taken out of the queue (held), it stays out after a restart: no copy was left in its old part.
        await _crossing.Gate.HoldTruck(plate, "supervisor-1", "seal check");
        await _crossing.Cluster.RestartAsync();
        Assert.Empty((await _crossing.Gate.Snapshot()).Queue);
    }

    [Fact]
    public async Task LongQueue_StoredInParts_SurvivesRestart_InOrder_AndNewArrivalsQueueBehind()
    {
        foreach (var lane in (await _crossing.Gate.Snapshot()).Lanes)
        {
            await _crossing.Gate.CloseLane(lane.LaneId, "op", "queue test");
        }

        var plates = Enumerable.Range(0, 40).Select(i => $"29C{71000 + i}").ToList();
        foreach (var plate in plates)
        {
            await _crossing.BookAsync(plate);
            await _crossing.Gate.TruckArrived(plate);
        }

        await _crossing.Gate.HoldTruck(plates[5], "supervisor-1", "seal check");

        await _crossing.Cluster.RestartAsync();

        await _crossing.BookAsync("29C71888");
        await _crossing.Gate.TruckArrived("51D00000");
        var kpis = await _crossing.Gate.Kpis();
        await _crossing.Cluster.RestartAsync();

        // Bookings and held trucks are stored apart from the gate's state: they survive too.
        var after = await _crossing.Gate.Kpis();
        Assert.Equal((1, 2), (after.TrucksByStatus[TruckStatus.Booked], after.TrucksByStatus[TruckStatus.Held]));
        Assert.Equal(kpis.TrucksByStatus, after.TrucksByStatus);
        var view = await _crossing.Gate.Snapshot();
        Assert.Contains(view.Held, h => h.Plate == "51D00000" && h.Reason.Contains("No valid declaration", StringComparison.Ordinal));
        Assert.Equal(39, view.QueueLength);
        Assert.Equal(plates.Where((_, i) => i != 5), view.Queue.Select(q => q.Plate));
        Assert.Equal(Enumerable.Range(1, 39), view.Queue.Select(q => q.Position));

        await _crossing.BookAsync("29C71999");
        await _crossing.Gate.TruckArrived("29C71999");
        await _crossing.Gate.ReleaseTruck(plates[5], "supervisor-1");
        view = await _crossing.Gate.Snapshot();
        Assert.Equal(41, view.QueueLength);
        Assert.Equal(["29C71999", plates[5]], view.Queue.TakeLast(2).Select(q => q.Plate));

        await _crossing.Gate.OpenLane("lane-1", "op");
        var called = (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == "lane-1").Plate;
        Assert.Equal(plates[0], called);
        Assert.Equal(40, (await _crossing.Gate.Snapshot()).QueueLength);
    }
}
