using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BorderGate.Silo.Api;

/// <summary>A truck's trip and what its driver should do now.</summary>
internal static class TrucksApi
{
    public static RouteGroupBuilder MapTrucksApi(this RouteGroupBuilder api)
    {
        api.MapGet("/trucks/{plate}", async Task<Results<Ok<TruckView>, NotFound<ProblemDetailsBody>>> (string plate, IGrainFactory grains) =>
        {
            var normalized = Normalize(plate);
            var view = await grains.GetGrain<ITruckGrain>(CrossingIds.Truck(normalized)).Get();
            return view.Current is null && view.History.Count == 0
                ? TypedResults.NotFound(new ProblemDetailsBody($"No truck {normalized} is known here: declare a trip first."))
                : TypedResults.Ok(view);
        });
        api.MapGet("/trucks/{plate}/status", async Task<Results<Ok<DriverStatus>, NotFound<ProblemDetailsBody>>> (string plate, IGrainFactory grains, SiteLayout site) =>
        {
            var normalized = Normalize(plate);
            var trip = await grains.GetGrain<ITruckGrain>(CrossingIds.Truck(normalized)).Current();
            if (trip is null)
            {
                return TypedResults.NotFound(new ProblemDetailsBody($"Truck {normalized} has no trip: declare one first."));
            }

            var position = trip.Status == TruckStatus.Waiting ? await grains.GetGrain<IGateGrain>(site.CrossingId).PositionOf(normalized) : null;
            return TypedResults.Ok(DriverStatus.From(trip, position));
        });
        return api;
    }

    internal static string Normalize(string plate) => PlateNumber.TryParse(plate, out var parsed) ? parsed.Normalized : plate.Trim().ToUpperInvariant();
}

/// <summary>What a driver's phone shows: where the truck stands and what to do next (a code clients translate, plus English).</summary>
internal sealed record DriverStatus(
    string Plate,
    string TripId,
    TruckStatus Status,
    int? QueuePosition,
    TimeSpan? ExpectedWait,
    string? LaneId,
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
        return new DriverStatus(trip.Trip.Plate, trip.Trip.TripId, trip.Status, position?.Position, position?.ExpectedWait, trip.LaneId, code, text, why, trip.Window);
    }
}
