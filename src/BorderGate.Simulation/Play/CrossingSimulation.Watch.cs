using System.Diagnostics;
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
        if (_options.ProgressEvery > TimeSpan.Zero && Stopwatch.GetTimestamp() >= _nextProgress)
        {
            _nextProgress = Stopwatch.GetTimestamp() + (long)(_options.ProgressEvery.TotalSeconds * Stopwatch.Frequency);
            var counts = string.Join(", ", gate.Kpis.TrucksByStatus.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"));
            Say($"{counts}; {Volatile.Read(ref _pendingArrivals)} still to come; yard {gate.Kpis.YardOccupied}+{gate.Kpis.YardReserved}/{gate.Kpis.YardCapacity}");
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

    /// <summary>
    /// Follows the crossing's feed from when the day starts and acts as the drivers do: a truck called to a lane
    /// drives there; once the lane has read its plate it rolls onto the weighbridge; when it leaves the lane
    /// (through the barrier, to inspection, held, or sent back to the queue) the deck is empty again. Reconnects
    /// after a dropped connection from the last sequence seen, so no step is missed.
    /// </summary>
    private async Task FollowFeedAsync(IAsyncEnumerable<FeedItem> feed, CancellationToken cancellationToken)
    {
        long last = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var item in feed.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    last = item.Sequence;
                    Interlocked.Increment(ref _feedEvents);
                    if (item.Event is TruckMoved moved)
                    {
                        OnTruckMoved(moved);
                    }
                    else if (item.Event is ContainerCrossed crossed)
                    {
                        _monitor.OnContainerCrossed(crossed);
                    }
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                Say($"feed dropped after {last}: {exception.Message}; reconnecting");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            feed = await CrossingFeedReader.OpenAsync(_http, _options.SiloUrl, last, cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnTruckMoved(TruckMoved moved)
    {
        _monitor.OnTruckMoved(moved);
        if (moved.Event == TripEventNames.Arrived && _sightedAt.TryGetValue(moved.Plate, out var sighted))
        {
            _monitor.Time("sighting sent", "admitted", moved.At - sighted);
        }

        switch (moved)
        {
            case { Event: TripEventNames.Called, LaneId: { } laneId }:
                var called = new LaneVisit(moved.Plate);
                _visits[laneId] = called;
                _laneOf[moved.Plate] = laneId;
                _ = Background(DriveToLaneAsync(laneId, called));
                break;
            case { Event: TripEventNames.PlateRead, LaneId: { } laneId } when _visits.GetValueOrDefault(laneId) is { } arrived && arrived.Plate == moved.Plate:
                var kg = _planned.TryGetValue(moved.Plate, out var planned) ? planned.WeighedKg : 20_000;
                arrived.OnWeighbridge = true;
                _ = Background(Weighbridge(laneId).PlaceTruckAsync(moved.Plate, kg));
                break;
            case { Status: var status } when !InvariantMonitor.HoldsALane(status) && _laneOf.TryRemove(moved.Plate, out var laneId):
                if (_visits.GetValueOrDefault(laneId) is { } left && left.Plate == moved.Plate && _visits.TryRemove(new KeyValuePair<string, LaneVisit>(laneId, left)) && left.OnWeighbridge)
                {
                    _ = Background(Weighbridge(laneId).ClearAsync());
                }

                break;
        }
    }

    /// <summary>The called truck drives from the waiting area to its lane, where the lane's camera sees it.</summary>
    private async Task DriveToLaneAsync(string laneId, LaneVisit visit)
    {
        await Task.Delay(_options.DriveToLane, _clock).ConfigureAwait(false);
        if (IsCurrent(laneId, visit))
        {
            await _fleet.Get<SimulatedPlateCamera>(_lanes[laneId].Devices.PlateCameraId).SightAsync(visit.Plate).ConfigureAwait(false);
        }
    }

    private bool IsCurrent(string laneId, LaneVisit visit) => ReferenceEquals(_visits.GetValueOrDefault(laneId), visit);

    private SimulatedWeighbridge Weighbridge(string laneId) => _fleet.Get<SimulatedWeighbridge>(_lanes[laneId].Devices.WeighbridgeId);

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

    /// <summary>
    /// Follows the simulated vehicles into and out of segments (<see cref="InvariantMonitor.OnSegmentChanged"/>), and times
    /// them: a segment driven, the stop between two segments on the way, the stay at the yard and at the handoff point.
    /// </summary>
    private void FollowVehicles()
    {
        var route = _layout.Route;
        foreach (var vehicle in _layout.DriverlessTrucks.Select(v => _fleet.Get<SimulatedVehicleController>(v.ControllerId)))
        {
            var last = (Segment: (string?)null, Entered: false, At: DateTimeOffset.MinValue);
            vehicle.SegmentChanged = (controller, segment, entered) =>
            {
                _monitor.OnSegmentChanged(controller.DeviceId, segment, entered);
                var now = _clock.GetUtcNow();
                if (entered && last is { Entered: false, Segment: { } from })
                {
                    var at = route.Segments.First(s => s.Id == from).To;
                    var stop = at == route.YardWaypointId ? "at the yard" : at == route.HandoffWaypointId ? "at the handoff" : "between segments";
                    _monitor.Time("vehicle stopped", stop, now - last.At);
                }
                else if (!entered && last is { Entered: true } && last.Segment == segment)
                {
                    _monitor.Time("vehicle in segment", "segment left", now - last.At);
                }

                last = (segment, entered, now);
            };
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
