using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Gate;

/// <summary>The stored form of a gate.</summary>
public sealed class GateState
{
    public long NextOrder { get; set; }

    /// <summary>How many trucks the gate has given to lanes: each assignment's number (<see cref="LaneSlot.Assignment"/>).</summary>
    public long Assignments { get; set; }

    /// <summary>Where gates stored before <see cref="GateBookings"/> kept the booked count; moved there on activation.</summary>
    public int BookedCount { get; set; }

    /// <summary>Where gates stored before <see cref="GateBookings"/> kept the window loads; moved there on activation.</summary>
    public Dictionary<long, int> WindowLoad { get; set; } = [];

    /// <summary>Where gates stored before <see cref="GateQueue"/> kept the queue; moved to the queue's parts on activation.</summary>
    public List<QueuedTruck> Queue { get; set; } = [];

    public Dictionary<string, LaneSlot> Lanes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Inspection bays and the truck in each (null: free).</summary>
    public Dictionary<string, BayUse?> Bays { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Red-channel trucks waiting for a free bay, in order.</summary>
    public List<string> BayQueue { get; set; } = [];

    /// <summary>Where gates stored before <see cref="GateHeld"/> kept the held trucks; moved there on activation.</summary>
    public Dictionary<string, HeldTruck> Held { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Trucks between their lane (or bay) and the end of their transfer, with their direction.</summary>
    public Dictionary<string, InFlightTruck> InFlight { get; set; } = new(StringComparer.Ordinal);

    public int PerishablesInARow { get; set; }

    public int CompletedTotal { get; set; }

    public int YardOccupied { get; set; }

    public int YardReserved { get; set; }

    public int YardCapacity { get; set; }


    // Where gates stored the container transfer before it had a grain of its own (TransferGrain): handed over on activation.

    public List<string>? IdleVehicles { get; set; }

    public List<YardContainer> AwaitingVehicle { get; set; } = [];

    public Dictionary<string, string> BrokenVehicles { get; set; } = new(StringComparer.Ordinal);

    public int ContainersCrossed { get; set; }

    public long CraneTurn { get; set; }
}

/// <summary>
/// The booking ledger as gates stored it (state "gate-bookings") before bookings had a grain of their own
/// (<see cref="BookingLedgerGrain"/>): read once on activation, handed over and cleared.
/// </summary>
public sealed class GateBookings
{
    /// <summary>Trips booked and not yet arrived (the bookings themselves live in the windows' grains).</summary>
    public int BookedCount { get; set; }

    /// <summary>Trips booked per arrival window (key: window start, Unix minutes).</summary>
    public Dictionary<long, int> WindowLoad { get; set; } = [];
}

/// <summary>
/// Trucks held by the gate (state "gate-held"), with their reasons: at the entrance without a declaration, at a
/// lane, or by an operator. Stored apart from the gate's state, which changes far more often.
/// </summary>
public sealed class GateHeld
{
    public Dictionary<string, HeldTruck> Trucks { get; set; } = new(StringComparer.Ordinal);
}

public sealed record QueuedTruck(string Plate, string TripId, CargoKind Cargo, TripDirection Direction, DateTimeOffset ArrivedAt, DateTimeOffset EligibleAt, bool Late, long Order);

public sealed class LaneSlot
{
    public LaneMode Mode { get; set; }

    public string? Plate { get; set; }

    public string? Reason { get; set; }

    /// <summary>Whether an operator closed it (a recovered device does not reopen an operator's closure).</summary>
    public bool ClosedByOperator { get; set; }

    public DateTimeOffset Since { get; set; }

    /// <summary>The number of the lane's current assignment (<see cref="GateState.Assignments"/>): a lane's report noted before it is about an earlier one.</summary>
    public long Assignment { get; set; }
}

public sealed record BayUse(string Plate, DateTimeOffset Since);

public sealed record InFlightTruck(TripDirection Direction, TruckStatus Stage, DateTimeOffset Since);
