using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using System.Security.Claims;
using BorderGate.Silo.Auth;

namespace BorderGate.Silo.Api;

/// <summary>
/// A truck's <see cref="DriverStatus"/>, read from its grain and (while it waits) the gate's queue — for the truck API,
/// the drivers' API and the drivers' hub alike. A driver is let see a truck only with its plate and the customs
/// declaration number of its current trip; anything else gets the same "no such trip" (a wrong number does not say that
/// the plate is known).
/// </summary>
internal sealed class DriverStatuses(IGrainFactory grains, SiteLayout site)
{
    public const string NotFound = "No trip matches this plate and declaration number: check both as printed on the declaration.";

    /// <summary>The truck's status; null when it has no trip.</summary>
    public Task<DriverStatus?> OfTruckAsync(string plate) => StatusAsync(plate, _ => true);

    /// <summary>The truck's status if <paramref name="declarationNumber"/> is its current trip's; else null.</summary>
    public Task<DriverStatus?> ForDriverAsync(string plate, string declarationNumber) =>
        string.IsNullOrWhiteSpace(plate) || string.IsNullOrWhiteSpace(declarationNumber)
            ? Task.FromResult<DriverStatus?>(null)
            : StatusAsync(plate, trip => string.Equals(trip.Trip.DeclarationNumber, declarationNumber.Trim(), StringComparison.Ordinal));

    /// <summary>The truck's status if its current trip is <paramref name="companyId"/>'s; else null.</summary>
    public Task<DriverStatus?> ForCompanyAsync(string plate, string companyId) =>
        StatusAsync(plate, trip => string.Equals(trip.Trip.CompanyId, companyId, StringComparison.Ordinal));

    /// <summary>
    /// The truck's status as <paramref name="user"/> may see it: operators any truck's, a company its own trips' trucks, a
    /// driver the one truck and trip signed in for. <see cref="Visibility.Forbidden"/> for anyone else (a driver asking
    /// about another plate); <see cref="Visibility.None"/> when there is nothing this user may see (no trip, or another's).
    /// </summary>
    public async Task<(Visibility Visibility, DriverStatus? Status)> ForUserAsync(ClaimsPrincipal user, string plate)
    {
        var normalized = TrucksApi.Normalize(plate);
        if (user.IsOperator())
        {
            return Seen(await OfTruckAsync(normalized).ConfigureAwait(false));
        }

        if (user.Company() is { } company)
        {
            return Seen(await ForCompanyAsync(normalized, company).ConfigureAwait(false));
        }

        if (user.Driver() is { } driver && string.Equals(driver.Plate, normalized, StringComparison.Ordinal))
        {
            return Seen(await ForDriverAsync(normalized, driver.Declaration).ConfigureAwait(false));
        }

        return (Visibility.Forbidden, null);

        static (Visibility, DriverStatus?) Seen(DriverStatus? status) => (status is null ? Visibility.None : Visibility.Shown, status);
    }

    /// <summary>The status of the truck's current trip, if it has one that <paramref name="shown"/> lets be seen.</summary>
    private async Task<DriverStatus?> StatusAsync(string plate, Func<TripView, bool> shown)
    {
        var normalized = TrucksApi.Normalize(plate);
        var trip = await grains.GetGrain<ITruckGrain>(CrossingIds.Truck(normalized)).Current().ConfigureAwait(false);
        if (trip is null || !shown(trip))
        {
            return null;
        }

        var position = trip.Status == TruckStatus.Waiting ? await grains.GetGrain<IGateGrain>(site.CrossingId).PositionOf(normalized).ConfigureAwait(false) : null;
        return DriverStatus.From(trip, position);
    }
}

internal enum Visibility
{
    Shown,
    None,
    Forbidden,
}
