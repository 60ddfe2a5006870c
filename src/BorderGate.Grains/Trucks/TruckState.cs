using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Trucks;

/// <summary>The stored form of a truck: its current trip and a bounded history.</summary>
public sealed class TruckState
{
    public TripRecord? Current { get; set; }

    public List<TripRecord> History { get; set; } = [];
}

/// <summary>A trip as stored.</summary>
public sealed class TripRecord
{
    public required TripRegistration Trip { get; set; }

    /// <summary>The crossing the trip goes through (its feed carries the trip's steps).</summary>
    public string? CrossingId { get; set; }

    public TruckStatus Status { get; set; }

    public ArrivalWindow? Window { get; set; }

    public string? LaneId { get; set; }

    public string? BayId { get; set; }

    public CustomsChannel? Channel { get; set; }

    public string? HeldReason { get; set; }

    /// <summary>Where the trip was when it was held: a release goes back there.</summary>
    public TruckStatus? HeldFrom { get; set; }

    public string? SlotId { get; set; }

    public DateTimeOffset? ArrivedAt { get; set; }

    public DateTimeOffset? FirstCalledAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public List<TripEvent> Events { get; set; } = [];

    public TripView ToView() => new(
        Trip,
        Status,
        Window,
        LaneId,
        BayId,
        Channel,
        HeldReason,
        SlotId,
        Events,
        ArrivedAt is { } arrived && FirstCalledAt is { } called ? called - arrived : null,
        ArrivedAt is { } a && CompletedAt is { } done ? done - a : null);
}
