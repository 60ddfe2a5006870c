using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Gate;

public sealed partial class GateGrain
{
    /// <summary>
    /// A truck past its checks: an import leaves the crossing, its trip done here; an export's container is the transfer's
    /// to see to the yard or a driverless truck (<see cref="ITransferGrain"/>, told one-way: the gate does not wait for the
    /// yard, the cranes or the vehicles). The transfer tells <see cref="TransferDone"/> when the container is off the truck.
    /// </summary>
    private async Task BeginTransferAsync(string plate, TripDirection direction)
    {
        if (direction == TripDirection.Import)
        {
            await CompleteAsync(plate);
            return;
        }

        await Transfer.Begin(plate);
    }

    /// <summary>
    /// What a gate stored of the container transfer before the transfer had a grain of its own is handed over, once; and
    /// exports in transfer are handed over again after a restart (the hand-over is one-way; the transfer takes a truck once).
    /// </summary>
    private async Task<bool> HandOverTransfersAsync()
    {
        var changed = false;
        if (S.IdleVehicles is not null || S.AwaitingVehicle.Count > 0 || S.BrokenVehicles.Count > 0 || S.ContainersCrossed > 0)
        {
            await Transfer.Adopt(new TransferHandover(S.IdleVehicles, S.AwaitingVehicle, S.BrokenVehicles, S.ContainersCrossed, S.CraneTurn));
            S.IdleVehicles = null;
            S.AwaitingVehicle.Clear();
            S.BrokenVehicles.Clear();
            S.ContainersCrossed = 0;
            S.CraneTurn = 0;
            changed = true;
        }

        foreach (var (plate, _) in S.InFlight.Where(f => f.Value is { Stage: TruckStatus.Transfer, Direction: TripDirection.Export }))
        {
            await Transfer.Begin(plate);
        }

        return changed;
    }

    /// <summary>
    /// The yard's fill level as flow control sees it. Kept in memory only: it is the yard's to store, and the gate reads
    /// it again on activation and on its clock, and the transfer tells it with each truck done, so a write per container would store nothing new.
    /// </summary>
    private async Task RefreshYardLevelAsync() => SetYardLevel(await Yard.Level());

    private void SetYardLevel(YardLevel yard)
    {
        _yardLevelAt = TimeProvider.GetUtcNow();
        S.YardOccupied = yard.Occupied;
        S.YardReserved = yard.Reserved;
        S.YardCapacity = yard.Capacity;
    }

    private IYardGrain Yard => GrainFactory.GetGrain<IYardGrain>(GrainKey);

    private ITransferGrain Transfer => GrainFactory.GetGrain<ITransferGrain>(GrainKey);
}
