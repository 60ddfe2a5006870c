using BorderGate.Actors;
using BorderGate.Contracts.Devices;

namespace BorderGate.Contracts.Crossing;

/// <summary>A truck (key: normalized plate): its trip's lifecycle, every transition a timestamped event, and its history.</summary>
public interface ITruckGrain : IGrainWithStringKey
{
    /// <summary>Registers a validated trip with its booked window. Fails if a trip is already under way.</summary>
    Task<TripView> Register(TripRegistration trip, ArrivalWindow window);

    /// <summary>Moves the trip on; throws <see cref="InvalidTripTransitionException"/> for an illegal step.</summary>
    Task<TripView> Advance(TripTransition transition);

    [ReadOnly]
    Task<TruckView> Get();

    [ReadOnly]
    Task<TripView?> Current();
}

/// <summary>
/// The gate of a crossing (key: crossing id): bookings, the virtual queue, dispatch to lanes, inspection
/// bays, flow control and live KPIs. It owns the entrance camera.
/// </summary>
public interface IGateGrain : IDeviceEventSink
{
    Task<ArrivalWindow> Book(TripRegistration trip);

    /// <summary>A plate was read at the entrance (by the camera, or typed by an operator).</summary>
    Task<ArrivalDecision> TruckArrived(string plate);

    /// <summary>A lane finished with its truck.</summary>
    Task LaneFinished(string laneId, string plate, LaneOutcome outcome, string? reason);

    /// <summary>A lane's devices faulted (or recovered): it leaves (or rejoins) dispatch.</summary>
    Task LaneHealthChanged(string laneId, bool healthy, string? reason);

    Task OpenLane(string laneId, string by);

    Task CloseLane(string laneId, string by, string reason);

    Task HoldTruck(string plate, string by, string reason);

    Task ReleaseTruck(string plate, string by);

    /// <summary>The container of the truck is in the yard (or on a driverless truck): the truck's trip is complete.</summary>
    Task TransferDone(string plate);

    /// <summary>Runs dispatch now (operators' re-dispatch; tests).</summary>
    Task Dispatch();

    [ReadOnly]
    Task<GateView> Snapshot();

    [ReadOnly]
    Task<GateKpis> Kpis();

    /// <summary>Where a waiting truck stands in the queue (1-based) and its expected wait; null if not waiting.</summary>
    [ReadOnly]
    Task<QueuePosition?> PositionOf(string plate);
}

public sealed record QueuePosition(int Position, int Ahead, TimeSpan ExpectedWait);

/// <summary>A checkpoint lane (key: <see cref="Site.CrossingIds.Lane"/>): one truck at a time through the checks.</summary>
public interface ILaneGrain : IDeviceEventSink
{
    /// <summary>The gate calls a truck to this lane.</summary>
    Task Assign(QueueEntry truck);

    Task SetMode(LaneMode mode, string reason);

    [ReadOnly]
    Task<LaneView> Status();
}

public sealed class InvalidTripTransitionException : InvalidOperationException
{
    public InvalidTripTransitionException(string message) : base(message) { }

    public InvalidTripTransitionException() { }

    public InvalidTripTransitionException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The transfer yard of a crossing (key: crossing id): its blocks' slots, reservations that expire, the
/// container in each slot. Slots are chosen to balance the blocks; a slot is never booked twice.
/// </summary>
public interface IYardGrain : IGrainWithStringKey
{
    /// <summary>Reserves a slot for a container; null when the yard is full.</summary>
    Task<SlotReservation?> Reserve(string containerNumber);

    /// <summary>The container was put down in its reserved slot.</summary>
    Task Occupy(string slotId, string containerNumber);

    /// <summary>The container was lifted out of its slot (onto a driverless truck).</summary>
    Task Vacate(string slotId, string containerNumber);

    Task CancelReservation(string slotId);

    [ReadOnly]
    Task<YardView> Snapshot();
}

public sealed record SlotReservation(string SlotId, string BlockId, string ContainerNumber, DateTimeOffset ExpiresAt);

public enum SlotState
{
    Free,
    Reserved,
    Occupied,
}

public sealed record SlotView(string SlotId, string BlockId, SlotState State, string? ContainerNumber);

public sealed record YardView(int Capacity, int Occupied, int Reserved, IReadOnlyList<SlotView> Slots);

/// <summary>Where a container can be: on a road truck, in a yard slot, on a driverless truck, or on a crane's hoist (after a fault mid-move).</summary>
public enum PlaceKind
{
    Truck,
    Slot,
    DriverlessTruck,
    CraneHoist,
}

/// <summary>A place a crane reaches: what it is, its id (plate, slot id, vehicle id) and its position along the rail.</summary>
public sealed record ContainerPlace(PlaceKind Kind, string Id, double RailX);

/// <summary>One move of one container.</summary>
public sealed record CraneJob(string JobId, string ContainerNumber, ContainerPlace From, ContainerPlace To);

public enum CraneMode
{
    Idle,
    Moving,
    Faulted,
}

public sealed record CraneView(string CraneId, CraneMode Mode, double PositionX, CraneJob? Current, IReadOnlyList<CraneJob> Queue, string? Fault, IReadOnlyDictionary<string, ContainerPlace> ContainersOnHoist);

/// <summary>
/// A rail-mounted container crane (key: "crossing/crane-N"): a queue of moves done one at a time through
/// its controller device. A fault mid-move leaves the container at a known place and the job back at the
/// head of the queue.
/// </summary>
public interface ICraneGrain : IDeviceEventSink
{
    Task Enqueue(CraneJob job);

    [ReadOnly]
    Task<CraneView> Status();
}

/// <summary>Told by a crane when a move is done.</summary>
public interface ICraneJobObserver : IGrainWithStringKey
{
    [OneWay]
    Task OnCraneJobDone(string craneId, CraneJob job);
}
