using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Trips;
using BorderGate.Devices.Simulation;
using BorderGate.Simulation.Plan;

namespace BorderGate.Simulation.Play;

public sealed partial class CrossingSimulation
{
    /// <summary>Names of the final states in the report besides the trip statuses.</summary>
    public static class Outcomes
    {
        public const string HeldAtEntrance = "HeldAtEntrance";
        public const string NotDeclared = "DeclarationRefused";
        public const string ContainersInYard = "containers_in_yard";
        public const string ContainersHandedOver = "containers_handed_over";
    }

    /// <summary>Every planned truck's final state, checked against the plan; every export container accounted for.</summary>
    private async Task<IReadOnlyDictionary<string, int>> CheckFinalStatesAsync(DayPlan plan, CancellationToken cancellationToken)
    {
        var gate = await GetAsync<GateView>("/api/crossing", cancellationToken).ConfigureAwait(false);
        var yard = await GetAsync<YardView>("/api/crossing/yard", cancellationToken).ConfigureAwait(false) ?? _lastYard;
        var route = _routeAvailable ? await GetAsync<RouteSnapshot>("/api/crossing/route", cancellationToken).ConfigureAwait(false) : null;
        if (route is not null)
        {
            _monitor.NoteRoute(route);
        }

        var heldAtEntrance = gate?.Held.Where(h => h.TripId is null).ToDictionary(h => h.Plate, h => h.Reason, StringComparer.Ordinal) ?? [];
        var inYard = yard?.Slots.Where(s => s.State == SlotState.Occupied && s.ContainerNumber is not null).Select(s => s.ContainerNumber!).ToHashSet(StringComparer.Ordinal) ?? [];
        var onVehicleNow = route?.Vehicles.Where(v => v.ContainerNumber is not null).ToDictionary(v => v.ContainerNumber!, v => v, StringComparer.Ordinal) ?? [];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var views = new TruckView?[plan.Trucks.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, plan.Trucks.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrentRequests), CancellationToken = cancellationToken },
            async (i, token) => views[i] = await GetAsync<TruckView>($"/api/trucks/{Uri.EscapeDataString(plan.Trucks[i].Plate)}", token).ConfigureAwait(false)).ConfigureAwait(false);

        for (var i = 0; i < plan.Trucks.Count; i++)
        {
            var truck = plan.Trucks[i];
            var trip = views[i]?.Current;
            string outcome;
            if (truck.Kind == ArrivalKind.Undeclared)
            {
                outcome = heldAtEntrance.TryGetValue(truck.Plate, out var reason) && !string.IsNullOrWhiteSpace(reason) ? Outcomes.HeldAtEntrance : "NotHeld";
                if (outcome != Outcomes.HeldAtEntrance)
                {
                    _monitor.Add($"undeclared truck {truck.Plate} was not held at the entrance with a reason");
                }
            }
            else if (trip is null)
            {
                outcome = Outcomes.NotDeclared;
            }
            else
            {
                outcome = trip.Status.ToString();
                CheckFinal(truck, trip);
                CheckContainer(truck, trip, inYard, onVehicleNow, counts);
            }

            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
        }

        return counts;
    }

    private void CheckFinal(PlannedTruck truck, TripView trip)
    {
        switch (trip.Status)
        {
            case TruckStatus.Completed when truck.Kind is not (ArrivalKind.NoShow or ArrivalKind.Overweight):
                break;
            case TruckStatus.NoShow when truck.Kind == ArrivalKind.NoShow:
                break;
            case TruckStatus.NoShow when trip.Window is { } window && _sightedAt.TryGetValue(truck.Plate, out var sighted) && sighted > window.End + _layout.Policy.NoShowAfter:
                // The player itself ran late (its timers lag at a high speed-up): the truck really came after its deadline.
                _monitor.Note("a truck planned before its no-show deadline reached the entrance camera after it (the player lagged); the gate was right to count it a no-show");
                break;
            case TruckStatus.Held when !string.IsNullOrWhiteSpace(trip.HeldReason):
                break;
            case TruckStatus.Held:
                _monitor.Add($"truck {truck.Plate} is held without a reason");
                break;
            case TruckStatus.NoShow when trip.Window is { } window:
                var seen = _sightedAt.TryGetValue(truck.Plate, out var at) ? $"seen at the entrance {at:MM-dd HH:mm:ss}" : "never seen at the entrance";
                _monitor.Add($"truck {truck.Plate} ({truck.Kind}) ended NoShow: {seen}, window {window.Start:MM-dd HH:mm}–{window.End:HH:mm}, no-show after {window.End + _layout.Policy.NoShowAfter:MM-dd HH:mm}");
                break;
            default:
                _monitor.Add($"truck {truck.Plate} ({truck.Kind}) ended {trip.Status}");
                break;
        }
    }

    /// <summary>An export container must end in the yard or handed over at the border (driverless trucks only unload there).</summary>
    private void CheckContainer(PlannedTruck truck, TripView trip, HashSet<string> inYard, Dictionary<string, VehicleView> onVehicleNow, Dictionary<string, int> counts)
    {
        if (truck.Direction != TripDirection.Export || truck.ContainerNumber is not { } container || trip.Status != TruckStatus.Completed)
        {
            return;
        }

        if (inYard.Contains(container))
        {
            counts[Outcomes.ContainersInYard] = counts.GetValueOrDefault(Outcomes.ContainersInYard) + 1;
            return;
        }

        if (onVehicleNow.TryGetValue(container, out var vehicle))
        {
            _monitor.Add($"container {container} is still on {vehicle.VehicleId} ({vehicle.Mode}) at the end of the day");
            return;
        }

        var loadedOnVehicle = trip.Events.Any(e => e.Name == "to driverless truck") || _monitor.SeenOnVehicle.ContainsKey(container);
        if (loadedOnVehicle || (_routeAvailable && trip.Events.Any(e => e.Name == "slot reserved") && !inYard.Contains(container) && _monitor.SeenOnVehicle.ContainsKey(container)))
        {
            counts[Outcomes.ContainersHandedOver] = counts.GetValueOrDefault(Outcomes.ContainersHandedOver) + 1;
            return;
        }

        _monitor.Add($"container {container} of {truck.Plate} is neither in the yard nor known to have crossed");
    }

    /// <summary>Injects the faults the options ask for, at their share of the day's arrivals.</summary>
    private async Task InjectFaultsAsync(DayPlan plan, CancellationToken cancellationToken)
    {
        if (_options.Faults == SimulationFaults.None || plan.Trucks.Count == 0)
        {
            return;
        }

        DateTimeOffset At(double share) => plan.Trucks[(int)Math.Min(plan.Trucks.Count - 1, share * plan.Trucks.Count)].DesiredArrival;
        var steps = new List<(DateTimeOffset At, string What, Func<Task> Act)>();
        if (_options.Faults.HasFlag(SimulationFaults.LaneDeviceDisconnect) && _layout.Lanes.Count > 2)
        {
            var camera = _fleet.Get<SimulatedPlateCamera>(_layout.Lanes[2].Devices.PlateCameraId);
            steps.Add((At(0.3), $"{camera.DeviceId} disconnects for 2 site minutes", async () =>
            {
                await camera.DisconnectAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMinutes(2), _clock, cancellationToken).ConfigureAwait(false);
                await camera.ConnectAsync(DeviceUri, cancellationToken).ConfigureAwait(false);
            }));
        }

        if (_options.Faults.HasFlag(SimulationFaults.CraneFaultMidMove) && _layout.Cranes.Count > 1)
        {
            var crane = _fleet.Get<SimulatedCraneController>(_layout.Cranes[1].ControllerId);
            steps.Add((At(0.4), $"{crane.DeviceId}'s next move faults halfway", () => { crane.Faults.FaultMidMove = true; return Task.CompletedTask; }));
        }

        if (_options.Faults.HasFlag(SimulationFaults.LaneDeviceFault) && _layout.Lanes.Count > 3)
        {
            var weighbridge = _fleet.Get<SimulatedWeighbridge>(_layout.Lanes[3].Devices.WeighbridgeId);
            steps.Add((At(0.5), $"{weighbridge.DeviceId} reports a load-cell fault", () => weighbridge.SendFaultAsync("load-cell", "load cell 3 out of range", cancellationToken: cancellationToken)));
        }

        if (_options.Faults.HasFlag(SimulationFaults.VehicleBreakdown) && _layout.DriverlessTrucks.Count > 0)
        {
            var vehicle = _fleet.Get<SimulatedVehicleController>(_layout.DriverlessTrucks[^1].ControllerId);
            steps.Add((At(0.6), $"{vehicle.DeviceId}'s next drive breaks down halfway", () => { vehicle.Faults.BreakdownOnRoute = true; return Task.CompletedTask; }));
        }

        foreach (var step in steps.OrderBy(s => s.At))
        {
            await UntilAsync(step.At, cancellationToken).ConfigureAwait(false);
            Say($"fault: {step.What}");
            await step.Act().ConfigureAwait(false);
        }
    }
}
