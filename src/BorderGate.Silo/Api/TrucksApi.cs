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
        api.MapGet("/trucks/{plate}/status", async Task<Results<Ok<DriverStatus>, NotFound<ProblemDetailsBody>>> (string plate, DriverStatuses statuses) =>
            await statuses.OfTruckAsync(plate) is { } status
                ? TypedResults.Ok(status)
                : TypedResults.NotFound(new ProblemDetailsBody($"Truck {Normalize(plate)} has no trip: declare one first.")));
        return api;
    }

    internal static string Normalize(string plate) => PlateNumber.TryParse(plate, out var parsed) ? parsed.Normalized : plate.Trim().ToUpperInvariant();
}
