using BorderGate.Actors;
using BorderGate.Contracts.Devices;

namespace BorderGate.Contracts.Crossing;

/// <summary>A truck (key: normalized plate): its trip's lifecycle, every transition a timestamped event, and its history.</summary>
public interface ITruckGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers a validated trip at crossing <paramref name="crossingId"/> with its booked window. Fails if a
    /// trip is already under way. Every step of the trip from here on is published on that crossing's feed.
    /// </summary>
    Task<TripView> Register(string crossingId, TripRegistration trip, ArrivalWindow window);

    /// <summary>Moves the trip on; throws <see cref="InvalidTripTransitionException"/> for an illegal step.</summary>
    Task<TripView> Advance(TripTransition transition);

    /// <summary>
    /// Moves the trip on by several steps in order, stored in one write (each step published on the feed in turn); throws
    /// <see cref="InvalidTripTransitionException"/>, and stores none of them, if any step is illegal after those before it.
    /// </summary>
    Task<TripView> AdvanceAll(IReadOnlyList<TripTransition> transitions);

    [ReadOnly]
    Task<TruckView> Get();

    [ReadOnly]
    Task<TripView?> Current();
}

/// <summary>
/// The arrival-slot bookings of a crossing (key: crossing id): it chooses each declared trip's window, keeps the
/// count of trips booked and not yet come, and lapses the bookings of trucks that did not come (no-shows, when the
/// gate's clock says so). Apart from the gate, so that declarations (thousands on the peak day) do not wait in the
/// gate's queue behind its trucks.
/// </summary>
public interface IBookingLedgerGrain : IGrainWithStringKey
{
    /// <summary>Books the first arrival window at or after the desired time (now when none) that still has room.</summary>
    Task<ArrivalWindow> Book(TripRegistration trip);

    /// <summary>Books the trip again in its own window (a truck held before it came, released).</summary>
    Task Rebook(TripRegistration trip, ArrivalWindow window);

    /// <summary>Bookings were taken out of their windows (the trucks came, or were held): that many fewer are booked.</summary>
    Task Taken(int count);

    /// <summary>
    /// Trips booked and not yet come. Answered at once, even while the ledger stores a booking (that booking counted): the
    /// gate's snapshot, polled many times a second, must not wait behind the declarations of a busy day.
    /// </summary>
    [AlwaysInterleave]
    Task<int> BookedCount();

    /// <summary>
    /// Lapses the bookings whose no-show deadline passed before <paramref name="seenBefore"/> (and before now). Sent by the
    /// gate's sweep clock, which passes the sighting time of the oldest sighting it has not admitted yet: a truck seen in
    /// time is never swept as a no-show because the gate was busy.
    /// </summary>
    [OneWay]
    Task ExpireNoShows(DateTimeOffset seenBefore);

    /// <summary>Takes over the counts a gate stored before bookings had a grain of their own; only the first call counts.</summary>
    Task Adopt(int bookedCount, IReadOnlyDictionary<long, int> windowLoad);
}

/// <summary>
/// The gate of a crossing (key: crossing id): the virtual queue, dispatch to lanes, inspection bays, flow control
/// and live KPIs. It owns the entrance camera. Bookings are the <see cref="IBookingLedgerGrain"/>'s. What frees a lane,
/// a crane or a vehicle is handled ahead of new arrivals (<see cref="PriorityAttribute"/>): on the peak day thousands
/// of sightings may wait, and a lane that waits behind them to be given its next truck is a lane standing idle.
/// </summary>
public interface IGateGrain : IDeviceEventSink
{

    /// <summary>A plate was read at the entrance (by the camera, or typed by an operator).</summary>
    Task<ArrivalDecision> TruckArrived(string plate);

    /// <summary>
    /// Trucks seen at the entrance, each at its own moment, admitted together (the <see cref="IEntranceGrain"/> gathers
    /// the camera's sightings and hands them over in batches): one call per batch instead of one per truck.
    /// </summary>
    Task<IReadOnlyList<ArrivalDecision>> Admit(IReadOnlyList<EntranceSighting> sightings);

    /// <summary>
    /// A lane finished with its truck (its own state stored already). One-way, and noted at once whatever the gate is doing:
    /// the gate's next turn, ahead of queued arrivals, deals with every lane reported by then in one write. A report lost (a
    /// restart) is made good by the gate's check of its lanes (<see cref="LaneLacks"/>).
    /// </summary>
    [OneWay]
    [AlwaysInterleave]
    /// <param name="completed">An import through its checks: its trip, completed by the lane (it leaves the crossing there).</param>
    Task LaneFinished(string laneId, string plate, LaneOutcome outcome, string? reason, TripView? completed);

    /// <summary>
    /// The lane does not hold <paramref name="plate"/>, which the gate gave it in its assignment number
    /// <paramref name="assignment"/> (its answer to <see cref="ILaneGrain.ConfirmAssigned"/>): the truck goes back to the
    /// head of the queue if that assignment is still the lane's (not a later one of the same truck) and the truck still
    /// waits to be called, or is called there.
    /// </summary>
    [OneWay]
    [Priority]
    Task LaneLacks(string laneId, string plate, long assignment);

    /// <summary>A lane's devices faulted (or recovered): it leaves (or rejoins) dispatch.</summary>
    [Priority]
    Task LaneHealthChanged(string laneId, bool healthy, string? reason);

    Task OpenLane(string laneId, string by);

    Task CloseLane(string laneId, string by, string reason);

    Task HoldTruck(string plate, string by, string reason);

    Task ReleaseTruck(string plate, string by);

    /// <summary>
    /// The container of the truck is in the yard (or on a driverless truck), or it had none to hand over: the truck's trip
    /// is complete (<paramref name="completed"/>, as the truck stored it) and the yard is as full as <paramref name="yard"/>
    /// says. Told by the crossing's <see cref="ITransferGrain"/>, ahead of queued arrivals. One-way: the transfer never
    /// waits for the gate (the gate hands trucks to the transfer one-way too).
    /// </summary>
    [OneWay]
    [Priority]
    Task TransferDone(string plate, TripView completed, YardLevel yard);

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

/// <summary>A truck seen at the entrance at <paramref name="SeenAt"/> (as the gate judges arrivals: the camera's time).</summary>
public sealed record EntranceSighting(string Plate, DateTimeOffset SeenAt);

/// <summary>
/// The entrance of a crossing (key: crossing id): it owns the entrance camera, gathers its sightings and hands them to
/// the gate in batches, one batch at a time, in the order seen; and it runs the no-show sweep, which must not lapse the
/// booking of a truck seen in time whose sighting the gate has not admitted yet. Apart from the gate, so that a peak's
/// thousands of sightings do not each take a turn of the gate's.
/// </summary>
public interface IEntranceGrain : IDeviceEventSink
{
    /// <summary>Wakes the entrance (its sweep clock runs from its activation). One-way.</summary>
    [OneWay]
    Task Wake();
}

/// <summary>A checkpoint lane (key: <see cref="Site.CrossingIds.Lane"/>): one truck at a time through the checks.</summary>
public interface ILaneGrain : IDeviceEventSink
{
    /// <summary>
    /// The gate gives the lane its next truck: stored, then the lane calls the truck forward (its trip's "called" step) in
    /// a turn of its own. One-way: the gate, busy with every truck of the day, does not wait for the lane; after a restart
    /// it gives a truck a lane does not hold back to the head of the queue. A truck not in the lane within the call timeout
    /// goes back to the queue.
    /// </summary>
    [OneWay]
    Task Assign(QueueEntry truck);

    /// <summary>
    /// The gate's check that the lane holds the truck it gave it: answered, if it does not, with
    /// <see cref="IGateGrain.LaneLacks"/>. One-way both ways and taken in order after the lane's earlier calls (a lane
    /// whose word of its truck is still queued behind a busy turn is not mistaken for one that never got it, and neither
    /// waits for the other).
    /// </summary>
    [OneWay]
    Task ConfirmAssigned(string plate, long assignment);

    Task SetMode(LaneMode mode, string reason);

    /// <summary>Answered at once, even while the lane is busy (the gate asks while a lane may be waiting for the gate).</summary>
    [AlwaysInterleave]
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

    /// <summary>
    /// A crane was given the move into the reserved slot: the reservation holds until the container is down (a crane with a
    /// long queue must not find its slot given away). False when the reservation expired before.
    /// </summary>
    Task<bool> Confirm(string slotId, string containerNumber);

    /// <summary>The container was put down in its reserved slot.</summary>
    Task Occupy(string slotId, string containerNumber);

    /// <summary>The container was lifted out of its slot (onto a driverless truck).</summary>
    Task Vacate(string slotId, string containerNumber);

    Task CancelReservation(string slotId);

    [ReadOnly]
    Task<YardView> Snapshot();

    /// <summary>
    /// How full the yard is (capacity, occupied, reserved), without the slots. Answered at once, even while the yard
    /// stores a change (it counts that change already): flow control needs the figure now, not after the yard's queue.
    /// </summary>
    [AlwaysInterleave]
    Task<YardLevel> Level();
}

public sealed record YardLevel(int Capacity, int Occupied, int Reserved);

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
    /// <summary>Queues the job (once by its id); false if the crane did it already (a job handed over again after a restart).</summary>
    Task<bool> Enqueue(CraneJob job);

    [ReadOnly]
    Task<CraneView> Status();
}

/// <summary>Told by a crane when a move is done (the crossing's <see cref="ITransferGrain"/>).</summary>
public interface ICraneJobObserver : IGrainWithStringKey
{
    [OneWay]
    [Priority]
    Task OnCraneJobDone(string craneId, CraneJob job);

    /// <summary>The crane faulted (its jobs wait for an operator) or is back: new moves go to the cranes that work.</summary>
    [OneWay]
    [Priority]
    Task OnCraneHealthChanged(string craneId, bool healthy, string? reason);
}

/// <summary>
/// The driverless trucks' route of a crossing (key: crossing id): every segment is held by at most one
/// vehicle; a vehicle that asks for a held segment waits in line for it.
/// </summary>
public interface IRouteGrain : IGrainWithStringKey
{
    /// <summary>True when the vehicle now holds the segment; otherwise it is queued and told when it gets it.</summary>
    Task<bool> Acquire(string segmentId, string vehicleId);

    Task Release(string segmentId, string vehicleId);

    /// <summary>
    /// A vehicle at the end of <paramref name="releaseSegment"/> moves on to <paramref name="acquireSegment"/>: the one is
    /// released (to the next vehicle waiting for it) and the other asked for, in one step and one write. True when the
    /// vehicle now holds <paramref name="acquireSegment"/>; otherwise it waits in line and is told when it gets it.
    /// </summary>
    Task<bool> Advance(string vehicleId, string releaseSegment, string acquireSegment);

    [ReadOnly]
    Task<RouteView> Status();
}

public sealed record RouteView(IReadOnlyDictionary<string, string> Holders, IReadOnlyDictionary<string, IReadOnlyList<string>> Waiting);

public enum VehicleMode
{
    /// <summary>At the yard, empty, ready for a container.</summary>
    Idle,

    /// <summary>At the yard, a crane is loading it.</summary>
    Loading,

    /// <summary>Driving toward the border with a container.</summary>
    Outbound,

    /// <summary>Driving back to the yard.</summary>
    Returning,

    /// <summary>Waiting for the segment ahead, held by another vehicle.</summary>
    Blocked,

    /// <summary>Broken down on the route: it keeps its segment; the vehicles behind stop.</summary>
    BrokenDown,
}

public sealed record VehicleView(string VehicleId, VehicleMode Mode, string Waypoint, string? Segment, string? ContainerNumber, string? Fault, DateTimeOffset Since);

/// <summary>A driverless truck on the fixed cross-border route (key: "crossing/agv-NN").</summary>
public interface IDriverlessTruckGrain : IDeviceEventSink
{
    /// <summary>A crane is about to load this container onto the vehicle.</summary>
    Task ReserveFor(string containerNumber);

    /// <summary>The crane put the container on the vehicle: it leaves for the border.</summary>
    Task Loaded(string containerNumber);

    /// <summary>The route gave the vehicle the segment it waited for.</summary>
    [OneWay]
    Task OnSegmentGranted(string segmentId);

    [ReadOnly]
    Task<VehicleView> Status();
}

/// <summary>Told by driverless trucks when they are free at the yard and when a container crossed (the crossing's <see cref="ITransferGrain"/>).</summary>
public interface IFleetObserver : IGrainWithStringKey
{
    [OneWay]
    [Priority]
    Task OnVehicleIdle(string vehicleId);

    [OneWay]
    [Priority]
    Task OnContainerHandedOver(string vehicleId, string containerNumber);

    [OneWay]
    [Priority]
    Task OnVehicleBrokeDown(string vehicleId, string reason);
}

/// <summary>
/// The container transfer of a crossing (key: crossing id): an export truck past its checks hands its container over
/// here, and the transfer sees it to a yard slot or straight onto a driverless truck, and from the yard onto a driverless
/// truck, with the cranes and the fleet. Apart from the gate, so that the gate's lanes and queue never wait for the yard,
/// the cranes or the vehicles, and the two work at the same time.
/// </summary>
public interface ITransferGrain : ICraneJobObserver, IFleetObserver
{
    /// <summary>
    /// A truck past its lane (or inspection bay): stored, and started in a turn of the transfer's own, so that the gate
    /// has its answer at once. The gate is told <see cref="IGateGrain.TransferDone"/> once the truck's container is off it
    /// (at once when it carries none). A truck the full yard cannot take waits here until a slot frees. One-way: the gate
    /// does not wait (it re-sends its trucks in transfer after a restart; a truck handed over twice is taken once).
    /// </summary>
    [OneWay]
    Task Begin(string plate);

    [ReadOnly]
    Task<TransferView> Status();

    /// <summary>Takes over what a gate stored before the transfer had a grain of its own; only the first call counts.</summary>
    Task Adopt(TransferHandover handover);
}

/// <summary>A container in a yard slot.</summary>
public sealed record YardContainer(string ContainerNumber, string SlotId);

/// <summary>
/// The transfer as the control room sees it: trucks whose container is not yet on its way, vehicles free at the yard,
/// containers waiting for one, and whether the last truck found the yard full.
/// </summary>
public sealed record TransferView(
    IReadOnlyList<string> Pending,
    IReadOnlyList<string> IdleVehicles,
    IReadOnlyList<YardContainer> AwaitingVehicle,
    IReadOnlyDictionary<string, string> BrokenVehicles,
    int ContainersCrossed,
    bool YardFull);

/// <summary>The transfer's part of a gate's stored state, from before the transfer had a grain of its own.</summary>
public sealed record TransferHandover(
    IReadOnlyList<string>? IdleVehicles,
    IReadOnlyList<YardContainer> AwaitingVehicle,
    IReadOnlyDictionary<string, string> BrokenVehicles,
    int ContainersCrossed,
    long CraneTurn);

/// <summary>A transport company (key: company id): its trips and the alerts on its declarations.</summary>
public interface ICompanyGrain : IGrainWithStringKey
{
    Task AddAlerts(IReadOnlyList<Trips.DeclarationAlert> alerts);

    Task TripDeclared(string tripId, string plate);

    [ReadOnly]
    Task<IReadOnlyList<Trips.DeclarationAlert>> Alerts();

    /// <summary>The plates of the company's trips, newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<CompanyTrip>> Trips();
}

public sealed record CompanyTrip(string TripId, string Plate, DateTimeOffset DeclaredAt);
