using System.Globalization;
using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Transfer;

/// <summary>
/// The container transfer of a crossing (key: crossing id). An export truck past its checks is handed over by the gate;
/// its container goes straight onto a driverless truck waiting at the yard, or into a reserved yard slot, by a crane;
/// containers in the yard go onto driverless trucks as they come free. The gate hears back when a truck's container is
/// off it. The gate and the transfer never wait for each other (both directions are one-way), so neither's work holds up
/// the other's and they cannot deadlock.
/// </summary>
/// <remarks>
/// Every crane job and vehicle of the crossing reports here, so its calls interleave (reentrant) and share their writes
/// (<see cref="GroupedWrites{TState}"/>): each call changes the state without awaiting in between, takes what it works on
/// out of the shared lists before it awaits (a truck being started, a yard container being given a vehicle), and re-finds
/// a truck's entry after every wait (a failed write puts the whole state back to what is stored).
/// </remarks>
[Reentrant]
public sealed partial class TransferGrain(
    [PersistentState("transfer")] IPersistentState<TransferState> state,
    [PersistentState("transfer-yard")] IPersistentState<TransferYardQueue> awaiting,
    CrossingSites sites,
    ILogger<TransferGrain> logger) : Grain, ITransferGrain
{
    /// <summary>How long a truck waits before the full yard is asked again for a slot (sooner when a slot is vacated).</summary>
    internal static readonly TimeSpan YardFullRetry = TimeSpan.FromMinutes(1);

    /// <summary>How many pending trucks one turn starts side by side (each waits on the truck, a vehicle, the yard and a crane).</summary>
    internal const int MaxStartedPerTurn = 8;

    private SiteLayout _layout = null!;
    private GroupedWrites<TransferState>? _stored;
    private IGrainTimer? _work;

    // One work turn at a time (the transfer's other calls interleave with it): the trucks it starts are its own.
    private bool _working;
    private bool _workAgain;
    private IGrainTimer? _yardRetry;
    private IGrainTimer? _retry;

    /// <summary>Vehicles that reported free to this activation (an older gate's handover must not forget them).</summary>
    private readonly HashSet<string> _reportedIdle = new(StringComparer.Ordinal);

    /// <summary>The moves given to each crane and not yet done, so that new ones go where they are done soonest.</summary>
    private readonly CraneWork _cranes = new();
    private bool _yardFull;

    private TransferState S => state.State;

    // The trucks a turn starts side by side change the state between each other's awaits: their writes are shared.
    private GroupedWrites<TransferState> Stored => _stored ??= new(state);

    /// <summary>Containers in yard slots waiting for a driverless truck, oldest first.</summary>
    private YardContainerQueue AwaitingVehicle { get; set; } = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _layout = sites.Get(GrainKey);
        S.IdleVehicles ??= [.. _layout.DriverlessTrucks.Select(v => v.Id)];
        AwaitingVehicle = new YardContainerQueue(GrainContext);
        await AwaitingVehicle.LoadAsync(awaiting, cancellationToken);

        // Trucks handed over before a restart are taken up again, where they were left.
        WorkSoon();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _work?.Dispose();
        _yardRetry?.Dispose();
        _retry?.Dispose();
        return Task.CompletedTask;
    }

    public async Task Begin(string plate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(plate);
        if (S.Pending.Exists(p => p.Plate == plate))
        {
            return;
        }

        S.Pending.Add(new PendingTransfer { Plate = plate });
        await Stored.WriteAsync();
        WorkSoon();
    }

    public Task<TransferView> Status() => Task.FromResult(new TransferView(
        [.. S.Pending.Select(p => p.Plate)],
        [.. S.IdleVehicles ?? []],
        [.. AwaitingVehicle.Containers],
        new Dictionary<string, string>(S.BrokenVehicles, StringComparer.Ordinal),
        S.ContainersCrossed,
        _yardFull));

    public async Task Adopt(TransferHandover handover)
    {
        ArgumentNullException.ThrowIfNull(handover);
        if (S.Adopted)
        {
            return;
        }

        if (handover.IdleVehicles is { } idle)
        {
            // The gate's list, and the vehicles that told this transfer they are free since it started.
            S.IdleVehicles = [.. idle, .. _reportedIdle.Where(v => !idle.Contains(v))];
        }

        var adopted = handover.AwaitingVehicle.Where(c => !AwaitingVehicle.Contains(c)).ToList();
        for (var i = adopted.Count - 1; i >= 0; i--)
        {
            AwaitingVehicle.PutBackFirst(adopted[i]);
        }

        foreach (var (vehicle, reason) in handover.BrokenVehicles)
        {
            S.BrokenVehicles.TryAdd(vehicle, reason);
        }

        S.ContainersCrossed += handover.ContainersCrossed;
        S.CraneTurn = Math.Max(S.CraneTurn, handover.CraneTurn);
        S.Adopted = true;
        await Task.WhenAll(adopted.Select(AwaitingVehicle.WriteAsync).Append(Stored.WriteAsync()));
        WorkSoon();
    }

    public async Task OnCraneJobDone(string craneId, CraneJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        _cranes.Done(craneId, job.JobId);
        if (job.To.Kind == PlaceKind.Slot)
        {
            await Yard.Occupy(job.To.Id, job.ContainerNumber);
            await AwaitingVehicle.AddLastAsync(new YardContainer(job.ContainerNumber, job.To.Id));
        }

        if (job.From.Kind == PlaceKind.Slot)
        {
            await Yard.Vacate(job.From.Id, job.ContainerNumber);
            if (_yardFull)
            {
                // A slot came free: the trucks waiting for one need not wait for the next retry.
                _yardFull = false;
                _yardRetry?.Dispose();
                _yardRetry = null;
                WorkSoon();
            }
        }

        if (job.To.Kind == PlaceKind.DriverlessTruck)
        {
            await Vehicle(job.To.Id).Loaded(job.ContainerNumber);
        }

        if (job.From.Kind == PlaceKind.Truck)
        {
            await CompleteAsync(job.From.Id, "container handed over");
        }

        await DispatchVehiclesAsync();
    }

    public async Task OnVehicleIdle(string vehicleId)
    {
        _reportedIdle.Add(vehicleId);
        S.BrokenVehicles.Remove(vehicleId);
        if (!S.IdleVehicles!.Contains(vehicleId))
        {
            S.IdleVehicles.Add(vehicleId);
        }

        await Stored.WriteAsync();
        await DispatchVehiclesAsync();
    }

    /// <summary>
    /// A statistic only: the vehicle's own state records the handover, so the count rides along with the transfer's next
    /// write instead of costing a commit of its own.
    /// </summary>
    public Task OnContainerHandedOver(string vehicleId, string containerNumber)
    {
        S.ContainersCrossed++;
        Diagnostics.ContainersCrossed.Add(1);
        return Task.CompletedTask;
    }

    public async Task OnVehicleBrokeDown(string vehicleId, string reason)
    {
        S.BrokenVehicles[vehicleId] = reason;
        await Stored.WriteAsync();
        LogVehicleBrokeDown(logger, GrainKey, vehicleId, reason);
    }

    /// <summary>Takes up pending trucks in a turn of the transfer's own.</summary>
    private void WorkSoon()
    {
        if (_working)
        {
            // One work turn at a time (the others interleave with it): it goes again when it ends.
            _workAgain = true;
            return;
        }

        _work ??= RunOnce(
            async () =>
            {
                _work = null;
                _working = true;
                _workAgain = false;
                try
                {
                    await WorkAsync();
                }
                finally
                {
                    _working = false;
                    if (_workAgain)
                    {
                        WorkSoon();
                    }
                }
            },
            TimeSpan.Zero);
    }

    /// <summary>Asks the full yard again later (sooner when a container leaves a slot).</summary>
    private void RetryYardLater()
    {
        _yardRetry ??= RunOnce(
            () =>
            {
                _yardRetry = null;
                _yardFull = false;
                WorkSoon();
                return Task.CompletedTask;
            },
            YardFullRetry);
    }

    /// <summary>
    /// Up to <see cref="MaxStartedPerTurn"/> pending trucks per turn, side by side, in the order they came (those whose
    /// container's place is decided already first), so that the transfer's other calls (a crane done, a vehicle free)
    /// wait for one truck's steps at most; then the next turn takes the next trucks. While the yard is full only free
    /// vehicles can take trucks' containers.
    /// </summary>
    private async Task WorkAsync()
    {
        var decided = S.Pending.Where(p => p.Vehicle is not null || p.SlotId is not null);
        var undecided = S.Pending.Where(p => p.Vehicle is null && p.SlotId is null)
            .Take(_yardFull ? S.IdleVehicles?.Count ?? 0 : MaxStartedPerTurn);
        var batch = decided.Concat(undecided).Take(MaxStartedPerTurn).ToList();
        if (batch.Count == 0)
        {
            if (S.Pending.Count > 0)
            {
                RetryYardLater();
            }

            // After a restart (or an older gate's handover) containers may wait in the yard for vehicles that are free.
            await DispatchVehiclesAsync();
            return;
        }

        var started = await Task.WhenAll(batch.Select(TryStartAsync));
        if (started.Contains(false))
        {
            _retry ??= RunOnce(
                () =>
                {
                    _retry = null;
                    WorkSoon();
                    return Task.CompletedTask;
                },
                YardFullRetry);
        }
        else if (S.Pending.Count > 0)
        {
            WorkSoon();
        }
    }

    /// <summary>
    /// Starts one truck; false if it failed (storage out, a call failed): it goes to the back of the line and the work is
    /// tried again in a minute, so that one truck that fails does not hold up the others (nor spin).
    /// </summary>
    private async Task<bool> TryStartAsync(PendingTransfer pending)
    {
        try
        {
            await StartAsync(pending);
            return true;
        }
        catch (Exception exception)
        {
            LogStartFailed(logger, GrainKey, pending.Plate, exception);

            // A failed write put the state back to what is stored: the truck's entry is found by its plate.
            if (S.Pending.FindIndex(p => p.Plate == pending.Plate) is >= 0 and var at)
            {
                var entry = S.Pending[at];
                S.Pending.RemoveAt(at);
                S.Pending.Add(entry);
            }

            return false;
        }
    }

    /// <summary>
    /// Decides where the truck's container goes and stores that decision before anyone is told, so that a restart in the
    /// middle repeats the same steps (the truck's step is not recorded twice; the crane takes a job id once) instead of
    /// reserving a second slot or vehicle.
    /// </summary>
    private async Task StartAsync(PendingTransfer pending)
    {
        var trip = await Truck(pending.Plate).Current();
        pending = Live(pending);
        if (trip is null || trip.Status != TruckStatus.Transfer || trip.Trip.Direction != TripDirection.Export || string.IsNullOrEmpty(trip.Trip.ContainerNumber))
        {
            // Nothing to take off the truck (an empty truck), or nothing left to do for it: its transfer is done.
            // A truck completed already may be one the gate has not heard of (the silo stopped before the word went out): it
            // hears again (CompleteAsync finds it completed), and a gate that had heard ignores it.
            S.Pending.Remove(Live(pending));
            await Stored.WriteAsync();
            if (trip is { Status: TruckStatus.Transfer or TruckStatus.Completed })
            {
                await CompleteAsync(pending.Plate, "no container to hand over");
            }

            return;
        }

        var container = trip.Trip.ContainerNumber;
        var last = trip.Events.Count > 0 ? trip.Events[^1].Name : null;
        if (pending.Vehicle is null && pending.SlotId is null)
        {
            if (last is TripEventNames.SlotReserved or TripEventNames.ToDriverlessTruck)
            {
                // Handed over again (the gate re-sends its trucks in transfer after a restart): its container is on its way.
                S.Pending.Remove(Live(pending));
                await Stored.WriteAsync();
                return;
            }

            if (await DecideAsync(pending, container) is not { } decided)
            {
                return;
            }

            pending = decided;
        }

        // The truck's step (once), then the crane's job (a job id is taken once): straight onto the vehicle, or into the slot.
        var crane = _layout.Cranes.First(c => c.Id == pending.CraneId);
        var (step, jobId, to) = pending.Vehicle is { } vehicle
            ? (new TripTransition(TruckStatus.Transfer, TripEventNames.ToDriverlessTruck, $"{vehicle}, {crane.Id}"),
                $"{trip.Trip.TripId}/direct",
                new ContainerPlace(PlaceKind.DriverlessTruck, vehicle, crane.RailEndX))
            : (new TripTransition(TruckStatus.Transfer, TripEventNames.SlotReserved, $"slot {pending.SlotId}, {crane.Id}", SlotId: pending.SlotId),
                $"{trip.Trip.TripId}/unload",
                new ContainerPlace(PlaceKind.Slot, pending.SlotId!, SlotX(pending.SlotId!)));
        if (pending.SlotId is { } slot && !await Yard.Confirm(slot, container))
        {
            pending = Live(pending);
            // The reservation lapsed before the crane had the move (a restart in between): the container needs a new place.
            pending.SlotId = null;
            pending.CraneId = null;
            await Stored.WriteAsync();
            WorkSoon();
            return;
        }

        if (last != step.Event)
        {
            await Truck(pending.Plate).Advance(step);
        }

        await EnqueueAsync(crane, new CraneJob(jobId, container, new ContainerPlace(PlaceKind.Truck, pending.Plate, crane.RailStartX), to));
        S.Pending.Remove(Live(pending));
        await Stored.WriteAsync();
    }

    /// <summary>
    /// A driverless truck waiting at the yard takes the container straight off the road truck; else a yard slot. Returns
    /// the truck's entry with the decision stored, or null when it must wait.
    /// </summary>
    private async Task<PendingTransfer?> DecideAsync(PendingTransfer pending, string container)
    {
        if (await ReserveVehicleAsync(container) is { } vehicle)
        {
            pending = Live(pending);
            pending.Vehicle = vehicle;
            pending.CraneId = CraneFor(null).Id;
            await Stored.WriteAsync();
            return pending;
        }

        if (_yardFull)
        {
            return null;
        }

        var reservation = await Yard.Reserve(container);
        if (reservation is null)
        {
            // Flow control should have kept exports back; the truck waits in transfer until a slot frees.
            _yardFull = true;
            LogYardFull(logger, GrainKey, pending.Plate);
            return null;
        }

        pending = Live(pending);
        pending.SlotId = reservation.SlotId;
        pending.CraneId = CraneFor(reservation.BlockId).Id;
        await Stored.WriteAsync();
        return pending;
    }

    /// <summary>
    /// The truck's entry as the state holds it now: trucks started side by side share the state's writes, and a failed
    /// write puts the whole state back to what is stored (new objects), so a truck's steps re-find their entry after
    /// every wait before they change it.
    /// </summary>
    private PendingTransfer Live(PendingTransfer pending) =>
        S.Pending.Find(p => p.Plate == pending.Plate)
            ?? throw new InvalidOperationException($"Truck {pending.Plate} is no longer pending at the transfer of {GrainKey}.");

    /// <summary>
    /// The truck's trip is complete: the truck stores it, and the gate is told (one-way) with the truck's times and the
    /// yard's level for its KPIs and flow control. A truck not in transfer any more (a repeated report) is left alone.
    /// </summary>
    private async Task CompleteAsync(string plate, string detail)
    {
        TripView completed;
        try
        {
            completed = await Truck(plate).Advance(new TripTransition(TruckStatus.Completed, TripEventNames.Completed, detail));
        }
        catch (InvalidTripTransitionException exception)
        {
            if (await Truck(plate).Current() is { Status: TruckStatus.Completed } done)
            {
                // Completed already (a report repeated after a restart): the gate may not have heard; it ignores a repeat.
                completed = done;
            }
            else
            {
                LogNotInTransfer(logger, GrainKey, plate, exception.Message);
                return;
            }
        }

        await Gate.TransferDone(plate, completed, await Yard.Level());
    }

    /// <summary>
    /// Pairs containers waiting in the yard with driverless trucks free at the yard: a crane loads each. A road truck
    /// waiting for its container to be taken comes first: a free vehicle takes that container straight off it (one crane
    /// move instead of two, and the truck can leave).
    /// </summary>
    private async Task DispatchVehiclesAsync()
    {
        if (S.Pending.Exists(p => p.Vehicle is null && p.SlotId is null))
        {
            if (S.IdleVehicles is { Count: > 0 })
            {
                WorkSoon();
            }

            return;
        }

        while (AwaitingVehicle.Count > 0 && S.IdleVehicles is { Count: > 0 })
        {
            // Of the oldest, one a crane with the least in hand can reach; taken off the list before any wait, so that a
            // call interleaving here does not give it a second vehicle.
            var container = AwaitingVehicle.Take(_cranes.PickContainer(AwaitingVehicle.Containers, c => AbleCranes(BlockOf(c.SlotId).Id)));
            if (await ReserveVehicleAsync(container.ContainerNumber) is not { } vehicle)
            {
                AwaitingVehicle.PutBackFirst(container);
                break;
            }

            await AwaitingVehicle.WriteAsync(container);
            var crane = CraneFor(BlockOf(container.SlotId).Id);
            await EnqueueAsync(crane, new CraneJob(
                $"{container.ContainerNumber}/{container.SlotId}/load",
                container.ContainerNumber,
                new ContainerPlace(PlaceKind.Slot, container.SlotId, SlotX(container.SlotId)),
                new ContainerPlace(PlaceKind.DriverlessTruck, vehicle, crane.RailEndX)));
        }
    }

    /// <summary>The first idle vehicle that accepts the container; one that turns out not to be idle leaves the list.</summary>
    private async Task<string?> ReserveVehicleAsync(string containerNumber)
    {
        while (S.IdleVehicles is { Count: > 0 } idle)
        {
            var vehicle = idle[0];
            idle.RemoveAt(0);
            await Stored.WriteAsync();
            try
            {
                await Vehicle(vehicle).ReserveFor(containerNumber);
                return vehicle;
            }
            catch (InvalidOperationException exception)
            {
                LogVehicleNotIdle(logger, GrainKey, vehicle, exception.Message);
            }
        }

        return null;
    }

    /// <summary>
    /// The crane that serves the block with the fewest moves in hand (equals take turns); for a direct truck-to-vehicle
    /// move any crane can (one crane for every direct move was the bottleneck of the first simulated days). Faulted cranes
    /// are passed over while another can make the move (a fault's jobs wait for an operator; a move given to it would hold
    /// its truck and vehicle too).
    /// </summary>
    private CraneLayout CraneFor(string? blockId) => _cranes.Least(AbleCranes(blockId), S.CraneTurn++);

    private IReadOnlyList<CraneLayout> AbleCranes(string? blockId)
    {
        var able = blockId is null ? _layout.Cranes : [.. _layout.Cranes.Where(c => c.Blocks.Contains(blockId))];
        if (able.Count == 0)
        {
            able = _layout.Cranes;
        }

        var working = able.Where(c => !S.FaultedCranes.ContainsKey(c.Id)).ToList();
        return working.Count > 0 ? working : able;
    }

    /// <summary>Gives the crane the job; counted in its hand unless it did the job already (handed over again after a restart).</summary>
    private async Task EnqueueAsync(CraneLayout crane, CraneJob job)
    {
        if (await Crane(crane).Enqueue(job))
        {
            _cranes.Given(crane.Id, job.JobId);
        }
    }

    public async Task OnCraneHealthChanged(string craneId, bool healthy, string? reason)
    {
        var changed = healthy ? S.FaultedCranes.Remove(craneId) : S.FaultedCranes.TryAdd(craneId, reason ?? "faulted");
        if (changed)
        {
            await Stored.WriteAsync();
        }
    }

    private double SlotX(string slotId) => BlockOf(slotId).SlotX(slotId);

    private YardBlockLayout BlockOf(string slotId) =>
        _layout.YardBlocks.First(b => slotId.StartsWith(b.Id + "-", StringComparison.Ordinal));

    private ICraneGrain Crane(CraneLayout crane) => GrainFactory.GetGrain<ICraneGrain>(CrossingIds.Crane(GrainKey, crane.Id));

    private IDriverlessTruckGrain Vehicle(string vehicleId) => GrainFactory.GetGrain<IDriverlessTruckGrain>(CrossingIds.DriverlessTruck(GrainKey, vehicleId));

    private ITruckGrain Truck(string plate) => GrainFactory.GetGrain<ITruckGrain>(CrossingIds.Truck(plate));

    private IYardGrain Yard => GrainFactory.GetGrain<IYardGrain>(GrainKey);

    private IGateGrain Gate => GrainFactory.GetGrain<IGateGrain>(GrainKey);

    [LoggerMessage(2505, LogLevel.Warning, "Transfer {Crossing}: truck {Plate} could not be started; tried again in a minute")]
    private static partial void LogStartFailed(ILogger logger, string crossing, string plate, Exception exception);

    [LoggerMessage(2504, LogLevel.Warning, "Transfer {Crossing}: truck {Plate} could not be completed: {Reason}")]
    private static partial void LogNotInTransfer(ILogger logger, string crossing, string plate, string reason);

    [LoggerMessage(2501, LogLevel.Warning, "Transfer {Crossing}: no yard slot for truck {Plate}; it waits in transfer")]
    private static partial void LogYardFull(ILogger logger, string crossing, string plate);

    [LoggerMessage(2502, LogLevel.Warning, "Transfer {Crossing}: driverless truck {Vehicle} listed idle but refused a container: {Reason}")]
    private static partial void LogVehicleNotIdle(ILogger logger, string crossing, string vehicle, string reason);

    [LoggerMessage(2503, LogLevel.Warning, "Transfer {Crossing}: driverless truck {Vehicle} broke down: {Reason}")]
    private static partial void LogVehicleBrokeDown(ILogger logger, string crossing, string vehicle, string reason);
}
