using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;

namespace BorderGate.Silo.Api;

/// <summary>The driverless trucks' route: which vehicle holds which segment, who waits, where each vehicle is.</summary>
public static class RouteApi
{
    /// <summary>Maps <c>GET /crossing/route</c> on the API group.</summary>
    public static RouteGroupBuilder MapRouteApi(this RouteGroupBuilder api)
    {
        api.MapGet("/crossing/route", async (IGrainFactory grains, SiteLayout site, TimeProvider time) => TypedResults.Ok(await SnapshotAsync(grains, site, time)))
            .RequireAuthorization(Auth.Policies.Operators);
        return api;
    }

    private static async Task<RouteSnapshotView> SnapshotAsync(IGrainFactory grains, SiteLayout site, TimeProvider time)
    {
        var route = await grains.GetGrain<IRouteGrain>(site.CrossingId).Status();
        var vehicles = await Task.WhenAll(site.DriverlessTrucks.Select(v =>
            grains.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(site.CrossingId, v.Id)).Status()));
        return new RouteSnapshotView(time.GetUtcNow(), route.Holders, route.Waiting, vehicles);
    }
}

/// <summary>The route at one moment (site time <see cref="At"/>): segment holders, vehicles waiting for segments, the vehicles.</summary>
internal sealed record RouteSnapshotView(
    DateTimeOffset At,
    IReadOnlyDictionary<string, string> Holders,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Waiting,
    IReadOnlyList<VehicleView> Vehicles);
