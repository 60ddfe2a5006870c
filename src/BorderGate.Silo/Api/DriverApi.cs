using BorderGate.Contracts.Crossing;
using System.Security.Claims;
using BorderGate.Silo.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BorderGate.Silo.Api;

/// <summary>The drivers' API: a driver, signed in with a truck's plate and its trip's declaration number (POST /api/auth/driver), sees that truck.</summary>
internal static class DriverApi
{
    public static RouteGroupBuilder MapDriverApi(this RouteGroupBuilder api)
    {
        api.MapGet("/driver/status", async Task<Results<Ok<DriverStatus>, NotFound<ProblemDetailsBody>>> (ClaimsPrincipal user, DriverStatuses statuses) =>
            user.Driver() is { } driver && await statuses.ForDriverAsync(driver.Plate, driver.Declaration) is { } status
                ? TypedResults.Ok(status)
                : TypedResults.NotFound(new ProblemDetailsBody(DriverStatuses.NotFound)))
        .RequireAuthorization(Policies.Drivers)
        .WithName("GetDriverStatus")
        .WithSummary("Where a driver's truck stands and what to do next")
        .WithDescription("The status of the signed-in driver's truck while the trip signed in for is its current one: status, queue position, expected wait, lane called, next step (a code to translate, and English), why it waits.");
        return api;
    }
}
