using System.Text;
using System.Text.Json.Nodes;
using BorderGate.Actors;
using BorderGate.Actors.Storage;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Transfer;
using BorderGate.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Grains.Tests.Flow;

/// <summary>The container transfer apart from the gate: a full yard, a restart in the middle, an older gate's stored state.</summary>
public sealed class TransferTests : IAsyncLifetime
{
    private readonly CrossingFixture _crossing = new();

    public Task InitializeAsync() => _crossing.InitializeAsync();

    public Task DisposeAsync() => _crossing.DisposeAsync();

    private ITransferGrain Transfer => _crossing.Cluster.GrainFactory.GetGrain<ITransferGrain>(TestSites.CrossingId);

    private IYardGrain Yard => _crossing.Cluster.GrainFactory.GetGrain<IYardGrain>(TestSites.CrossingId);

    private IDriverlessTruckGrain Vehicle => _crossing.Cluster.GrainFactory.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(TestSites.CrossingId, "agv-01"));

    private static Task Until(Func<Task<bool>> condition, string what) => Wait.WaitUntil(condition, TimeSpan.FromSeconds(10), what);

    private Task InTransferAsync(string plate, string container = "CSQU3054383") => _crossing.InTransferAsync(plate, container);

    /// <summary>The yard full, the only vehicle taken, and <paramref name="plate"/> handed over: the transfer finds no slot for it.</summary>
    private async Task WaitingForASlotAsync(string plate)
    {
        await FillYardAsync();
        await Vehicle.ReserveFor("FULL0000000");
        await InTransferAsync(plate);
        await Transfer.Begin(plate);
        await Until(async () => (await Transfer.Status()).YardFull, "the transfer finds the yard full");
    }

    private async Task FillYardAsync()
    {
        var capacity = (await Yard.Level()).Capacity;
        for (var i = 0; i < capacity; i++)
        {
            var reservation = (await Yard.Reserve($"FULL{i:0000000}"))!;
            await Yard.Occupy(reservation.SlotId, reservation.ContainerNumber);
        }
    }

    /// <summary>
    /// More trucks at once than one turn starts (they are started side by side, sharing their writes): the one vehicle
    /// takes one container, every other goes to a slot of its own, and every decision is stored (a restart repeats none).
    /// </summary>
    [Fact]
    public async Task ManyTrucksAtOnce_StartedSideBySide_EachContainerToAPlaceOfItsOwn()
    {
        var plates = Enumerable.Range(0, TransferGrain.MaxStartedPerTurn + 2).Select(i => $"29C4{i:0000}").ToList();
        foreach (var plate in plates)
        {
            await InTransferAsync(plate, $"TEST{plate[3..]}");
        }

        await Task.WhenAll(plates.Select(p => Transfer.Begin(p)));
        await Until(async () => (await Transfer.Status()).Pending.Count == 0, "every truck started");

        var trips = await Task.WhenAll(plates.Select(p => _crossing.Truck(p).Current()));
        Assert.Single(trips, t => t!.Events[^1].Name == TripEventNames.ToDriverlessTruck);
        var slots = trips.Where(t => t!.Events[^1].Name == TripEventNames.SlotReserved).Select(t => t!.SlotId).ToList();
        Assert.Equal(plates.Count - 1, slots.Count);
        Assert.Equal(slots.Count, slots.Distinct().Count());
        var yard = await Yard.Snapshot();
        Assert.All(slots, slot => Assert.Contains(yard.Slots, s => s.SlotId == slot && s.State == SlotState.Reserved));

        // Stored: after a restart nothing is decided again (no second vehicle, no further slot).
        await _crossing.Cluster.RestartAsync();
        await _crossing.WakeGateAsync();
        Assert.Empty((await Transfer.Status()).Pending);
        Assert.Equal(slots.Count, (await Yard.Snapshot()).Slots.Count(s => s.State == SlotState.Reserved));
    }

    [Fact]
    public async Task FullYard_TruckWaitsInTransfer_AndTakesTheSlotAVehicleFrees()
    {
        await WaitingForASlotAsync("29C40001");
        Assert.Equal(["29C40001"], (await Transfer.Status()).Pending);
        Assert.DoesNotContain(_crossing.Hardware.SentTo("ctl-crane-1"), c => c.Name == "move");

        // A crane lifts a container out of the yard onto the vehicle: its slot is the truck's.
        var slot = (await Yard.Snapshot()).Slots.Single(s => s.ContainerNumber == "FULL0000000").SlotId;
        await Transfer.OnCraneJobDone("crane-1", new CraneJob(
            "FULL0000000/load", "FULL0000000", new ContainerPlace(PlaceKind.Slot, slot, 300), new ContainerPlace(PlaceKind.DriverlessTruck, "agv-01", 360)));

        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move" && c.Args["from"] == "Truck:29C40001")), "the truck's container is moved");
        var move = _crossing.Hardware.SentTo("ctl-crane-1").Single(c => c.Name == "move");
        Assert.Equal($"Slot:{slot}", move.Args["to"]);
        var status = await Transfer.Status();
        Assert.Empty(status.Pending);
        Assert.False(status.YardFull);
    }

    [Fact]
    public async Task FullYard_NoVehicleFree_TheTransferWaitsQuietly_ItDoesNotSpin()
    {
        await WaitingForASlotAsync("29C40004");

        // Nothing can move until a slot or a vehicle frees: the transfer's timers stay still (a bug once re-armed its work
        // forever: 283,291 turns in half a second).
        long ticks = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "bordergate.actors.timer.ticks")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "bordergate.grain.type", Value: "transfer" })
                {
                    Interlocked.Add(ref ticks, value);
                }
            }
        });
        listener.Start();
        await Task.Delay(300);
        Assert.True(Interlocked.Read(ref ticks) < 20, $"{ticks} timer ticks of the transfer in 300 ms");
        Assert.Equal(["29C40004"], (await Transfer.Status()).Pending);
    }

    [Fact]
    public async Task FullYard_SlotFreedWithoutAMove_IsFoundOnTheRetry()
    {
        await WaitingForASlotAsync("29C40002");

        // A slot frees without the transfer hearing of it (an operator cleared it): the next retry finds it.
        var slot = (await Yard.Snapshot()).Slots.First().SlotId;
        await Yard.Vacate(slot, (await Yard.Snapshot()).Slots.First().ContainerNumber!);
        _crossing.Cluster.TimeProvider.Advance(TimeSpan.FromMinutes(1));

        await Until(() => Task.FromResult(_crossing.Hardware.SentTo("ctl-crane-1").Any(c => c.Name == "move" && c.Args["from"] == "Truck:29C40002")), "the truck's container is moved");
        Assert.Equal($"Slot:{slot}", _crossing.Hardware.SentTo("ctl-crane-1").Single(c => c.Name == "move").Args["to"]);
    }

    [Fact]
    public async Task TruckHandedOverAgain_AfterARestart_IsTakenOnce()
    {
        _crossing.Hardware.HoldAcks("ctl-crane-1");
        try
        {
            await InTransferAsync("29C40003");
            await Transfer.Begin("29C40003");
            await Until(async () => (await Transfer.Status()).Pending.Count == 0, "the container is on its way");

            await _crossing.Cluster.RestartAsync();
            await Transfer.Begin("29C40003");
            await Until(async () => (await Transfer.Status()).Pending.Count == 0, "the second hand-over is dealt with");

            var trip = (await _crossing.Truck("29C40003").Current())!;
            Assert.Single(trip.Events, e => e.Name == TripEventNames.ToDriverlessTruck);
            var crane = await _crossing.Cluster.GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(TestSites.CrossingId, "crane-1")).Status();
            Assert.Single(new[] { crane.Current }.Concat(crane.Queue), j => j?.ContainerNumber == trip.Trip.ContainerNumber);
        }
        finally
        {
            _crossing.Hardware.ReleaseAcks("ctl-crane-1");
        }
    }

    [Theory]
    [InlineData("yard")]
    [InlineData("yard-A")]
    public async Task YardStoredWholeOrByBlock_IsMovedToItsParts_AndWhatChangesAfterSurvivesARestart(string olderRecord)
    {
        // The yard as it was stored before parts: one record with every slot, or one per block (here one occupied slot and
        // one reserved).
        var storage = _crossing.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        var yardId = new GrainId("yard", TestSites.CrossingId);
        var slots = new JsonObject
        {
            ["A-01-01"] = new JsonObject { ["blockId"] = "A", ["state"] = (int)SlotState.Occupied, ["containerNumber"] = "MSKU1234565" },
            ["A-01-02"] = new JsonObject { ["blockId"] = "A", ["state"] = (int)SlotState.Reserved, ["containerNumber"] = "CSQU3054383", ["expiresAt"] = _crossing.Now.AddHours(1).ToString("O") },
        };
        await storage.WriteAsync(olderRecord, yardId, Encoding.UTF8.GetBytes(new JsonObject { ["slots"] = slots }.ToJsonString()), null, CancellationToken.None);
        for (var part = 0; part < 10; part++)
        {
            if (await storage.ReadAsync($"yard-A-{part:00}", yardId, CancellationToken.None) is { } stored)
            {
                // The gate woke the yard already (flow control reads its level): as if that had been before parts.
                await storage.ClearAsync($"yard-A-{part:00}", yardId, stored.ETag, CancellationToken.None);
            }
        }

        await _crossing.Cluster.RestartAsync();
        var view = await Yard.Snapshot();
        Assert.Equal((1, 1), (view.Occupied, view.Reserved));
        Assert.Equal("MSKU1234565", view.Slots.Single(s => s.SlotId == "A-01-01").ContainerNumber);
        Assert.Null(await storage.ReadAsync(olderRecord, yardId, CancellationToken.None));
        Assert.NotNull(await storage.ReadAsync("yard-A-00", yardId, CancellationToken.None));

        await Yard.Occupy("A-01-02", "CSQU3054383");
        await Yard.Vacate("A-01-01", "MSKU1234565");
        await _crossing.Cluster.RestartAsync();
        view = await Yard.Snapshot();
        Assert.Equal((1, 0), (view.Occupied, view.Reserved));
        Assert.Equal(SlotState.Occupied, view.Slots.Single(s => s.SlotId == "A-01-02").State);
        Assert.Equal(SlotState.Free, view.Slots.Single(s => s.SlotId == "A-01-01").State);
    }

    [Fact]
    public async Task OlderGatesHandover_KeepsAVehicleThatReportedFreeToTheTransferFirst()
    {
        await Transfer.OnVehicleIdle("agv-01");
        await Transfer.Adopt(new TransferHandover([], [], new Dictionary<string, string>(), 0, 0));
        Assert.Equal(["agv-01"], (await Transfer.Status()).IdleVehicles);
    }

    [Fact]
    public async Task GateStoredBeforeTheTransferHadAGrain_HandsItsVehiclesAndYardContainersOverOnce()
    {
        // The gate as it was: the driverless trucks and the containers waiting for them in its own state.
        var storage = _crossing.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        var gateId = new GrainId("gate", TestSites.CrossingId);
        var stored = await storage.ReadAsync("gate", gateId, CancellationToken.None);
        var gate = stored is null ? new JsonObject() : JsonNode.Parse(stored.Json.Span)!.AsObject();
        gate["idleVehicles"] = new JsonArray();
        gate["awaitingVehicle"] = new JsonArray(new JsonObject { ["containerNumber"] = "MSKU1234565", ["slotId"] = "A-1-01" });
        gate["brokenVehicles"] = new JsonObject { ["agv-01"] = "lidar fault" };
        gate["containersCrossed"] = 3;
        await storage.WriteAsync("gate", gateId, Encoding.UTF8.GetBytes(gate.ToJsonString()), stored?.ETag, CancellationToken.None);
        await _crossing.Cluster.RestartAsync();

        await _crossing.WakeGateAsync();
        var status = await Transfer.Status();
        Assert.Empty(status.IdleVehicles);
        Assert.Equal([new YardContainer("MSKU1234565", "A-1-01")], status.AwaitingVehicle);
        Assert.Equal("lidar fault", status.BrokenVehicles["agv-01"]);
        Assert.Equal(3, status.ContainersCrossed);
        var after = JsonNode.Parse((await storage.ReadAsync("gate", gateId, CancellationToken.None))!.Json.Span)!.AsObject();
        Assert.Empty(after["awaitingVehicle"]!.AsArray());

        // Handed over once: a second restart neither doubles the count nor loses the container.
        await _crossing.Cluster.RestartAsync();
        await _crossing.WakeGateAsync();
        status = await Transfer.Status();
        Assert.Equal(3, status.ContainersCrossed);
        Assert.Single(status.AwaitingVehicle);
    }

    /// <summary>
    /// The containers waiting in the yard, stored whole before parts (state "transfer-yard"), are moved to their parts on
    /// activation, oldest first as they were; the order survives restarts.
    /// </summary>
    [Fact]
    public async Task YardContainersStoredWhole_AreMovedToTheirParts_InOrder_AndSurviveRestarts()
    {
        var storage = _crossing.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.Default);
        var transferId = new GrainId("transfer", TestSites.CrossingId);
        YardContainer[] waiting = [new("MSKU1234565", "A-1-01"), new("CSQU3054383", "A-1-02"), new("TGHU9876544", "A-1-03")];
        var containers = new JsonArray([.. waiting.Select(c => (JsonNode)new JsonObject { ["containerNumber"] = c.ContainerNumber, ["slotId"] = c.SlotId })]);
        await storage.WriteAsync("transfer-yard", transferId, Encoding.UTF8.GetBytes(new JsonObject { ["containers"] = containers }.ToJsonString()), null, CancellationToken.None);

        // No vehicle free, so that nobody takes them while the test looks.
        var transfer = await storage.ReadAsync("transfer", transferId, CancellationToken.None);
        var state = transfer is null ? new JsonObject() : JsonNode.Parse(transfer.Json.Span)!.AsObject();
        state["idleVehicles"] = new JsonArray();
        await storage.WriteAsync("transfer", transferId, Encoding.UTF8.GetBytes(state.ToJsonString()), transfer?.ETag, CancellationToken.None);
        await _crossing.Cluster.RestartAsync();

        Assert.Equal(waiting, (await Transfer.Status()).AwaitingVehicle);
        Assert.Null(await storage.ReadAsync("transfer-yard", transferId, CancellationToken.None));

        await _crossing.Cluster.RestartAsync();
        Assert.Equal(waiting, (await Transfer.Status()).AwaitingVehicle);
    }
}
