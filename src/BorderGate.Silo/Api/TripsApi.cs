using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BorderGate.Silo.Api;

/// <summary>Companies pre-declare trips; errors answer at once, field by field, and are kept as the company's alerts.</summary>
internal static class TripsApi
{
    public static RouteGroupBuilder MapTripsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/trips", DeclareAsync).WithName("DeclareTrip");
        api.MapGet("/companies/{companyId}/alerts", async (string companyId, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<ICompanyGrain>(companyId).Alerts()));
        api.MapGet("/companies/{companyId}/trips", async (string companyId, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<ICompanyGrain>(companyId).Trips()));
        return api;
    }

    internal static async Task<Results<Created<DeclaredTrip>, ValidationProblem, Conflict<ProblemDetailsBody>>> DeclareAsync(
        TripDeclaration declaration, IGrainFactory grains, SiteLayout site, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var validation = DeclarationValidator.Validate(declaration, now);
        if (!validation.IsValid)
        {
            if (!string.IsNullOrWhiteSpace(declaration.CompanyId))
            {
                await grains.GetGrain<ICompanyGrain>(declaration.CompanyId.Trim())
                    .AddAlerts([.. validation.Errors.Select(e => DeclarationAlert.From(e, null, now))]);
            }

            return TypedResults.ValidationProblem(
                validation.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => $"{e.Code}: {e.Message}").ToArray()),
                title: "The declaration has errors",
                extensions: new Dictionary<string, object?> { ["errors_detail"] = validation.Errors });
        }

        var valid = validation.Normalized!;
        var plate = PlateNumber.TryParse(valid.TruckPlate, out var parsed) ? parsed.Normalized : valid.TruckPlate;
        var trip = new TripRegistration(
            $"{plate}-{now:yyyyMMddHHmmss}-{valid.CustomsDeclarationNumber ?? "empty"}",
            valid.CompanyId,
            plate,
            valid.ContainerNumber,
            valid.CargoKind,
            valid.Direction,
            valid.CustomsDeclarationNumber ?? string.Empty,
            valid.GrossWeightKg,
            valid.DesiredArrival);
        try
        {
            var current = await grains.GetGrain<ITruckGrain>(CrossingIds.Truck(plate)).Current();
            if (current is { Status: not (TruckStatus.Completed or TruckStatus.NoShow) })
            {
                return TypedResults.Conflict(new ProblemDetailsBody($"Truck {plate} already has trip {current.Trip.TripId} under way ({current.Status})."));
            }

            var window = await grains.GetGrain<IBookingLedgerGrain>(site.CrossingId).Book(trip);
            await grains.GetGrain<ITruckGrain>(CrossingIds.Truck(plate)).Register(site.CrossingId, trip, window);
            await grains.GetGrain<ICompanyGrain>(valid.CompanyId).TripDeclared(trip.TripId, plate);
            return TypedResults.Created($"/api/trucks/{Uri.EscapeDataString(plate)}", new DeclaredTrip(trip.TripId, plate, window));
        }
        catch (InvalidTripTransitionException conflict)
        {
            return TypedResults.Conflict(new ProblemDetailsBody(conflict.Message));
        }
    }
}

internal sealed record DeclaredTrip(string TripId, string Plate, ArrivalWindow Window);

internal sealed record ProblemDetailsBody(string Detail);
