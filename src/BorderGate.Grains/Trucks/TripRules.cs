using BorderGate.Contracts.Crossing;

namespace BorderGate.Grains.Trucks;

/// <summary>The legal steps of a trip. Anything else is a bug or a stale message, and is refused.</summary>
internal static class TripRules
{
    private static readonly Dictionary<TruckStatus, TruckStatus[]> s_next = new()
    {
        [TruckStatus.Booked] = [TruckStatus.Waiting, TruckStatus.Held, TruckStatus.NoShow],
        [TruckStatus.Waiting] = [TruckStatus.Called, TruckStatus.Held],
        [TruckStatus.Called] = [TruckStatus.InLane, TruckStatus.Waiting, TruckStatus.Held],
        [TruckStatus.InLane] = [TruckStatus.InLane, TruckStatus.Transfer, TruckStatus.Inspection, TruckStatus.Waiting, TruckStatus.Held],
        [TruckStatus.Inspection] = [TruckStatus.Inspection, TruckStatus.Transfer, TruckStatus.Held],
        [TruckStatus.Transfer] = [TruckStatus.Transfer, TruckStatus.Completed, TruckStatus.Held],
        [TruckStatus.Held] = [TruckStatus.Waiting, TruckStatus.Booked, TruckStatus.Transfer, TruckStatus.Inspection],

        // Seen at the entrance before its deadline, but the sighting reached the gate after the no-show sweep.
        [TruckStatus.NoShow] = [TruckStatus.Waiting],
    };

    public static bool IsFinal(TruckStatus status) => status is TruckStatus.Completed or TruckStatus.NoShow;

    public static bool CanMove(TruckStatus from, TruckStatus to) =>
        s_next.TryGetValue(from, out var next) && Array.IndexOf(next, to) >= 0;
}
