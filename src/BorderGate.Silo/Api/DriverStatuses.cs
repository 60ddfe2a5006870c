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
    public async Task<DriverStatus?> OfTruckAsync(string plate)
    {
        var normalized = TrucksApi.Normalize(plate);
        var trip = await grains.GetGrain<ITruckGrain>(CrossingIds.Truck(normalized)).Current().ConfigureAwait(false);
        return trip is null ? null : await StatusAsync(normalized, trip).ConfigureAwait(false);
    }

    /// <summary>The truck's status if <paramref name="declarationNumber"/> is its current trip's; else null.</summary>
    public async Task<DriverStatus?> ForDriverAsync(string plate, string declarationNumber)
    {
        if (string.IsNullOrWhiteSpace(plate) || string.IsNullOrWhiteSpace(declarationNumber))
        {
            return null;
        }

        var normalized = TrucksApi.Normalize(plate);
        var trip = await grains.GetGrain<ITruckGrain>(CrossingIds.Truck(normalized)).Current().ConfigureAwait(false);
        return trip is null || !string.Equals(trip.Trip.DeclarationNumber, declarationNumber.Trim(), StringComparison.Ordinal)
            ? null
            : await StatusAsync(normalized, trip).ConfigureAwait(false);
    }

    private async Task<DriverStatus> StatusAsync(string plate, TripView trip)
    {
        var position = trip.Status == TruckStatus.Waiting ? await grains.GetGrain<IGateGrain>(site.CrossingId).PositionOf(plate).ConfigureAwait(false) : null;
        return DriverStatus.From(trip, position);
    }
}
