using BorderGate.Contracts.Crossing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BorderGate.Silo.Api;

/// <summary>The drivers' API: a driver sees one truck, by its plate and its trip's customs declaration number.</summary>
internal static class DriverApi
{
    public static RouteGroupBuilder MapDriverApi(this RouteGroupBuilder api)
    {
        api.MapGet("/driver/status", async Task<Results<Ok<DriverStatus>, NotFound<ProblemDetailsBody>, BadRequest<ProblemDetailsBody>>> (
            string? plate, string? declaration, DriverStatuses statuses) =>
        {
            if (string.IsNullOrWhiteSpace(plate) || string.IsNullOrWhiteSpace(declaration))
            {
                return TypedResults.BadRequest(new ProblemDetailsBody("Give the truck's plate (?plate=) and its customs declaration number (?declaration=)."));
            }

            return await statuses.ForDriverAsync(plate, declaration) is { } status
                ? TypedResults.Ok(status)
                : TypedResults.NotFound(new ProblemDetailsBody(DriverStatuses.NotFound));
        })
        .WithName("GetDriverStatus")
        .WithSummary("Where a driver's truck stands and what to do next")
        .WithDescription("The status of the truck with this plate, if the declaration number is its current trip's: status, queue position, expected wait, lane called, next step (a code to translate, and English), why it waits.");
        return api;
    }
}
