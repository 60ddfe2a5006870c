using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;

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
