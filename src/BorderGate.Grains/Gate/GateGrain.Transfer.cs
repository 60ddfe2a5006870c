using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Gate;

public sealed partial class GateGrain
{
    /// <summary>
    /// An export truck past its checks: a yard slot is reserved for its container and a crane of that
    /// block lifts it off. A trip without a container (empty, or an import leaving the crossing) is done here.
    /// </summary>
    private async Task StartTransferAsync(string plate)
    {
        var trip = await Truck(plate).Current();
        if (trip is null)
        {
            return;
        }

        if (trip.Trip.Direction != TripDirection.Export || string.IsNullOrEmpty(trip.Trip.ContainerNumber))
        {
            await TransferDone(plate);
            return;
        }

        // A driverless truck waiting at the yard takes the container straight off the road truck.
        if (await ReserveVehicleAsync(trip.Trip.ContainerNumber) is { } vehicle)
        {
            var direct = CraneFor(null);
            await Truck(plate).Advance(new TripTransition(TruckStatus.Transfer, TripEventNames.ToDriverlessTruck, $"{vehicle}, {direct.Id}"));
            await Crane(direct).Enqueue(new CraneJob(
                $"{trip.Trip.TripId}/direct",
                trip.Trip.ContainerNumber,
                new ContainerPlace(PlaceKind.Truck, plate, direct.RailStartX),
                new ContainerPlace(PlaceKind.DriverlessTruck, vehicle, direct.RailEndX)));
            return;
        }

        var reservation = await Yard.Reserve(trip.Trip.ContainerNumber);
        if (reservation is null)
        {
            // Flow control should have kept exports back; the truck waits in transfer until a slot frees.
            LogYardFull(logger, GrainKey, plate);
            return;
        }

        await RefreshYardLevelAsync();
        var crane = CraneFor(reservation.BlockId);
        await Truck(plate).Advance(new TripTransition(TruckStatus.Transfer, TripEventNames.SlotReserved, $"slot {reservation.SlotId}, {crane.Id}", SlotId: reservation.SlotId));
        await Crane(crane).Enqueue(new CraneJob(
            $"{trip.Trip.TripId}/unload",
            trip.Trip.ContainerNumber,
            new ContainerPlace(PlaceKind.Truck, plate, crane.RailStartX),
            new ContainerPlace(PlaceKind.Slot, reservation.SlotId, SlotX(reservation.SlotId))));
    }

    public async Task OnCraneJobDone(string craneId, CraneJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.To.Kind == PlaceKind.Slot)
        {
            await Yard.Occupy(job.To.Id, job.ContainerNumber);
        }

        if (job.From.Kind == PlaceKind.Slot)
        {
            await Yard.Vacate(job.From.Id, job.ContainerNumber);
        }

        await RefreshYardLevelAsync();
        if (job.To.Kind == PlaceKind.Slot)
        {
            S.AwaitingVehicle.Add(new YardContainer(job.ContainerNumber, job.To.Id));
            await state.WriteStateAsync();
        }

        if (job.To.Kind == PlaceKind.DriverlessTruck)
        {
            await Vehicle(job.To.Id).Loaded(job.ContainerNumber);
        }

        if (job.From.Kind == PlaceKind.Truck && S.InFlight.ContainsKey(job.From.Id))
        {
            await TransferDone(job.From.Id);
        }

        await DispatchVehiclesAsync();
    }

    public async Task OnVehicleIdle(string vehicleId)
    {
        S.BrokenVehicles.Remove(vehicleId);
        if (!S.IdleVehicles!.Contains(vehicleId))
        {
            S.IdleVehicles.Add(vehicleId);
        }

        await state.WriteStateAsync();
        await DispatchVehiclesAsync();
    }

    /// <summary>
    /// A statistic only: the vehicle's own state records the handover, so the count rides along with the gate's next
    /// write instead of costing the gate (busy with every truck of the day) a commit of its own.
    /// </summary>
    public Task OnContainerHandedOver(string vehicleId, string containerNumber)
    {
        S.ContainersCrossed++;
        Diagnostics.ContainersCrossed.Add(1);
        return Task.CompletedTask;
    }

    public async Task OnVehicleBrokeDown(string vehicleId, string reason)
    {
        S.BrokenVehicles[vehicleId] = reason;
        await state.WriteStateAsync();
        LogVehicleBrokeDown(logger, GrainKey, vehicleId, reason);
    }

    /// <summary>Pairs containers waiting in the yard with driverless trucks free at the yard: a crane loads each.</summary>
    private async Task DispatchVehiclesAsync()
    {
        while (S.AwaitingVehicle.Count > 0 && await ReserveVehicleAsync(S.AwaitingVehicle[0].ContainerNumber) is { } vehicle)
        {
            var container = S.AwaitingVehicle[0];
            S.AwaitingVehicle.RemoveAt(0);
            await state.WriteStateAsync();
            var crane = CraneFor(BlockOf(container.SlotId).Id);
            await Crane(crane).Enqueue(new CraneJob(
                $"{container.ContainerNumber}/{container.SlotId}/load",
                container.ContainerNumber,
                new ContainerPlace(PlaceKind.Slot, container.SlotId, SlotX(container.SlotId)),
                new ContainerPlace(PlaceKind.DriverlessTruck, vehicle, crane.RailEndX)));
        }
    }

    /// <summary>The first idle vehicle that accepts the container; one that turns out not to be idle leaves the list.</summary>
    private async Task<string?> ReserveVehicleAsync(string containerNumber)
    {
        while (S.IdleVehicles is { Count: > 0 } idle)
        {
            var vehicle = idle[0];
            idle.RemoveAt(0);
            await state.WriteStateAsync();
            try
            {
                await Vehicle(vehicle).ReserveFor(containerNumber);
                return vehicle;
            }
            catch (InvalidOperationException exception)
            {
                LogVehicleNotIdle(logger, GrainKey, vehicle, exception.Message);
            }
        }

        return null;
    }

    /// <summary>
    /// The crane that serves the block; for a direct truck-to-vehicle move any crane can, so they take turns
    /// (one crane for every direct move was the bottleneck of the first simulated days).
    /// </summary>
    private CraneLayout CraneFor(string? blockId)
    {
        if (blockId is not null && _layout.Cranes.Where(c => c.Blocks.Contains(blockId)).ToList() is { Count: > 0 } serving)
        {
            return serving[(int)(S.CraneTurn++ % serving.Count)];
        }

        return _layout.Cranes[(int)(S.CraneTurn++ % _layout.Cranes.Count)];
    }

    private ICraneGrain Crane(CraneLayout crane) => GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(GrainKey, crane.Id));

    private IDriverlessTruckGrain Vehicle(string vehicleId) => GrainFactory.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(GrainKey, vehicleId));

    /// <summary>
    /// The yard's fill level as flow control sees it. Kept in memory only: it is the yard's to store, and the gate reads
    /// it again on activation, so a write per container would store nothing new.
    /// </summary>
    private async Task RefreshYardLevelAsync()
    {
        var yard = await Yard.Level();
        S.YardOccupied = yard.Occupied;
        S.YardReserved = yard.Reserved;
        S.YardCapacity = yard.Capacity;
    }

    /// <summary>A slot's position along the crane rail: its block's x plus its bay (slots are about 6.5 m apart).</summary>
    private double SlotX(string slotId)
    {
        var block = BlockOf(slotId);
        var bay = int.Parse(slotId[(slotId.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return block.Position.X + ((bay - 1) * 6.5);
    }

    private YardBlockLayout BlockOf(string slotId) =>
        _layout.YardBlocks.First(b => slotId.StartsWith(b.Id + "-", StringComparison.Ordinal));

    private IYardGrain Yard => GrainFactory.GetGrain<IYardGrain>(GrainKey);

    [Microsoft.Extensions.Logging.LoggerMessage(2106, Microsoft.Extensions.Logging.LogLevel.Warning, "Gate {Crossing}: no yard slot for truck {Plate}; it waits in transfer")]
    private static partial void LogYardFull(Microsoft.Extensions.Logging.ILogger logger, string crossing, string plate);

    [Microsoft.Extensions.Logging.LoggerMessage(2108, Microsoft.Extensions.Logging.LogLevel.Warning, "Gate {Crossing}: driverless truck {Vehicle} listed idle but refused a container: {Reason}")]
    private static partial void LogVehicleNotIdle(Microsoft.Extensions.Logging.ILogger logger, string crossing, string vehicle, string reason);

    [Microsoft.Extensions.Logging.LoggerMessage(2107, Microsoft.Extensions.Logging.LogLevel.Warning, "Gate {Crossing}: driverless truck {Vehicle} broke down: {Reason}")]
    private static partial void LogVehicleBrokeDown(Microsoft.Extensions.Logging.ILogger logger, string crossing, string vehicle, string reason);
}
