using System.Net.Http.Json;
using BorderGate.Contracts.Crossing;
using BorderGate.Devices.Simulation;
using BorderGate.Simulation.Plan;

namespace BorderGate.Simulation.Play;

public sealed partial class CrossingSimulation
{
    /// <summary>Polls the crossing, checks each snapshot and sends called trucks to their lanes.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        using var ticker = new PeriodicTimer(_options.PollInterval);
        do
        {
            try
            {
                await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException exception)
            {
                Say($"poll failed: {exception.Message}");
            }
        }
        while (await ticker.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var gate = await GetAsync<GateView>("/api/crossing", cancellationToken).ConfigureAwait(false);
        if (gate is null)
        {
            return;
        }

        Interlocked.Increment(ref _polls);
        _monitor.CheckGate(gate);
        _lastGate = gate;
        foreach (var lane in gate.Lanes)
        {
            OnLaneSeen(lane);
        }

        var yard = await GetAsync<YardView>("/api/crossing/yard", cancellationToken).ConfigureAwait(false);
        if (yard is not null)
        {
            _monitor.CheckYard(yard);
            _lastYard = yard;
        }

        if (_routeAvailable)
        {
            var route = await GetAsync<RouteSnapshot>("/api/crossing/route", cancellationToken).ConfigureAwait(false);
            if (route is null)
            {
                _routeAvailable = false;
                Say("the silo has no GET /api/crossing/route: containers on driverless trucks are judged from trip events only");
            }
            else
            {
                _monitor.NoteRoute(route);
                _lastRoute = route;
            }
        }
    }

    /// <summary>A lane's truck changed: the one that left rolls off the weighbridge, a new one drives up.</summary>
    private void OnLaneSeen(LaneView lane)
    {
        var current = _visits.GetValueOrDefault(lane.LaneId);
        if (current is not null && (lane.Plate != current.Plate || lane.Since != current.Since))
        {
            _visits.TryRemove(lane.LaneId, out _);
            if (current.OnWeighbridge)
            {
                _ = Background(Weighbridge(lane.LaneId).ClearAsync());
            }
        }

        if (lane.Plate is { } plate && (current is null || current.Plate != plate || current.Since != lane.Since))
        {
            var visit = new LaneVisit(plate, lane.Since);
            if (_visits.TryAdd(lane.LaneId, visit))
            {
                _ = Background(DriveThroughLaneAsync(lane.LaneId, visit));
            }
        }
    }

    /// <summary>The called truck drives to the lane, is seen by its camera and, once the lane has it, rolls onto the weighbridge.</summary>
    private async Task DriveThroughLaneAsync(string laneId, LaneVisit visit)
    {
        await Task.Delay(_options.DriveToLane, _clock).ConfigureAwait(false);
        if (!IsCurrent(laneId, visit))
        {
            return;
        }

        var layoutLane = _layout.Lanes.First(l => l.Id == laneId);
        await _fleet.Get<SimulatedPlateCamera>(layoutLane.Devices.PlateCameraId).SightAsync(visit.Plate).ConfigureAwait(false);

        // The driver's phone says "follow-lane" once the lane has read the plate: then onto the weighbridge.
        var giveUpAt = _clock.GetUtcNow() + _layout.Policy.CallTimeout;
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(_options.PollInterval.TotalMilliseconds / 4, 2, 50));
        while (IsCurrent(laneId, visit) && _clock.GetUtcNow() < giveUpAt)
        {
            var status = await GetAsync<DriverStatusBody>($"/api/trucks/{Uri.EscapeDataString(visit.Plate)}/status", CancellationToken.None).ConfigureAwait(false);
            if (status?.Status == TruckStatus.InLane)
            {
                var kg = _planned.TryGetValue(visit.Plate, out var planned) ? planned.WeighedKg : 20_000;
                visit.OnWeighbridge = true;
                await Weighbridge(laneId).PlaceTruckAsync(visit.Plate, kg).ConfigureAwait(false);
                return;
            }

            if (status?.Status is not TruckStatus.Called)
            {
                return;
            }

            await Task.Delay(poll).ConfigureAwait(false);
        }
    }

    private bool IsCurrent(string laneId, LaneVisit visit) => ReferenceEquals(_visits.GetValueOrDefault(laneId), visit);

    private SimulatedWeighbridge Weighbridge(string laneId) =>
        _fleet.Get<SimulatedWeighbridge>(_layout.Lanes.First(l => l.Id == laneId).Devices.WeighbridgeId);

    private async Task Background(Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
        {
            Say($"background step failed: {exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>Reads where the simulated vehicles physically are, often, and checks that no segment holds two.</summary>
    private async Task SampleVehiclesAsync(CancellationToken cancellationToken)
    {
        var vehicles = _layout.DriverlessTrucks.Select(v => _fleet.Get<SimulatedVehicleController>(v.ControllerId)).ToList();
        using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
        while (await ticker.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            _monitor.CheckSegments(vehicles.Select(v => (v.DeviceId, v.Segment)));
        }
    }

    /// <summary>Waits until nothing is under way: no truck booked, waiting, in a lane, in inspection or transfer, every vehicle home.</summary>
    private async Task SettleAsync(DayPlan plan, CancellationToken cancellationToken)
    {
        var lastWindowEnd = _windows.Values.Select(w => w.End).DefaultIfEmpty(_clock.GetUtcNow()).Max();
        var noShowsDueBy = lastWindowEnd + _layout.Policy.NoShowAfter + TimeSpan.FromMinutes(2);
        var settledPolls = 0;
        var realDeadline = DateTime.UtcNow + _options.SettleTimeout;
        while (true)
        {
            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            if (IsQuiet())
            {
                if (++settledPolls >= 3)
                {
                    return;
                }

                continue;
            }

            settledPolls = 0;

            // No-shows are only declared after their cutoff: the deadline counts from then.
            if (_clock.GetUtcNow() < noShowsDueBy)
            {
                realDeadline = DateTime.UtcNow + _options.SettleTimeout;
            }
            else if (DateTime.UtcNow > realDeadline)
            {
                Say($"the crossing did not settle within {_options.SettleTimeout.TotalSeconds:0} s; what is left is reported");
                return;
            }
        }
    }

    private bool IsQuiet()
    {
        if (_lastGate is not { } gate)
        {
            return false;
        }

        var busy = gate.Kpis.TrucksByStatus.Where(s => s.Key is TruckStatus.Booked or TruckStatus.Waiting or TruckStatus.Called or TruckStatus.Inspection or TruckStatus.Transfer).Sum(s => s.Value);
        var vehiclesHome = _lastRoute is not { } route || route.Vehicles.All(v => v.Mode is VehicleMode.Idle or VehicleMode.BrokenDown);
        var cranesDone = !_routeAvailable || _lastRoute is not { } r || r.Vehicles.All(v => v.Mode != VehicleMode.Loading);
        return busy == 0 && gate.Lanes.All(l => l.Plate is null) && vehiclesHome && cranesDone && Volatile.Read(ref _pendingArrivals) == 0;
    }
}
