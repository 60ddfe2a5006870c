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

        var reservation = await Yard.Reserve(trip.Trip.ContainerNumber);
        if (reservation is null)
        {
            // Flow control should have kept exports back; the truck waits in transfer until a slot frees.
            LogYardFull(logger, GrainKey, plate);
            return;
        }

        await RefreshYardLevelAsync();
        var crane = _layout.Cranes.FirstOrDefault(c => c.Blocks.Contains(reservation.BlockId)) ?? _layout.Cranes[0];
        await Truck(plate).Advance(new TripTransition(TruckStatus.Transfer, "slot reserved", $"slot {reservation.SlotId}, {crane.Id}", SlotId: reservation.SlotId));
        await GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(GrainKey, crane.Id)).Enqueue(new CraneJob(
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
        if (job.From.Kind == PlaceKind.Truck && S.InFlight.ContainsKey(job.From.Id))
        {
            await TransferDone(job.From.Id);
        }
    }

    private async Task RefreshYardLevelAsync()
    {
        var yard = await Yard.Snapshot();
        S.YardOccupied = yard.Occupied;
        S.YardReserved = yard.Reserved;
        S.YardCapacity = yard.Capacity;
        await state.WriteStateAsync();
    }

    /// <summary>A slot's position along the crane rail: its block's x plus its bay (slots are about 6.5 m apart).</summary>
    private double SlotX(string slotId)
    {
        var block = _layout.YardBlocks.First(b => slotId.StartsWith(b.Id + "-", StringComparison.Ordinal));
        var bay = int.Parse(slotId[(slotId.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return block.Position.X + ((bay - 1) * 6.5);
    }

    private IYardGrain Yard => GrainFactory.GetGrain<IYardGrain>(GrainKey);

    [Microsoft.Extensions.Logging.LoggerMessage(2106, Microsoft.Extensions.Logging.LogLevel.Warning, "Gate {Crossing}: no yard slot for truck {Plate}; it waits in transfer")]
    private static partial void LogYardFull(Microsoft.Extensions.Logging.ILogger logger, string crossing, string plate);
}
