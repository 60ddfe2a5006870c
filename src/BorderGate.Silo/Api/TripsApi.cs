using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using System.Security.Claims;
using BorderGate.Silo.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BorderGate.Silo.Api;

/// <summary>
/// Companies pre-declare trips (signed in as the company the declaration names); errors answer at once, field by field, and
/// are kept as the company's alerts. A company lists its trips, its trucks and its alerts; operators see any company's.
/// </summary>
internal static class TripsApi
{
    public static RouteGroupBuilder MapTripsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/trips", DeclareAsync).WithName("DeclareTrip").RequireAuthorization(Policies.Companies);
        api.MapGet("/companies/{companyId}/alerts", async Task<Results<Ok<IReadOnlyList<DeclarationAlert>>, ForbidHttpResult>> (string companyId, ClaimsPrincipal user, IGrainFactory grains) =>
            MaySee(user, companyId) ? TypedResults.Ok(await grains.GetGrain<ICompanyGrain>(companyId).Alerts()) : TypedResults.Forbid())
            .WithName("ListCompanyAlerts");
        api.MapGet("/companies/{companyId}/trips", async Task<Results<Ok<IReadOnlyList<CompanyTrip>>, ForbidHttpResult>> (string companyId, ClaimsPrincipal user, IGrainFactory grains) =>
            MaySee(user, companyId) ? TypedResults.Ok(await grains.GetGrain<ICompanyGrain>(companyId).Trips()) : TypedResults.Forbid())
            .WithName("ListCompanyTrips");
        api.MapGet("/companies/{companyId}/trucks", async Task<Results<Ok<IReadOnlyList<DriverStatus>>, ForbidHttpResult>> (string companyId, ClaimsPrincipal user, IGrainFactory grains, DriverStatuses statuses) =>
            MaySee(user, companyId) ? TypedResults.Ok(await TrucksOfAsync(companyId, grains, statuses)) : TypedResults.Forbid())
            .WithName("ListCompanyTrucks")
            .WithSummary("The company's trucks on a trip now, where each stands")
            .WithDescription("Each truck whose current trip the company declared (newest declaration first), with its status, queue position, expected wait, lane and next step.");
        return api;
    }

    /// <summary>A company sees its own; operators see every company's.</summary>
    private static bool MaySee(ClaimsPrincipal user, string companyId) =>
        user.IsOperator() || string.Equals(user.Company(), companyId, StringComparison.Ordinal);

    private static async Task<IReadOnlyList<DriverStatus>> TrucksOfAsync(string companyId, IGrainFactory grains, DriverStatuses statuses)
    {
        var plates = (await grains.GetGrain<ICompanyGrain>(companyId).Trips().ConfigureAwait(false)).Select(t => t.Plate).Distinct(StringComparer.Ordinal).ToList();
        var found = new DriverStatus?[plates.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, plates.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => found[i] = await statuses.ForCompanyAsync(plates[i], companyId).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. found.OfType<DriverStatus>()];
    }

    internal static async Task<Results<Created<DeclaredTrip>, ValidationProblem, Conflict<ProblemDetailsBody>, ProblemHttpResult>> DeclareAsync(
        TripDeclaration declaration, ClaimsPrincipal user, IGrainFactory grains, SiteLayout site, TimeProvider time)
    {
        var signedIn = user.Company()!;
        if (!string.IsNullOrWhiteSpace(declaration.CompanyId) && !string.Equals(declaration.CompanyId.Trim(), signedIn, StringComparison.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your company",
                detail: $"Signed in as company {signedIn}: it cannot declare trips of company {declaration.CompanyId.Trim()}.");
        }

        var now = time.GetUtcNow();
        var validation = DeclarationValidator.Validate(declaration, now);
        if (!validation.IsValid)
        {
            // The signed-in company's alerts, whatever the declaration says (it may name none).
            await grains.GetGrain<ICompanyGrain>(signedIn).AddAlerts([.. validation.Errors.Select(e => DeclarationAlert.From(e, null, now))]);

            return TypedResults.ValidationProblem(
                validation.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => $"{e.Code}: {e.Message}").ToArray()),
                title: "The declaration has errors",
                extensions: new Dictionary<string, object?> { ["errors_detail"] = validation.Errors });
        }

        var valid = validation.Normalized!;
        var plate = PlateNumber.TryParse(valid.TruckPlate, out var parsed) ? parsed.Normalized : valid.TruckPlate;
        var trip = new TripRegistration(
            // Not the declaration number: that opens the trip to its driver, and a trip's id is shown to others.
            $"{plate}-{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}",
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
                // Its own trip: which one and where it stands; another company's: only that the truck is busy.
                return TypedResults.Conflict(new ProblemDetailsBody(string.Equals(current.Trip.CompanyId, signedIn, StringComparison.Ordinal)
                    ? $"Truck {plate} already has trip {current.Trip.TripId} under way ({current.Status})."
                    : $"Truck {plate} already has a trip under way."));
            }

            var window = await grains.GetGrain<IBookingLedgerGrain>(site.CrossingId).Book(trip);
            await grains.GetGrain<ITruckGrain>(CrossingIds.Truck(plate)).Register(site.CrossingId, trip, window);
            await grains.GetGrain<ICompanyGrain>(valid.CompanyId).TripDeclared(trip.TripId, plate);
            return TypedResults.Created($"/api/trucks/{Uri.EscapeDataString(plate)}", new DeclaredTrip(trip.TripId, plate, window));
        }
        catch (InvalidTripTransitionException)
        {
            // Another declaration of the truck came first (its trip may be another company's: nothing of it is said).
            return TypedResults.Conflict(new ProblemDetailsBody($"Truck {plate} already has a trip under way."));
        }
    }
}

internal sealed record DeclaredTrip(string TripId, string Plate, ArrivalWindow Window);

internal sealed record ProblemDetailsBody(string Detail);
