using System.Collections.Concurrent;
using BorderGate.Contracts.Crossing;

namespace BorderGate.Simulation.Play;

/// <summary>
/// Checks every snapshot the simulation takes: never two trucks in a lane nor a truck in two places, no
/// container in two yard slots, never two vehicles in a route segment. Remembers which containers were
/// seen on driverless trucks (they leave them only at the handoff). Follows the crossing's feed too: every
/// step of every trip in order, so a second truck called to a lane before the first left it is caught even
/// between two snapshots.
/// </summary>
internal sealed class InvariantMonitor
{
    private const int MaxViolations = 500;
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, string> _seenOnVehicle = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _notes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _laneHolder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _holderLane = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, DateTimeOffset At)> _lastStep = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _laneFreedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), (int Count, double Seconds)> _steps = [];
    private int _count;

    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>Things worth knowing that break no invariant (silo defects worked around), with how often they happened.</summary>
    public IReadOnlyDictionary<string, int> Notes => new Dictionary<string, int>(_notes, StringComparer.Ordinal);

    public void Note(string note) => _notes.AddOrUpdate(note, 1, (_, n) => n + 1);

    /// <summary>Containers seen on a driverless truck, with the vehicle.</summary>
    public IReadOnlyDictionary<string, string> SeenOnVehicle => _seenOnVehicle;

    public void Add(string violation)
    {
        if (Interlocked.Increment(ref _count) <= MaxViolations)
        {
            _violations.Enqueue(violation);
        }
    }

    public void CheckGate(GateView gate)
    {
        var places = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var lane in gate.Lanes.Where(l => l.Plate is not null))
        {
            if (!places.TryAdd(lane.Plate!, lane.LaneId))
            {
                Add($"truck {lane.Plate} is in two lanes at once: {places[lane.Plate!]} and {lane.LaneId}");
            }
        }

        foreach (var entry in gate.Queue)
        {
            if (places.TryGetValue(entry.Plate, out var lane))
            {
                Add($"truck {entry.Plate} is both waiting in the queue and called to {lane}");
            }
        }

        var laneIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var lane in gate.Lanes)
        {
            if (!laneIds.Add(lane.LaneId))
            {
                Add($"lane {lane.LaneId} appears twice in the crossing snapshot");
            }
        }
    }

    /// <summary>A truck holds the lane it was called to until it leaves it (through the barrier, to a bay, held, or sent back).</summary>
    public static bool HoldsALane(TruckStatus status) => status is TruckStatus.Called or TruckStatus.InLane;

    /// <summary>One step of a trip from the feed (called in sequence order, from one reader).</summary>
    /// <summary>A container handed over at the border, from the feed (so no handover between two snapshots goes unseen).</summary>
    public void OnContainerCrossed(ContainerCrossed crossed)
    {
        ArgumentNullException.ThrowIfNull(crossed);
        _seenOnVehicle[crossed.ContainerNumber] = crossed.VehicleId;
    }

    /// <summary>The site time between consecutive steps of the trucks' trips, most frequent first; "lane idle" is a lane's gap between trucks.</summary>
    public IReadOnlyList<StepTime> StepTimes
    {
        get
        {
            lock (_steps)
            {
                return [.. _steps.OrderByDescending(s => s.Value.Count).Select(s => new StepTime(s.Key.From, s.Key.To, s.Value.Count, s.Value.Seconds / s.Value.Count))];
            }
        }
    }

    public void OnTruckMoved(TruckMoved moved)
    {
        if (_lastStep.TryGetValue(moved.Plate, out var previous))
        {
            Time(previous.Name, moved.Event, moved.At - previous.At);
        }

        _lastStep[moved.Plate] = (moved.Event, moved.At);
        if (moved is { Event: TripEventNames.Called, LaneId: { } calledTo } && _laneFreedAt.TryGetValue(calledTo, out var freed))
        {
            Time("lane freed", "next truck called", moved.At - freed);
        }

        if (moved is { Event: TripEventNames.Called, LaneId: { } laneId })
        {
            if (_laneHolder.TryGetValue(laneId, out var holder) && holder != moved.Plate)
            {
                Add($"truck {moved.Plate} called to {laneId} while {holder} still held it");
            }

            if (_holderLane.TryGetValue(moved.Plate, out var other) && other != laneId)
            {
                Add($"truck {moved.Plate} called to {laneId} while it still held {other}");
            }

            _laneHolder[laneId] = moved.Plate;
            _holderLane[moved.Plate] = laneId;
        }
        else if (!HoldsALane(moved.Status) && _holderLane.Remove(moved.Plate, out var left))
        {
            _laneHolder.Remove(left);
            _laneFreedAt[left] = moved.At;
        }
    }

    /// <summary>A step measured from something the simulation did (a sighting sent) to its trace on the feed.</summary>
    public void Time(string from, string to, TimeSpan took)
    {
        lock (_steps)
        {
            var (count, seconds) = _steps.GetValueOrDefault((from, to));
            _steps[(from, to)] = (count + 1, seconds + took.TotalSeconds);
        }
    }

    public void CheckYard(YardView yard)
    {
        var slots = new HashSet<string>(StringComparer.Ordinal);
        var containers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var slot in yard.Slots)
        {
            if (!slots.Add(slot.SlotId))
            {
                Add($"yard slot {slot.SlotId} is listed twice");
            }

            if (slot.State != SlotState.Free && slot.ContainerNumber is { } container && !containers.TryAdd(container, slot.SlotId))
            {
                Add($"container {container} holds two yard slots: {containers[container]} and {slot.SlotId}");
            }
        }

        var occupied = yard.Slots.Count(s => s.State == SlotState.Occupied);
        if (occupied != yard.Occupied)
        {
            Add($"the yard counts {yard.Occupied} occupied slots but lists {occupied}");
        }
    }

    /// <summary>Remembers the containers the route snapshot shows on driverless trucks.</summary>
    public void NoteRoute(RouteSnapshot route)
    {
        foreach (var vehicle in route.Vehicles)
        {
            if (vehicle.ContainerNumber is { } container && vehicle.Mode is not VehicleMode.Idle)
            {
                _seenOnVehicle[container] = vehicle.VehicleId;
            }
        }
    }

    /// <summary>
    /// Where the vehicles physically are, as their simulated controllers enter and leave segments (told at that moment, one
    /// at a time): never two in one segment. Sampling the controllers instead raced with them on a busy machine (a sampler
    /// preempted between two reads saw the vehicle ahead still in a segment and the one behind already in it).
    /// </summary>
    public void OnSegmentChanged(string vehicleId, string segment, bool entered)
    {
        lock (_occupants)
        {
            if (!entered)
            {
                if (_occupants.GetValueOrDefault(segment) == vehicleId)
                {
                    _occupants.Remove(segment);
                }

                return;
            }

            if (_occupants.TryGetValue(segment, out var occupant) && occupant != vehicleId)
            {
                Add($"two vehicles in segment {segment}: {occupant} and {vehicleId}");
            }

            _occupants[segment] = vehicleId;
        }
    }

    private readonly Dictionary<string, string> _occupants = new(StringComparer.Ordinal);
}
