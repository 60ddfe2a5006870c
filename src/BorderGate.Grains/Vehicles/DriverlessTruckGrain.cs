using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Vehicles;

/// <summary>
/// A driverless truck (key: "crossing/agv-NN") on the closed route: loaded at the yard, it drives segment by
/// segment to the handoff point, holding each segment alone, hands the container to the partner side and
/// drives back. A breakdown keeps its segment, so the vehicles behind it stop; the fault raises an alarm.
/// </summary>
/// <remarks>
/// The vehicle stores its leg (where it goes, with what container) when the leg starts and ends, and its state when it
/// breaks down; where it is along the leg is the route's to store (its segment locks are written at every segment end).
/// After a restart mid-leg the vehicle takes its place from the route's locks and asks its controller to drive its
/// segment again (the controller reports its position at the segment's end, where it may be already).
/// </remarks>
public sealed partial class DriverlessTruckGrain(
    [PersistentState("vehicle")] IPersistentState<VehicleState> state,
    CrossingSites sites,
    ILogger<DriverlessTruckGrain> logger) : Grain, IDriverlessTruckGrain
{
    private SiteLayout _layout = null!;
    private DriverlessTruckLayout _vehicle = null!;
    private IGrainTimer? _depart;

    private VehicleState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_layout, var vehicleId) = sites.Resolve(GrainKey);
        _vehicle = _layout.DriverlessTrucks.FirstOrDefault(v => v.Id == vehicleId)
            ?? throw new KeyNotFoundException($"Crossing {_layout.CrossingId} has no driverless truck '{vehicleId}'.");
        S.Waypoint ??= _vehicle.HomeWaypointId;
        return S.Mode is VehicleMode.Outbound or VehicleMode.Returning or VehicleMode.Blocked ? TakePlaceFromRouteAsync() : Task.CompletedTask;
    }

    /// <summary>
    /// Mid-leg after a restart: the segment the route gives this vehicle is where it is (it drives it again: a new command
    /// id, so that the controller answers with its position at the segment's end); the segment it waits for is where it
    /// waits; neither, and it is where its last stored place says (the start of its leg, or the end of it).
    /// </summary>
    private async Task TakePlaceFromRouteAsync()
    {
        var route = await Route.Status();
        var held = route.Holders.Where(h => h.Value == _vehicle.Id).Select(h => h.Key).FirstOrDefault();
        var awaited = route.Waiting.Where(w => w.Value.Contains(_vehicle.Id)).Select(w => w.Key).FirstOrDefault();
        var destination = S.Leg == VehicleMode.Outbound ? _layout.Route.HandoffWaypointId : _layout.Route.YardWaypointId;
        if ((held ?? awaited) is { } segmentId)
        {
            S.Waypoint = SegmentOf(segmentId).From;
        }

        S.Path = [.. RoutePlanner.Path(_layout.Route, S.Waypoint!, destination)];
        S.Segment = held;
        S.Mode = held is null && awaited is not null ? VehicleMode.Blocked : S.Leg;
        LogResumed(logger, _vehicle.Id, S.Leg, held, awaited, S.Waypoint!);
        _depart?.Dispose();
        _depart = RunOnce(
            () =>
            {
                _depart = null;
                return S.Mode == VehicleMode.Blocked ? Task.CompletedTask
                    : S.Segment is { } segment ? DriveAsync(segment, resumed: true)
                    : DriveNextAsync();
            },
            TimeSpan.Zero);
    }

    public async Task ReserveFor(string containerNumber)
    {
        if (S.Mode != VehicleMode.Idle)
        {
            throw new InvalidOperationException($"Driverless truck {_vehicle.Id} is {S.Mode}, not idle at the yard.");
        }

        S.Mode = VehicleMode.Loading;
        S.ContainerNumber = containerNumber;
        S.Since = TimeProvider.GetUtcNow();
        await state.WriteStateAsync();
    }

    public async Task Loaded(string containerNumber)
    {
        if (S.Mode != VehicleMode.Loading || S.ContainerNumber != containerNumber)
        {
            throw new InvalidOperationException($"Driverless truck {_vehicle.Id} was not waiting for container {containerNumber} ({S.Mode}, {S.ContainerNumber}).");
        }

        // The outbound leg is stored before the answer; the drive starts in a turn of its own, so that the gate (which
        // reports the container loaded) does not wait for the route and the controller's acknowledgement.
        SetLeg(VehicleMode.Outbound, _layout.Route.HandoffWaypointId);
        await state.WriteStateAsync();
        _depart?.Dispose();
        _depart = RunOnce(
            () =>
            {
                _depart = null;
                return S.Mode == VehicleMode.Outbound && S.Segment is null ? DriveNextAsync() : Task.CompletedTask;
            },
            TimeSpan.Zero);
    }

    public async Task OnSegmentGranted(string segmentId)
    {
        if (S.Segment == segmentId)
        {
            // Taken already: the grant came while the vehicle was away (collected as idle, or restarted), and it took its
            // place from the route's locks on activation.
            return;
        }

        if (S.Mode != VehicleMode.Blocked || S.Path.Count == 0 || S.Path[0] != segmentId)
        {
            // Not waiting for it any more: give it back so that nobody is held up.
            await Route.Release(segmentId, _vehicle.Id);
            return;
        }

        S.Mode = S.Leg;
        await EnterSegmentAsync(segmentId);
    }

    public Task<VehicleView> Status() =>
        Task.FromResult(new VehicleView(_vehicle.Id, S.Mode, S.Waypoint!, S.Segment, S.ContainerNumber, S.Fault, S.Since));

    public async Task OnDeviceEvent(DeviceEvent deviceEvent)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        if (deviceEvent.IsFault)
        {
            S.FaultCode = deviceEvent.Name;
            await BreakDownAsync($"{deviceEvent.Name}: {deviceEvent.Data.GetValueOrDefault("message")}");
            return;
        }

        switch (deviceEvent.Name)
        {
            case "position" when S.Segment is { } segment && deviceEvent.Data.GetValueOrDefault("waypoint") == SegmentOf(segment).To:
                await ArriveAsync(segment);
                break;
            case DeviceEventNames.FaultCleared or DeviceEventNames.Online
                when S.Mode == VehicleMode.BrokenDown && DeviceEventNames.IsRecovery(deviceEvent, S.FaultCode):
                S.Mode = S.Leg;
                S.Fault = null;
                S.FaultCode = null;
                await state.WriteStateAsync();
                if (S.Segment is { } held)
                {
                    await DriveAsync(held);
                }
                else
                {
                    await DriveNextAsync();
                }

                break;
        }
    }

    private void SetLeg(VehicleMode leg, string destination)
    {
        S.Leg = leg;
        S.Mode = leg;
        S.Path = [.. RoutePlanner.Path(_layout.Route, S.Waypoint!, destination)];
        S.Since = TimeProvider.GetUtcNow();
    }

    private async Task DriveNextAsync()
    {
        if (S.Path.Count == 0)
        {
            await EndLegAsync();
            return;
        }

        var next = S.Path[0];
        if (!await Route.Acquire(next, _vehicle.Id))
        {
            // Waiting for the segment is the route's to store (its queue of the segment); the route grants it in turn.
            S.Mode = VehicleMode.Blocked;
            S.Since = TimeProvider.GetUtcNow();
            return;
        }

        await EnterSegmentAsync(next);
    }

    /// <summary>Into a segment the route has granted (and stored): where the vehicle is is the route's record.</summary>
    private Task EnterSegmentAsync(string segmentId)
    {
        S.Segment = segmentId;
        S.Since = TimeProvider.GetUtcNow();
        return DriveAsync(segmentId);
    }

    private async Task DriveAsync(string segmentId, bool resumed = false)
    {
        var segment = SegmentOf(segmentId);
        var commandId = $"{GrainKey}/{S.Trips}/{segmentId}/{S.Leg}" + (resumed ? $"/resumed-{TimeProvider.GetUtcNow().UtcTicks}" : "");
        var result = await Controller.Execute(new DeviceCommand(commandId, "drive",
            new Dictionary<string, string> { ["segment"] = segmentId, ["to"] = segment.To, ["lengthMetres"] = segment.LengthMetres.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        if (result.Outcome != CommandOutcome.Acknowledged && S.Segment == segmentId && S.Mode != VehicleMode.BrokenDown)
        {
            await BreakDownAsync($"drive command {result.Outcome}: {result.Error}");
        }
    }

    /// <summary>
    /// At the end of a segment: released and the next one asked for in one step of the route (which stores it: the
    /// vehicle's place along its leg is the route's record), then on it drives. At the end of its last segment the vehicle
    /// stores its place first, then releases the segment: a restart in between finds it holding the segment (it is asked
    /// to drive it again and reports itself there), or at the end of its leg.
    /// </summary>
    private async Task ArriveAsync(string segmentId)
    {
        var segment = SegmentOf(segmentId);
        var path = S.Path.Where(s => s != segmentId).ToList();
        S.Waypoint = segment.To;
        S.Path = path;
        S.Since = TimeProvider.GetUtcNow();
        if (path.Count == 0)
        {
            S.Segment = null;
            await state.WriteStateAsync();
            await Route.Release(segmentId, _vehicle.Id);
            await EndLegAsync();
            return;
        }

        var next = path[0];
        var granted = await Route.Advance(_vehicle.Id, segmentId, next);
        if (!granted)
        {
            S.Segment = null;
            S.Mode = VehicleMode.Blocked;
            return;
        }

        S.Segment = next;
        await DriveAsync(next);
    }

    private async Task EndLegAsync()
    {
        if (S.Leg == VehicleMode.Outbound)
        {
            // The handover and the way back, stored at once.
            var container = S.ContainerNumber!;
            S.ContainerNumber = null;
            S.Trips++;
            SetLeg(VehicleMode.Returning, _layout.Route.YardWaypointId);
            await state.WriteStateAsync();
            LogHandedOver(logger, _vehicle.Id, container);
            await PublishCrossedAsync(container);
            await Fleet.OnContainerHandedOver(_vehicle.Id, container);
            await DriveNextAsync();
            return;
        }

        S.Mode = VehicleMode.Idle;
        S.Leg = VehicleMode.Idle;
        S.Since = TimeProvider.GetUtcNow();
        await state.WriteStateAsync();
        await Fleet.OnVehicleIdle(_vehicle.Id);
    }

    /// <summary>
    /// The handover on the crossing's feed, for the control room and whoever follows the containers. The handover is stored
    /// already and stands: a feed that cannot be written to is logged and counted.
    /// </summary>
    private async Task PublishCrossedAsync(string container)
    {
        var crossed = new ContainerCrossed(_layout.CrossingId, TimeProvider.GetUtcNow(), _vehicle.Id, container);
        if (await CrossingFeed.TryPublishAsync(GetStreamProvider(CrossingEvent.StreamProvider), crossed) is { } failure)
        {
            LogFeedFailed(logger, _vehicle.Id, container, failure);
        }
    }

    private async Task BreakDownAsync(string reason)
    {
        S.Mode = VehicleMode.BrokenDown;
        S.Fault = reason;
        S.Since = TimeProvider.GetUtcNow();
        await state.WriteStateAsync();
        LogBrokeDown(logger, _vehicle.Id, S.Segment, reason);
        await Fleet.OnVehicleBrokeDown(_vehicle.Id, reason);
    }

    private RouteSegment SegmentOf(string segmentId) =>
        _layout.Route.Segments.FirstOrDefault(s => s.Id == segmentId) ?? throw new KeyNotFoundException($"The route has no segment '{segmentId}'.");

    private IRouteGrain Route => GrainFactory.GetGrain<IRouteGrain>(_layout.CrossingId);

    private IFleetObserver Fleet => GrainFactory.GetGrain<IFleetObserver>(_layout.CrossingId);

    private IDeviceGrain Controller => GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(_layout.CrossingId, _vehicle.ControllerId));

    [LoggerMessage(2403, LogLevel.Warning, "Driverless truck {Vehicle}: the handover of container {Container} is stored but could not be published on the crossing feed")]
    private static partial void LogFeedFailed(ILogger logger, string vehicle, string container, Exception exception);

    [LoggerMessage(2404, LogLevel.Information, "Driverless truck {Vehicle} resumed its {Leg} leg after a restart: holding segment {Held}, waiting for {Awaited}, at {Waypoint}")]
    private static partial void LogResumed(ILogger logger, string vehicle, VehicleMode leg, string? held, string? awaited, string waypoint);

    [LoggerMessage(2401, LogLevel.Debug, "Driverless truck {Vehicle} handed container {Container} to the partner side")]
    private static partial void LogHandedOver(ILogger logger, string vehicle, string container);

    [LoggerMessage(2402, LogLevel.Warning, "Driverless truck {Vehicle} broke down on segment {Segment}: {Reason}")]
    private static partial void LogBrokeDown(ILogger logger, string vehicle, string? segment, string reason);
}
