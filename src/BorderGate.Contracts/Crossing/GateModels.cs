using BorderGate.Contracts.Trips;

namespace BorderGate.Contracts.Crossing;

public enum LaneMode
{
    Open,

    /// <summary>Closed by an operator: takes no new truck.</summary>
    Closed,

    /// <summary>A device faulted or went stale: out of dispatch until it recovers.</summary>
    Faulted,
}

/// <summary>The checkpoint a lane's truck is at.</summary>
public enum LaneStep
{
    Idle,
    AwaitingTruck,
    PlateRead,
    Weighing,
    DocumentCheck,
    Quarantine,
    BarrierOpening,
    Leaving,
}

/// <summary>A truck in the gate's virtual queue.</summary>
public sealed record QueueEntry(
    string Plate,
    string TripId,
    CargoKind Cargo,
    TripDirection Direction,
    DateTimeOffset ArrivedAt,
    DateTimeOffset EligibleAt,
    bool Late,
    int Position);

public sealed record LaneView(
    string LaneId,
    LaneMode Mode,
    LaneStep Step,
    string? Plate,
    string? TripId,
    string? Reason,
    DateTimeOffset Since);

public sealed record InspectionBayView(string BayId, string? Plate, DateTimeOffset? Since);

/// <summary>The gate's live figures.</summary>
public sealed record GateKpis(
    IReadOnlyDictionary<TruckStatus, int> TrucksByStatus,
    int CompletedLastHour,
    IReadOnlyList<HourlyThroughput> ThroughputByHour,
    TimeSpan AverageWait,
    TimeSpan P95Wait,
    TimeSpan AverageTurn,
    TimeSpan P95Turn,
    int YardOccupied,
    int YardReserved,
    int YardCapacity);

public sealed record HourlyThroughput(DateTimeOffset Hour, int Completed);

/// <summary>
/// The whole gate at one moment: what the control room's map starts from. <see cref="Queue"/> is the head of the
/// queue (the first <see cref="QueueHead"/> trucks in call order); <see cref="QueueLength"/> counts them all.
/// </summary>
public sealed record GateView(
    string CrossingId,
    IReadOnlyList<QueueEntry> Queue,
    int QueueLength,
    IReadOnlyList<LaneView> Lanes,
    IReadOnlyList<InspectionBayView> InspectionBays,
    IReadOnlyList<HeldTruck> Held,
    GateKpis Kpis);

public static class GateViews
{
    /// <summary>How many of the first trucks in the queue a <see cref="GateView"/> lists.</summary>
    public const int QueueHead = 100;
}

public sealed record HeldTruck(string Plate, string? TripId, string Reason, DateTimeOffset Since);

/// <summary>How a lane's checkpoint sequence ended for its truck.</summary>
public enum LaneOutcome
{
    /// <summary>All checks passed; the truck went on to the transfer yard.</summary>
    Passed,

    /// <summary>Red channel: the truck went to an inspection bay.</summary>
    ToInspection,

    /// <summary>The truck never came, or the lane faulted: the truck goes back to the head of the queue.</summary>
    Returned,

    /// <summary>A check failed (plate mismatch, overweight): the truck is held.</summary>
    Held,
}
