using BorderGate.Contracts.Trips;

namespace BorderGate.Contracts.Crossing;

/// <summary>A validated trip, as the truck and the gate keep it.</summary>
public sealed record TripRegistration(
    string TripId,
    string CompanyId,
    string Plate,
    string? ContainerNumber,
    CargoKind Cargo,
    TripDirection Direction,
    string DeclarationNumber,
    int DeclaredWeightKg,
    DateTimeOffset? DesiredArrival);

/// <summary>A booked arrival window.</summary>
public sealed record ArrivalWindow(DateTimeOffset Start, DateTimeOffset End);

/// <summary>One transition of a trip, timestamped: the trip's history is the list of these.</summary>
public sealed record TripEvent(string Name, TruckStatus Status, DateTimeOffset At, string? Detail = null);

/// <summary>A trip as drivers, companies and operators see it.</summary>
public sealed record TripView(
    TripRegistration Trip,
    TruckStatus Status,
    ArrivalWindow? Window,
    string? LaneId,
    string? InspectionBayId,
    CustomsChannel? Channel,
    string? HeldReason,
    string? SlotId,
    IReadOnlyList<TripEvent> Events,
    TimeSpan? WaitingTime,
    TimeSpan? TurnTime);

/// <summary>A truck: its current trip (if any) and the trips it completed before.</summary>
public sealed record TruckView(string Plate, TripView? Current, IReadOnlyList<TripView> History);

/// <summary>A change the crossing makes to a truck's trip (the truck checks it is a legal next step).</summary>
public sealed record TripTransition(TruckStatus To, string Event, string? Detail = null, string? LaneId = null, string? BayId = null, CustomsChannel? Channel = null, string? SlotId = null);

/// <summary>What the gate decided when a truck was seen at the entrance.</summary>
public sealed record ArrivalDecision(string Plate, bool Admitted, string? TripId, string? Reason, DateTimeOffset? EligibleAt);
