using BorderGate.Actors;
using BorderGate.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Flow;

/// <summary>
/// A truck through the whole crossing, driven by device messages as the endpoint delivers them: entrance
/// camera, lane camera, weighbridge, barrier, crane controller, vehicle controller.
/// </summary>
public sealed class TruckFlowTests : IAsyncLifetime
{
    private readonly CrossingFixture _crossing = new();

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private IDeviceGrain Device(string id) => _crossing.Cluster.GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(TestSites.CrossingId, id));

    private Task Telemetry(string device, string name, params (string Key, string Value)[] data) =>
        Device(device).OnTelemetry(name, data.ToDictionary(d => d.Key, d => d.Value), _crossing.Now);

    private async Task<TripView> TripOf(string plate) => (await _crossing.Truck(plate).Current())!;

    private Task Until(Func<Task<bool>> condition, string what) => Wait.WaitUntil(condition, TimeSpan.FromSeconds(10), what);

    /// <summary>A booked truck from the entrance through a lane (green channel) until it leaves the lane.</summary>
    private async Task ThroughTheLaneAsync(string plate)
    {
        await Telemetry("cam-entrance", "plate-read", ("plate", plate));
        await Until(async () => (await TripOf(plate)).Status == TruckStatus.Called, $"{plate} is called");
        var lane = (await TripOf(plate)).LaneId!;
        await Telemetry($"cam-{lane}", "plate-read", ("plate", plate));
        await Telemetry($"wb-{lane}", "weight", ("kg", "20010"), ("stable", "true"));
        await _crossing.UntilLeavingAsync(lane);
        _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.BarrierPass);
    }

    private async Task ConnectAllAsync()
    {
        foreach (var device in TestSites.Small().Devices())
        {
            await Device(device.DeviceId).OnConnectionChanged(true, _crossing.Now);
        }
    }

    [Fact]
    public async Task ExportTruck_GreenChannel_FromEntranceToContainerOverTheBorder()
    {
        await ConnectAllAsync();
        await _crossing.BookAsync("29C12345", CargoKind.Garments);

        await Telemetry("cam-entrance", "plate-read", ("plate", "29C12345"));
        await Until(async () => (await TripOf("29C12345")).Status == TruckStatus.Called, "the truck is called");
        var lane = (await TripOf("29C12345")).LaneId!;

        await Telemetry($"cam-{lane}", "plate-read", ("plate", "29C12345"));
        await Telemetry($"wb-{lane}", "weight", ("kg", "19950"), ("stable", "false"));
        await Telemetry($"wb-{lane}", "weight", ("kg", "20010"), ("stable", "true"));
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo($"bar-{lane}").Any(c => c.Name == "open")), "the barrier is told to open");

        await _crossing.UntilLeavingAsync(lane);
        _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.BarrierPass);
        await Until(async () => (await TripOf("29C12345")).Status == TruckStatus.Transfer, "the truck left the lane");
        Assert.Contains(_crossing.Hardware.SentTo($"bar-{lane}"), c => c.Name == "close");

        // A driverless truck is idle at the yard: the crane moves the container straight onto it.
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move")), "the crane is told to move");
        var move = _crossing.Hardware.SentTo("ctl-crane-1").First(c => c.Name == "move");
        Assert.Equal("Truck:29C12345", move.Args["from"]);
        Assert.Equal("DriverlessTruck:agv-01", move.Args["to"]);
        await Telemetry("ctl-crane-1", "move-done", ("jobId", move.Args["jobId"]));

        await Until(async () => (await TripOf("29C12345")).Status == TruckStatus.Completed, "the trip is complete");
        var trip = await TripOf("29C12345");
        Assert.NotNull(trip.TurnTime);
        Assert.Equal(
            ["booked", "arrived", "called", "plate read", "weighed", "customs channel", "barrier opened", "left lane", "to driverless truck", "completed"],
            trip.Events.Select(e => e.Name));

        // The vehicle drives to the border, hands the container over and comes back.
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-agv-01").Any(c => c.Name == "drive" && c.Args["segment"] == "s1")), "the vehicle drives out");
        await Telemetry("ctl-agv-01", "position", ("waypoint", "handoff"));
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-agv-01").Any(c => c.Name == "drive" && c.Args["segment"] == "s1r")), "the vehicle drives back");
        await Telemetry("ctl-agv-01", "position", ("waypoint", "yard"));
        var vehicle = _crossing.Cluster.GrainFactory.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(TestSites.CrossingId, "agv-01"));
        await Until(async () => (await vehicle.Status()).Mode == VehicleMode.Idle, "the vehicle is back and idle");

        var kpis = await _crossing.Gate.Kpis();
        Assert.Equal(1, kpis.TrucksByStatus[TruckStatus.Completed]);
        Assert.Equal(1, kpis.CompletedLastHour);
        Assert.Equal(0, kpis.TrucksByStatus[TruckStatus.Transfer]);

        // The gate stores a completion the transfer reports on its clock (the transfer does not wait for it): after the
        // next tick it survives a restart, counted once.
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(1));
        await Until(async () => (await _crossing.Gate.Kpis()).TrucksByStatus[TruckStatus.Completed] == 1, "the clock ticked");
        await Task.Delay(200);
        await _crossing.Cluster.RestartAsync();
        var after = await _crossing.Gate.Kpis();
        Assert.Equal(1, after.TrucksByStatus[TruckStatus.Completed]);
        Assert.Equal(0, after.TrucksByStatus[TruckStatus.Transfer]);
        Assert.Equal(kpis.AverageTurn, after.AverageTurn);
    }

    /// <summary>
    /// A completion the gate had not stored yet when the silo stopped hard is not lost: the truck is still in transfer for
    /// the gate after the restart, handed to the transfer again, found completed and reported again; counted once.
    /// </summary>
    [Fact]
    public async Task CompletionNotYetStored_WhenTheSiloStops_IsReportedAgainAfterTheRestart_CountedOnce()
    {
        await ConnectAllAsync();
        await _crossing.BookAsync("29C12346", CargoKind.Garments);
        await ThroughTheLaneAsync("29C12346");
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move")), "the crane is told to move");
        var move = _crossing.Hardware.SentTo("ctl-crane-1").First(c => c.Name == "move");
        await Telemetry("ctl-crane-1", "move-done", ("jobId", move.Args["jobId"]));
        await Until(async () => (await _crossing.Gate.Kpis()).TrucksByStatus[TruckStatus.Completed] == 1, "the gate heard");

        // The silo stops hard before the gate's clock stored it: what storage holds then is what it holds now.
        var storage = _crossing.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        var gateId = new GrainId("gate", TestSites.CrossingId);
        var before = new Dictionary<string, byte[]?>();
        foreach (var name in new[] { "gate", "gate-kpis", "gate-kpis-recent" })
        {
            before[name] = (await storage.ReadAsync(name, gateId, CancellationToken.None))?.Json.ToArray();
        }

        await _crossing.Cluster.RestartAsync();
        storage = _crossing.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        foreach (var (name, json) in before)
        {
            var now = await storage.ReadAsync(name, gateId, CancellationToken.None);
            if (json is null)
            {
                if (now is not null)
                {
                    await storage.ClearAsync(name, gateId, now.ETag, CancellationToken.None);
                }
            }
            else
            {
                await storage.WriteAsync(name, gateId, json, now?.ETag, CancellationToken.None);
            }
        }

        await _crossing.Cluster.RestartAsync();
        await _crossing.WakeGateAsync();

        await Until(async () => (await _crossing.Gate.Kpis()).TrucksByStatus[TruckStatus.Completed] == 1, "reported again");
        var kpis = await _crossing.Gate.Kpis();
        Assert.Equal(0, kpis.TrucksByStatus[TruckStatus.Transfer]);
        Assert.Equal(1, kpis.ThroughputByHour.Sum(h => h.Completed));
    }

    [Fact]
    public async Task SecondExport_NoVehicleFree_GoesThroughAYardSlot_ThenOntoTheVehicle()
    {
        await ConnectAllAsync();
        var vehicle = _crossing.Cluster.GrainFactory.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(TestSites.CrossingId, "agv-01"));
        await vehicle.ReserveFor("BUSY0000000"); // the only vehicle is taken
        await _crossing.BookAsync("29C55555", CargoKind.Electronics);
        await Telemetry("cam-entrance", "plate-read", ("plate", "29C55555"));
        await Until(async () => (await TripOf("29C55555")).Status == TruckStatus.Called, "called");
        var lane = (await TripOf("29C55555")).LaneId!;
        await Telemetry($"cam-{lane}", "plate-read", ("plate", "29C55555"));
        await Telemetry($"wb-{lane}", "weight", ("kg", "20000"), ("stable", "true"));
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo($"bar-{lane}").Any(c => c.Name == "open")), "barrier opening");
        await _crossing.UntilLeavingAsync(lane);
        _crossing.Cluster.TimeProvider.Advance(_crossing.Timings.BarrierPass);

        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move")), "the crane is told to move");
        var move = _crossing.Hardware.SentTo("ctl-crane-1").First(c => c.Name == "move");
        Assert.StartsWith("Slot:A-", move.Args["to"], StringComparison.Ordinal);
        await Telemetry("ctl-crane-1", "move-done", ("jobId", move.Args["jobId"]));
        await Until(async () => (await TripOf("29C55555")).Status == TruckStatus.Completed, "complete");

        var yard = await _crossing.Cluster.GrainFactory.GetGrain<IYardGrain>(TestSites.CrossingId).Snapshot();
        Assert.Equal(1, yard.Occupied);
        Assert.Equal("CSQU3054383", yard.Slots.Single(s => s.State == SlotState.Occupied).ContainerNumber);
    }

    [Fact]
    public async Task CraneEnqueue_AnswersOnceTheJobIsStored_TheMoveStartsWithoutTheCallerWaitingForTheAck()
    {
        await ConnectAllAsync();
        _crossing.Hardware.HoldAcks("ctl-crane-1");
        var crane = _crossing.Cluster.GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(TestSites.CrossingId, "crane-1"));
        var job = new CraneJob("trip-1/unload", "CSQU3054383", new ContainerPlace(PlaceKind.Truck, "29C77777", 10), new ContainerPlace(PlaceKind.Slot, "A-1-01", 40));

        try
        {
            // The gate queues jobs from its own turn, busy with every truck: it must not wait for the controller.
            await crane.Enqueue(job).WaitAsync(TimeSpan.FromSeconds(5));
            await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move")), "move sent");
        }
        finally
        {
            _crossing.Hardware.ReleaseAcks("ctl-crane-1");
        }

        var moving = await crane.Status();
        Assert.Equal(CraneMode.Moving, moving.Mode);
        Assert.Equal("trip-1/unload", moving.Current?.JobId);

        // The same job queued again (a retried call) is not run twice; the crane has it in hand.
        Assert.True(await crane.Enqueue(job).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty((await crane.Status()).Queue);
        Assert.Single(_crossing.Hardware.SentTo("ctl-crane-1"), c => c.Name == "move");
    }

    [Fact]
    public async Task CraneEnqueue_OfAJobDoneAlready_SaysSo_AndMovesNothing()
    {
        await ConnectAllAsync();
        var crane = _crossing.Cluster.GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(TestSites.CrossingId, "crane-1"));
        var job = new CraneJob("trip-9/unload", "CSQU3054383", new ContainerPlace(PlaceKind.Truck, "29C77779", 290), new ContainerPlace(PlaceKind.Slot, "A-01-01", 290));
        Assert.True(await crane.Enqueue(job));
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move")), "move sent");
        await Telemetry("ctl-crane-1", "move-done", ("jobId", "trip-9/unload"));
        await Until(async () => (await crane.Status()).Mode == CraneMode.Idle, "the move is done");

        // Handed over again (the transfer repeats its steps after a restart): the crane did it, and says so.
        Assert.False(await crane.Enqueue(job));
        Assert.Single(_crossing.Hardware.SentTo("ctl-crane-1"), c => c.Name == "move");
        Assert.Empty((await crane.Status()).Queue);
    }

    [Fact]
    public async Task CraneQueue_LoadOfAWaitingDriverlessTruck_GoesAheadOfUnloadsQueuedBeforeIt()
    {
        await ConnectAllAsync();
        var crane = _crossing.Cluster.GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(TestSites.CrossingId, "crane-1"));
        CraneJob Unload(string plate, string container) =>
            new($"{plate}/unload", container, new ContainerPlace(PlaceKind.Truck, plate, 10), new ContainerPlace(PlaceKind.Slot, "A-1-01", 40));

        // A faulted crane keeps its jobs queued: two unloads, then a load onto a vehicle standing at the yard.
        await Device("ctl-crane-1").OnFault("hoist-fault", "hoist brake", _crossing.Now);
        await Until(async () => (await crane.Status()).Mode == CraneMode.Faulted, "the crane is faulted");
        await crane.Enqueue(Unload("29C77771", "CSQU3054383"));
        await crane.Enqueue(Unload("29C77772", "MSCU1234566"));
        await crane.Enqueue(new CraneJob("load-1", "HLXU1234565", new ContainerPlace(PlaceKind.Slot, "A-1-02", 46), new ContainerPlace(PlaceKind.DriverlessTruck, "agv-01", 60)));
        Assert.Equal(["load-1", "29C77771/unload", "29C77772/unload"], (await crane.Status()).Queue.Select(j => j.JobId));

        // The operator clears the fault: back in service, the crane moves the load first.
        await Device("ctl-crane-1").ClearFault();
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move")), "move sent");
        Assert.Equal("load-1", _crossing.Hardware.SentTo("ctl-crane-1").First(c => c.Name == "move").Args["jobId"]);
    }

    [Fact]
    public async Task CraneFaultMidMove_ContainerLeftOnTheHoist_JobBackAtTheHeadOfTheQueue()
    {
        await ConnectAllAsync();
        await _crossing.BookAsync("29C77777", CargoKind.Garments);
        await ThroughTheLaneAsync("29C77777");
        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move")), "move sent");

        await Device("ctl-crane-1").OnFault("hoist-fault", "hoist brake", _crossing.Now);
        var crane = _crossing.Cluster.GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(TestSites.CrossingId, "crane-1"));
        await Until(async () => (await crane.Status()).Mode == CraneMode.Faulted, "the crane is faulted");
        var status = await crane.Status();
        Assert.Null(status.Current);
        Assert.Equal("29C77777", Assert.Single(status.Queue).From.Id);
        Assert.Equal(PlaceKind.Truck, status.ContainersOnHoist["CSQU3054383"].Kind);
        Assert.Equal(TruckStatus.Transfer, (await TripOf("29C77777")).Status);
    }
}
