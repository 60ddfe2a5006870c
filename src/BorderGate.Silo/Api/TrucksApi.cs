using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using System.Security.Claims;
using BorderGate.Silo.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BorderGate.Silo.Api;

/// <summary>A truck's trips (operators) and where it stands now (operators, the company whose trip it is, its driver).</summary>
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
        }).RequireAuthorization(Policies.Operators);
        api.MapGet("/trucks/{plate}/status", async Task<Results<Ok<DriverStatus>, NotFound<ProblemDetailsBody>, ForbidHttpResult>> (string plate, ClaimsPrincipal user, DriverStatuses statuses) =>
            await statuses.ForUserAsync(user, plate) switch
            {
                (Visibility.Shown, { } status) => TypedResults.Ok(status),
                (Visibility.Forbidden, _) => TypedResults.Forbid(),
                _ => TypedResults.NotFound(new ProblemDetailsBody(user.Company() is { } company
                    ? $"Truck {Normalize(plate)} has no trip of {company}."
                    : $"Truck {Normalize(plate)} has no trip: declare one first.")),
            });
        return api;
    }

    internal static string Normalize(string plate) => PlateNumber.TryParse(plate, out var parsed) ? parsed.Normalized : plate.Trim().ToUpperInvariant();
}
