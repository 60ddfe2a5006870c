using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using System.Security.Claims;
using BorderGate.Silo.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BorderGate.Silo.Api;

/// <summary>The crossing as operators see it, and their actions: operators and supervisors; returning faulted equipment to service, supervisors only.</summary>
internal static partial class CrossingApi
{
    /// <summary>Who returned equipment to service, and why: the record of a supervisor's action (the device grain keeps no actor).</summary>
    [LoggerMessage(1501, LogLevel.Information, "Device {Device} returned to service by {Supervisor}: {Reason}")]
    private static partial void LogReturnedToService(ILogger logger, string device, string supervisor, string reason);

    public static RouteGroupBuilder MapCrossingApi(this RouteGroupBuilder root)
    {
        // The crossing's name and time zone, for pages before anyone signed in (the drivers' page shows times in it).
        root.MapGet("/crossing/site", (SiteLayout site) => TypedResults.Ok(new SiteSummary(site.CrossingId, site.Name, site.TimeZone)))
            .AllowAnonymous().WithName("GetSite");
        var api = root.MapGroup(string.Empty).RequireAuthorization(Policies.Operators);
        api.MapGet("/crossing", async (IGrainFactory grains, SiteLayout site) => TypedResults.Ok(await Gate(grains, site).Snapshot()));
        api.MapGet("/crossing/kpis", async (IGrainFactory grains, SiteLayout site) => TypedResults.Ok(await Gate(grains, site).Kpis()));
        api.MapGet("/crossing/layout", (SiteLayout site) => TypedResults.Ok(site));
        api.MapGet("/crossing/yard", async (IGrainFactory grains, SiteLayout site) =>
            TypedResults.Ok(await grains.GetGrain<IYardGrain>(site.CrossingId).Snapshot()));
        api.MapPost("/crossing/arrivals", async (ArrivalRequest request, IGrainFactory grains, SiteLayout site) =>
            TypedResults.Ok(await Gate(grains, site).TruckArrived(TrucksApi.Normalize(request.Plate))));
        api.MapPost("/crossing/lanes/{laneId}/open", (string laneId, OperatorAction action, ClaimsPrincipal user, IGrainFactory grains, SiteLayout site) =>
            Act(site, laneId, () => Gate(grains, site).OpenLane(laneId, user.Actor())));
        api.MapPost("/crossing/lanes/{laneId}/close", (string laneId, OperatorAction action, ClaimsPrincipal user, IGrainFactory grains, SiteLayout site) =>
            Act(site, laneId, () => Gate(grains, site).CloseLane(laneId, user.Actor(), action.Reason ?? "closed by operator")));
        api.MapPost("/crossing/trucks/{plate}/hold", (string plate, OperatorAction action, ClaimsPrincipal user, IGrainFactory grains, SiteLayout site) =>
            Conflicts(() => Gate(grains, site).HoldTruck(TrucksApi.Normalize(plate), user.Actor(), action.Reason ?? "held by operator")));
        api.MapPost("/crossing/trucks/{plate}/release", (string plate, OperatorAction action, ClaimsPrincipal user, IGrainFactory grains, SiteLayout site) =>
            Conflicts(() => Gate(grains, site).ReleaseTruck(TrucksApi.Normalize(plate), user.Actor())));
        api.MapGet("/crossing/devices/{deviceId}", async Task<Results<Ok<DeviceStatus>, NotFound<ProblemDetailsBody>>> (string deviceId, IGrainFactory grains, SiteLayout site) =>
            KnownDevice(site, deviceId)
                ? TypedResults.Ok(await grains.GetGrain<IDeviceGrain>(CrossingIds.Device(site.CrossingId, deviceId)).Status())
                : TypedResults.NotFound(new ProblemDetailsBody($"Crossing {site.CrossingId} has no device '{deviceId}'.")));
        api.MapPost("/crossing/devices/{deviceId}/clear-fault", async Task<Results<NoContent, NotFound<ProblemDetailsBody>>> (string deviceId, OperatorAction action, ClaimsPrincipal user, IGrainFactory grains, SiteLayout site, ILogger<OperatorAction> log) =>
            await ReturnToServiceAsync(grains, site, deviceId, user.Actor(), action.Reason ?? string.Empty, log)
                ? TypedResults.NoContent()
                : TypedResults.NotFound(new ProblemDetailsBody($"Crossing {site.CrossingId} has no device '{deviceId}'.")))
            .RequireAuthorization(Policies.Supervisors);
        api.MapPost("/crossing/dispatch", async (IGrainFactory grains, SiteLayout site) =>
        {
            await Gate(grains, site).Dispatch();
            return TypedResults.NoContent();
        });
        return root;
    }

    private static bool KnownDevice(SiteLayout site, string deviceId) => site.Devices().Any(d => d.DeviceId == deviceId);

    /// <summary>
    /// Returns the device's equipment to service once it was checked (its alarm acknowledged): it may rejoin dispatch. The
    /// supervisor who did is logged (the device grain keeps no actor). False when the crossing has no such device.
    /// </summary>
    internal static async Task<bool> ReturnToServiceAsync(IGrainFactory grains, SiteLayout site, string deviceId, string supervisor, string reason, ILogger log)
    {
        if (!KnownDevice(site, deviceId))
        {
            return false;
        }

        await grains.GetGrain<IDeviceGrain>(CrossingIds.Device(site.CrossingId, deviceId)).ClearFault().ConfigureAwait(false);
        LogReturnedToService(log, deviceId, supervisor, reason);
        return true;
    }

    private static IGateGrain Gate(IGrainFactory grains, SiteLayout site) => grains.GetGrain<IGateGrain>(site.CrossingId);

    private static async Task<Results<NoContent, NotFound<ProblemDetailsBody>, Conflict<ProblemDetailsBody>>> Act(SiteLayout site, string laneId, Func<Task> action) =>
        site.Lanes.Any(l => l.Id == laneId)
            ? await Conflicts(action)
            : TypedResults.NotFound(new ProblemDetailsBody($"Crossing {site.CrossingId} has no lane '{laneId}'."));

    private static async Task<Results<NoContent, NotFound<ProblemDetailsBody>, Conflict<ProblemDetailsBody>>> Conflicts(Func<Task> action)
    {
        try
        {
            await action();
            return TypedResults.NoContent();
        }
        catch (InvalidTripTransitionException conflict)
        {
            return TypedResults.Conflict(new ProblemDetailsBody(conflict.Message));
        }
    }
}

internal sealed record ArrivalRequest(string Plate);

/// <summary>An operator's action: why (who acts is the signed-in operator).</summary>
internal sealed record OperatorAction(string? Reason);

internal sealed record SiteSummary(string CrossingId, string Name, string TimeZone);
