using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Trips;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Lanes;

public sealed class LaneGrainTests : IAsyncLifetime
{
    private readonly CrossingFixture _crossing = new();

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private async Task<string> CallToLaneAsync(string plate, int declaredKg = 20_000)
    {
        var trip = new TripRegistration($"trip-{plate}", "company-1", plate, "CSQU3054383", CargoKind.Garments, TripDirection.Export, "100000000001", declaredKg, _crossing.Now);
        await _crossing.Truck(plate).Register(TestSites.CrossingId, trip, await _crossing.Ledger.Book(trip));
        await _crossing.Gate.TruckArrived(plate);

        // The lane calls its truck in a turn of its own, after answering the gate.
        await Wait.WaitUntil(async () => (await _crossing.Truck(plate).Current())!.Status == TruckStatus.Called, TimeSpan.FromSeconds(10), "called");
        return (await _crossing.Truck(plate).Current())!.LaneId!;
    }

    private Task Device(string laneId, string device, string name, params (string Key, string Value)[] data) =>
        _crossing.Lane(laneId).OnDeviceEvent(new DeviceEvent($"{device}-{laneId}", device == "cam" ? DeviceKind.PlateCamera : DeviceKind.Weighbridge, name,
            data.ToDictionary(d => d.Key, d => d.Value), _crossing.Now));

    private Task<LaneStep> StepOf(string laneId) => _crossing.Lane(laneId).Status().ContinueWith(t => t.Result.Step, TaskScheduler.Default);

    [Fact]
    public async Task TruckAssignedButNotYetCalled_IsCalledWhenTheLaneComesBack()
    {
        // The lane stored its truck, but the truck could not be called yet (still booked), as if the silo had stopped before
        // the call went out; while the lane is down, the truck is ready.
        var trip = new TripRegistration("trip-29C66666", "company-1", "29C66666", "CSQU3054383", CargoKind.Garments, TripDirection.Export, "100000000001", 20_000, _crossing.Now);
        await _crossing.Truck("29C66666").Register(TestSites.CrossingId, trip, await _crossing.Ledger.Book(trip));
        await _crossing.Lane("lane-1").Assign(new QueueEntry("29C66666", trip.TripId, trip.Cargo, trip.Direction, _crossing.Now, _crossing.Now, false, 0));
        await Wait.WaitUntil(async () => (await _crossing.Lane("lane-1").Status()) is { Step: LaneStep.AwaitingTruck, Plate: "29C66666" }, TimeSpan.FromSeconds(10), "the lane stored its truck");
        await _crossing.Cluster.RestartAsync();
        await _crossing.Truck("29C66666").Advance(new TripTransition(TruckStatus.Waiting, TripEventNames.Arrived));

        // The lane comes back (asked for its state) and calls the truck it holds.
        Assert.Equal(LaneStep.AwaitingTruck, await StepOf("lane-1"));
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C66666").Current())!.Status == TruckStatus.Called, TimeSpan.FromSeconds(10), "called after the restart");
        var called = (await _crossing.Truck("29C66666").Current())!;
        Assert.Equal("lane-1", called.LaneId);
        Assert.Single(called.Events, e => e.Name == TripEventNames.Called);
    }

    [Fact]
    public async Task PlateRead_OfAnotherTruck_IsIgnored_TheCalledOneStartsTheChecks()
    {
        var lane = await CallToLaneAsync("29C11111");

        await Device(lane, "cam", "plate-read", ("plate", "51D99999"));
        await Device(lane, "cam", "plate-read", ("plate", "29C11111"));

        await Wait.WaitUntil(async () => await StepOf(lane) == LaneStep.Weighing, TimeSpan.FromSeconds(10), "the lane weighs the called truck");
        var trip = (await _crossing.Truck("29C11111").Current())!;
        Assert.Equal(TruckStatus.InLane, trip.Status);
        Assert.Single(trip.Events, e => e.Name == "plate read");
    }

    [Fact]
    public async Task Weighbridge_UnstableReadingsDoNotCount_Overweight_IsHeldWithReason()
    {
        var lane = await CallToLaneAsync("29C22222", declaredKg: 20_000);
        await Device(lane, "cam", "plate-read", ("plate", "29C22222"));
        await Device(lane, "wb", "weight", ("kg", "20100"), ("stable", "false"));
        await Device(lane, "wb", "weight", ("kg", "31000"), ("stable", "true"));
        await Device(lane, "wb", "weight", ("kg", "20000"), ("stable", "true"));

        await Wait.WaitUntil(async () => (await _crossing.Truck("29C22222").Current())!.Status == TruckStatus.Held, TimeSpan.FromSeconds(10), "the truck is held");
        var trip = (await _crossing.Truck("29C22222").Current())!;
        Assert.Contains("31000 kg", trip.HeldReason, StringComparison.Ordinal);
        Assert.Single(trip.Events, e => e.Name == "weighed");
        Assert.Equal(LaneStep.Idle, await StepOf(lane));
        Assert.Contains((await _crossing.Gate.Snapshot()).Held, h => h.Plate == "29C22222");
    }

    [Fact]
    public async Task NoStableReading_TruckGoesBackToTheQueue_AfterTheWeighTimeout()
    {
        var lane = await CallToLaneAsync("29C44444");
        await Device(lane, "cam", "plate-read", ("plate", "29C44444"));
        await Device(lane, "wb", "weight", ("kg", "20100"), ("stable", "false"));
        await Wait.WaitUntil(async () => await StepOf(lane) == LaneStep.Weighing, TimeSpan.FromSeconds(10), "weighing");

        _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.WeighTimeout);
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C44444").Current())!.Events.Any(e => e.Name == "returned to queue"),
            TimeSpan.FromSeconds(10), "returned");
        Assert.Contains("no stable weighbridge reading", (await _crossing.Truck("29C44444").Current())!.Events.Last(e => e.Name == "returned to queue").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceFault_TakesLaneOutOfDispatch_TruckGoesBackToTheHeadOfTheQueue()
    {
        var lane = await CallToLaneAsync("29C33333");
        await Device(lane, "cam", "plate-read", ("plate", "29C33333"));

        await _crossing.Lane(lane).OnDeviceEvent(new DeviceEvent($"wb-{lane}", DeviceKind.Weighbridge, "load-cell-fault",
            new Dictionary<string, string> { ["message"] = "cell 3 open circuit" }, _crossing.Now, IsFault: true));

        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == lane).Mode == LaneMode.Faulted,
            TimeSpan.FromSeconds(10), "the lane left dispatch");
        // It went straight to the other lane (it was at the head of the queue).
        await Wait.WaitUntil(async () => (await _crossing.Truck("29C33333").Current())!.Status == TruckStatus.Called, TimeSpan.FromSeconds(10), "called again");
        var trip = (await _crossing.Truck("29C33333").Current())!;
        Assert.Contains(trip.Events, e => e.Name == "returned to queue" && e.Detail!.Contains("load-cell-fault", StringComparison.Ordinal));
        Assert.NotEqual(lane, trip.LaneId);

        await _crossing.Lane(lane).OnDeviceEvent(new DeviceEvent($"wb-{lane}", DeviceKind.Weighbridge, "fault-cleared", new Dictionary<string, string>(), _crossing.Now));
        await Wait.WaitUntil(async () => (await _crossing.Gate.Snapshot()).Lanes.Single(l => l.LaneId == lane).Mode == LaneMode.Open,
            TimeSpan.FromSeconds(10), "the lane rejoined dispatch");
    }
}
