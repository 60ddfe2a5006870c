namespace BorderGate.Contracts.Crossing;

/// <summary>
/// What a driver's phone shows: where the truck stands and what to do next — <see cref="NextStepCode"/> for clients to
/// translate (with <see cref="LaneId"/>, <see cref="InspectionBayId"/> and <see cref="Window"/> as its parameters), plus
/// <see cref="NextStep"/> in English; <see cref="WaitingReason"/> says why the truck waits or is held, when it does.
/// </summary>
public sealed record DriverStatus(
    string Plate,
    string TripId,
    TruckStatus Status,
    int? QueuePosition,
    TimeSpan? ExpectedWait,
    string? LaneId,
    string? InspectionBayId,
    string NextStepCode,
    string NextStep,
    string? WaitingReason,
    ArrivalWindow? Window)
{
    public static DriverStatus From(TripView trip, QueuePosition? position)
    {
        var (code, text) = trip.Status switch
        {
            TruckStatus.Booked => ("come-in-window", $"Come to the entrance between {trip.Window?.Start:HH:mm} and {trip.Window?.End:HH:mm} (UTC)."),
            TruckStatus.Waiting => ("wait-in-area", "Wait in the waiting area; you will be called to a lane."),
            TruckStatus.Called => ("go-to-lane", $"Drive to {trip.LaneId} now."),
            TruckStatus.InLane => ("follow-lane", "Stay on the weighbridge and follow the lane's signals."),
            TruckStatus.Inspection => ("go-to-inspection", $"Drive to inspection bay {trip.InspectionBayId ?? "(wait for a bay)"}."),
            TruckStatus.Transfer => ("go-to-yard", "Drive to the transfer yard; a crane will take the container."),
            TruckStatus.Completed => ("done", "Your trip is complete. You may leave."),
            TruckStatus.Held => ("see-office", "Your truck is held. Go to the gate office."),
            TruckStatus.NoShow => ("rebook", "Your arrival window lapsed. Book a new one."),
            _ => ("none", "No trip."),
        };
        var why = trip.Status switch
        {
            TruckStatus.Held => trip.HeldReason,
            TruckStatus.Waiting => trip.Events.LastOrDefault(e => e.Name is TripEventNames.Arrived or TripEventNames.ReturnedToQueue)?.Detail,
            _ => null,
        };
        return new DriverStatus(trip.Trip.Plate, trip.Trip.TripId, trip.Status, position?.Position, position?.ExpectedWait, trip.LaneId, trip.InspectionBayId, code, text, why, trip.Window);
    }
}
