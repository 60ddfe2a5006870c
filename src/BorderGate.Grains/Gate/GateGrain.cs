using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Gate;

/// <summary>
/// The gate of a crossing (key: crossing id). It books arrival windows, admits trucks seen at the
/// entrance into the virtual queue, calls them forward to free lanes by the dispatch policy, sends
/// red-channel trucks to inspection bays, holds exports back when the yard is near full, and keeps the
/// live KPIs. Every change is stored before the gate answers.
/// </summary>
public sealed partial class GateGrain(
    [PersistentState("gate")] IPersistentState<GateState> state,
    [PersistentState("gate-kpis")] IPersistentState<KpiWindow> kpis,
    [PersistentState("gate-kpis-recent")] IPersistentState<KpiRecent> kpisRecent,
    [PersistentState("gate-bookings")] IPersistentState<GateBookings> olderBookings,
    [PersistentState("gate-held")] IPersistentState<GateHeld> held,
    CrossingSites sites,
    ILogger<GateGrain> logger) : Grain, IGateGrain
{
    private SiteLayout _layout = null!;
    private GateQueue _queue = null!;
    private IGrainTimer? _clock;
    private readonly List<UntoldArrival> _untoldArrivals = [];
    private DateTimeOffset _nextLaneCheck;
    private DateTimeOffset _yardLevelAt = DateTimeOffset.MinValue;

    /// <summary>How long the gate goes on the yard level it was last told before it asks the yard itself.</summary>
    internal static readonly TimeSpan YardLevelRefresh = TimeSpan.FromMinutes(5);

    private GateState S => state.State;

    private Dictionary<string, HeldTruck> Held => held.State.Trucks;

    private DispatchPolicy Policy => _layout.Policy;

    private CheckpointTimings Timings => _layout.Timings;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _layout = sites.Get(GrainKey);
        LoadKpis();
        var now = TimeProvider.GetUtcNow();
        var changed = false;
        foreach (var lane in _layout.Lanes.Where(l => !S.Lanes.ContainsKey(l.Id)))
        {
            S.Lanes[lane.Id] = new LaneSlot { Mode = LaneMode.Open, Since = now };
            changed = true;
        }

        foreach (var bay in _layout.InspectionBays.Where(b => !S.Bays.ContainsKey(b.Id)))
        {
            S.Bays[bay.Id] = null;
            changed = true;
        }

        if (S.YardCapacity == 0)
        {
            S.YardCapacity = _layout.YardBlocks.Sum(b => b.Rows * b.Bays);
            changed = true;
        }

        if (S.Held.Count > 0)
        {
            // A gate stored before held trucks had a state of their own: move them over, once.
            foreach (var (plate, truck) in S.Held)
            {
                Held[plate] = truck;
            }

            await held.WriteStateAsync(cancellationToken);
            S.Held.Clear();
            changed = true;
        }

        if (S.WindowLoad.Count > 0 || S.BookedCount > 0 || olderBookings.RecordExists)
        {
            // A gate stored before bookings had a grain of their own: the ledger takes the counts over (once, however
            // often this runs before the gate's own copy is gone), then the gate forgets them.
            var load = new Dictionary<long, int>(olderBookings.State.WindowLoad);
            foreach (var (minute, count) in S.WindowLoad)
            {
                load[minute] = load.GetValueOrDefault(minute) + count;
            }

            await Ledger.Adopt(olderBookings.State.BookedCount + S.BookedCount, load);
            if (olderBookings.RecordExists)
            {
                await olderBookings.ClearStateAsync(cancellationToken);
            }

            S.WindowLoad.Clear();
            S.BookedCount = 0;
            changed = true;
        }

        _queue = new GateQueue(GrainContext);
        await _queue.LoadAsync(cancellationToken);
        if (S.Queue.Count > 0)
        {
            // A gate stored before the queue had parts of its own: move the queue over, once.
            foreach (var truck in S.Queue)
            {
                await _queue.AddAsync(truck);
            }

            S.Queue.Clear();
            changed = true;
        }

        var orders = _queue.Trucks.Select(q => q.Order + 1).DefaultIfEmpty(0).Max();
        S.NextOrder = Math.Max(S.NextOrder, orders);

        changed |= await HandOverTransfersAsync();
        if (changed)
        {
            await state.WriteStateAsync(cancellationToken);
        }

        await RefreshYardLevelAsync();
        var dropped = await _queue.Reconcile(plate => S.InFlight.ContainsKey(plate) || Held.ContainsKey(plate) || S.Lanes.Values.Any(l => l.Plate == plate));
        if (dropped > 0)
        {
            LogQueueReconciled(logger, GrainKey, dropped);
        }

        // What the lanes hold is compared with what the gate gave them as it was stored (the lanes answer one-way, later).
        await ReconcileLanesAsync(TimeSpan.Zero);

        // The gate's own clock: early arrivals becoming eligible, inspections ending. Ahead of queued arrivals, like the
        // events that free lanes. The no-show sweep is the entrance's (it knows the sightings not admitted yet): woken here.
        var tick = TimeSpan.FromMinutes(1);
        _clock = RegisterGrainTimer(OnClockAsync, new GrainTimerOptions { DueTime = tick, Period = tick, KeepAlive = true, Priority = true });
        await GrainFactory.GetGrain<IEntranceGrain>(GrainKey).Wake();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _clock?.Dispose();
        await StoreCompletionsAsync();
    }

    public async Task<ArrivalDecision> TruckArrived(string plate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(plate);
        return (await AdmitAsync([new EntranceSighting(plate, TimeProvider.GetUtcNow())]))[0];
    }

    public async Task<IReadOnlyList<ArrivalDecision>> Admit(IReadOnlyList<EntranceSighting> sightings)
    {
        ArgumentNullException.ThrowIfNull(sightings);
        return await AdmitAsync(sightings);
    }

    /// <summary>
    /// Trucks at the entrance, each seen at its own moment: the arrival rules (early, on time, late, no-show) judge that
    /// moment, not the moment the gate gets to the sighting, which on a busy day can come later. The sightings are dealt
    /// with together — every truck's record read at once, their bookings taken, the queue's parts and the ledger written
    /// at once, the trucks told at once — so that a peak's arrivals cost the gate a few waits, not a few each.
    /// </summary>
    private async Task<ArrivalDecision[]> AdmitAsync(IReadOnlyList<EntranceSighting> sightings)
    {
        var now = TimeProvider.GetUtcNow();
        var decisions = new ArrivalDecision[sightings.Count];
        var fresh = new List<int>();
        var plates = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sightings.Count; i++)
        {
            var plate = sightings[i].Plate;
            if (_queue.Contains(plate) || S.InFlight.ContainsKey(plate) || S.Lanes.Values.Any(l => l.Plate == plate) || !plates.Add(plate))
            {
                // A second read of a truck already inside: the camera saw it twice.
                decisions[i] = new ArrivalDecision(plate, true, null, "already inside", null);
            }
            else
            {
                fresh.Add(i);
            }
        }

        // The trucks' own records say what each booked and in which window (they are the records of their trips).
        var trips = await Task.WhenAll(fresh.Select(i => Truck(sightings[i].Plate).Current()));
        var admitted = new List<Admission>();
        var heldChanged = false;
        for (var k = 0; k < fresh.Count; k++)
        {
            var (plate, seenAt) = sightings[fresh[k]];
            var trip = trips[k];
            var fromBooking = trip is { Status: TruckStatus.Booked, Window: not null };
            var booked = fromBooking ? BookedTrip.For(trip!.Trip, trip.Window!) : ReinstateSeenInTime(plate, trip, seenAt);
            if (booked is null)
            {
                const string reason = "No valid declaration: no booked trip for this plate. Declare the trip and book an arrival window first.";
                Held[plate] = new HeldTruck(plate, null, reason, now);
                heldChanged = true;
                LogHeldAtEntrance(logger, GrainKey, plate);
                decisions[fresh[k]] = new ArrivalDecision(plate, false, null, reason, null);
                continue;
            }

            var (eligibleAt, late, note) = ArrivalRules(booked.Window, seenAt);
            var entry = new QueuedTruck(plate, booked.TripId, booked.Cargo, booked.Direction, now, eligibleAt, late, S.NextOrder++);
            admitted.Add(new Admission(entry, fromBooking ? booked.Window : null, note));
            decisions[fresh[k]] = new ArrivalDecision(plate, true, booked.TripId, note, eligibleAt);
        }

        // Out of their windows' bookings (one call and write per window), off the ledger's count and into the queue at the
        // same time: one wait. The gate's own state is untouched (its order counter is recovered from the queue on activation).
        var fromBookings = admitted.Where(a => a.Window is not null).ToList();
        var waits = fromBookings.GroupBy(a => a.Window!).Select(w => (Task)Window(w.Key).TakeAll([.. w.Select(a => a.Entry.Plate)])).ToList();
        if (fromBookings.Count > 0)
        {
            waits.Add(Ledger.Taken(fromBookings.Count));
        }

        if (admitted.Count > 0)
        {
            waits.Add(_queue.AddAsync([.. admitted.Select(a => a.Entry)]));
        }

        await Task.WhenAll(waits);

        // Off the held list only once queued: a failure in between leaves a truck in two places, never in none.
        foreach (var admission in admitted)
        {
            heldChanged |= Held.Remove(admission.Entry.Plate);
        }

        if (heldChanged)
        {
            await held.WriteStateAsync();
        }

        if (admitted.Count > 0)
        {
            await TellArrivedAsync(admitted);
            await DispatchAsync();
        }

        return decisions;
    }

    /// <summary>
    /// The admitted trucks are told that they wait, all at once. A truck that could not be told (its storage out) is
    /// queued all the same — its admission is not undone, and the entrance's retry would find it "already inside" — and
    /// is told again on the gate's clock.
    /// </summary>
    private async Task TellArrivedAsync(List<Admission> admitted)
    {
        var arrivals = admitted.Select(a => new UntoldArrival(a.Entry.Plate, a.Entry.TripId, a.Note)).ToList();
        var tells = arrivals.Select(TellArrivedAsync).ToList();
        try
        {
            await Task.WhenAll(tells);
        }
        catch
        {
            for (var i = 0; i < tells.Count; i++)
            {
                if (tells[i].Exception is { } failure)
                {
                    NoteUntold(arrivals[i], failure.InnerException ?? failure);
                }
            }
        }
    }

    private Task TellArrivedAsync(UntoldArrival arrival) =>
        Truck(arrival.Plate).Advance(new TripTransition(TruckStatus.Waiting, TripEventNames.Arrived, arrival.Note));

    private void NoteUntold(UntoldArrival arrival, Exception exception)
    {
        LogArrivalUntold(logger, exception, GrainKey, arrival.Plate);
        _untoldArrivals.Add(arrival);
    }

    /// <summary>The trucks admitted but not told so: told now, if their record still shows that trip not yet arrived.</summary>
    private async Task TellUntoldArrivalsAsync()
    {
        var untold = _untoldArrivals.ToList();
        _untoldArrivals.Clear();
        foreach (var arrival in untold)
        {
            try
            {
                if (await Truck(arrival.Plate).Current() is { Status: TruckStatus.Booked or TruckStatus.NoShow } trip && trip.Trip.TripId == arrival.TripId)
                {
                    await TellArrivedAsync(arrival);
                }
            }
            catch (Exception exception)
            {
                NoteUntold(arrival, exception);
            }
        }
    }

    /// <summary>
    /// Asks each lane given its truck at least <paramref name="since"/> ago whether it holds it (it was told one-way and the
    /// silo stopped in between, or the lane could not take it, or it sent the truck back and the gate never heard). Run
    /// after every activation and, for lanes given a truck more than two call timeouts ago, on the gate's clock. The lanes
    /// answer one-way, in order after the calls they had before (<see cref="LaneLacks"/>): a lane whose word of its truck
    /// still waits behind a busy turn says so only once it has taken it, and holds it.
    /// </summary>
    private Task ReconcileLanesAsync(TimeSpan since)
    {
        var now = TimeProvider.GetUtcNow();
        return Task.WhenAll(S.Lanes
            .Where(l => l.Value.Plate is not null && l.Value.Since <= now - since)
            .Select(l => Lane(l.Key).ConfirmAssigned(l.Value.Plate!, l.Value.Assignment)));
    }

    public async Task LaneHealthChanged(string laneId, bool healthy, string? reason)
    {
        var slot = LaneSlotOf(laneId);
        var before = (slot.Mode, slot.Reason);
        var now = TimeProvider.GetUtcNow();
        if (!healthy && slot.Mode != LaneMode.Faulted)
        {
            slot.Mode = LaneMode.Faulted;
            slot.Reason = reason;
            slot.Since = now;
            LogLaneFaulted(logger, GrainKey, laneId, reason);
            Diagnostics.LaneFaults.Add(1, new KeyValuePair<string, object?>(Diagnostics.LaneTag, laneId));
        }
        else if (healthy && slot.Mode == LaneMode.Faulted)
        {
            slot.Mode = slot.ClosedByOperator ? LaneMode.Closed : LaneMode.Open;
            slot.Reason = null;
            slot.Since = now;
        }

        await state.WriteStateAsync();
        await PublishLaneModeAsync(laneId, slot, before);
        await DispatchAsync();
    }

    public async Task OpenLane(string laneId, string by)
    {
        var slot = LaneSlotOf(laneId);
        var before = (slot.Mode, slot.Reason);
        slot.ClosedByOperator = false;
        if (slot.Mode == LaneMode.Closed)
        {
            slot.Mode = LaneMode.Open;
            slot.Reason = null;
            slot.Since = TimeProvider.GetUtcNow();
        }

        await state.WriteStateAsync();
        await PublishLaneModeAsync(laneId, slot, before);
        await Lane(laneId).SetMode(slot.Mode, $"opened by {by}");
        await DispatchAsync();
    }

    public async Task CloseLane(string laneId, string by, string reason)
    {
        var slot = LaneSlotOf(laneId);
        var before = (slot.Mode, slot.Reason);
        slot.ClosedByOperator = true;
        if (slot.Mode == LaneMode.Open)
        {
            slot.Mode = LaneMode.Closed;
            slot.Since = TimeProvider.GetUtcNow();
        }

        slot.Reason = $"{reason} ({by})";
        await state.WriteStateAsync();
        await PublishLaneModeAsync(laneId, slot, before);

        // A truck already in the lane finishes its checks; the lane only takes no new one.
        await Lane(laneId).SetMode(LaneMode.Closed, slot.Reason);
    }

    /// <summary>The lane's mode on the crossing's feed when it (or why) changed; stored already, so a feed outage loses nothing the gate knows.</summary>
    private async Task PublishLaneModeAsync(string laneId, LaneSlot slot, (LaneMode Mode, string? Reason) before)
    {
        if (before != (slot.Mode, slot.Reason))
        {
            await CrossingFeed.TryPublishAsync(
                GetStreamProvider(CrossingEvent.StreamProvider),
                new LaneModeChanged(GrainKey, TimeProvider.GetUtcNow(), laneId, slot.Mode, slot.Reason));
        }
    }

    public async Task HoldTruck(string plate, string by, string reason)
    {
        var now = TimeProvider.GetUtcNow();
        var text = $"{reason} (held by {by})";
        if (_queue.Find(plate) is { } entry)
        {
            Held[plate] = new HeldTruck(plate, entry.TripId, text, now);
            await held.WriteStateAsync();
            await _queue.RemoveAsync(plate);
            await Truck(plate).Advance(new TripTransition(TruckStatus.Held, TripEventNames.Held, text));
            return;
        }

        if (await TakeBookingAsync(plate) is { } booked)
        {
            Held[plate] = new HeldTruck(plate, booked.TripId, text, now);
            await held.WriteStateAsync();
            await Truck(plate).Advance(new TripTransition(TruckStatus.Held, TripEventNames.Held, text));
            return;
        }

        throw new InvalidTripTransitionException($"Truck {plate} is not waiting or booked at {GrainKey}; a truck in a lane, bay or the yard is held after it leaves it.");
    }

    public async Task ReleaseTruck(string plate, string by)
    {
        if (!Held.TryGetValue(plate, out var entry))
        {
            throw new InvalidTripTransitionException($"Truck {plate} is not held at {GrainKey}.");
        }

        var trip = await Truck(plate).Current();
        if (entry.TripId is null || trip is null || trip.Status != TruckStatus.Held)
        {
            // Held at the entrance without a trip: released from the list; it needs a declaration to enter.
            Held.Remove(plate);
            await held.WriteStateAsync();
            return;
        }

        if (trip.Events.Any(e => e.Name == TripEventNames.Arrived))
        {
            // Into the queue first, off the held list second: a crash in between leaves it held, never nowhere.
            var now = TimeProvider.GetUtcNow();
            await _queue.AddAsync(new QueuedTruck(plate, trip.Trip.TripId, trip.Trip.Cargo, trip.Trip.Direction, now, now, false, S.NextOrder++));
            Held.Remove(plate);
            await held.WriteStateAsync();
            await Truck(plate).Advance(new TripTransition(TruckStatus.Waiting, TripEventNames.Released, $"released by {by}"));
            await DispatchAsync();
        }
        else
        {
            // Booked again first, off the held list second: a crash in between leaves it held, never nowhere.
            await Ledger.Rebook(trip.Trip, trip.Window!);
            Held.Remove(plate);
            await held.WriteStateAsync();
            await Truck(plate).Advance(new TripTransition(TruckStatus.Booked, TripEventNames.Released, $"released by {by}"));
        }
    }

    public async Task TransferDone(string plate, TripView completed, YardLevel yard)
    {
        ArgumentNullException.ThrowIfNull(completed);
        ArgumentNullException.ThrowIfNull(yard);
        SetYardLevel(yard);
        if (!S.InFlight.Remove(plate))
        {
            LogStaleTransferReport(logger, GrainKey, plate);
            return;
        }

        // Stored with the gate's next write, or on its clock within a site minute, not before this returns: the transfer
        // does not wait for the gate, and a truck whose completion is lost in a crash is still in flight after the restart,
        // handed to the transfer again and reported again (counted once: its count was not stored either).
        CountCompleted(completed);
        await DispatchAsync();
    }

    /// <summary>A truck without a container to hand over (an import leaving the crossing): its trip is complete after its checks.</summary>
    private async Task CompleteAsync(string plate)
    {
        if (!S.InFlight.Remove(plate))
        {
            throw new InvalidTripTransitionException($"Truck {plate} is not in transfer at {GrainKey}.");
        }

        await RecordCompletedAsync(await Truck(plate).Advance(new TripTransition(TruckStatus.Completed, TripEventNames.Completed, "checks done: leaves the crossing")));
    }

    private async Task RecordCompletedAsync(TripView view)
    {
        // Stored at once (an import out of inspection), with the completions the transfer reported since the clock.
        CountCompleted(view);
        await StoreCompletionsAsync();
        await DispatchAsync();
    }

    public Task Dispatch() => DispatchAsync();

    /// <summary>The entrance camera is the entrance's (<see cref="IEntranceGrain"/>): an event sent here goes there.</summary>
    public Task OnDeviceEvent(DeviceEvent deviceEvent)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        return GrainFactory.GetGrain<IEntranceGrain>(GrainKey).OnDeviceEvent(deviceEvent);
    }

    /// <summary>
    /// A truck the no-show sweep got to before the gate got to its sighting: seen before its deadline, it did come,
    /// so its trip is back on (the sweep already took it off the ledger and out of its window).
    /// </summary>
    private BookedTrip? ReinstateSeenInTime(string plate, TripView? trip, DateTimeOffset seenAt)
    {
        if (trip is not { Status: TruckStatus.NoShow, Window: { } window } || seenAt > window.End + Policy.NoShowAfter)
        {
            return null;
        }

        LogReinstated(logger, GrainKey, plate, seenAt);
        return BookedTrip.For(trip.Trip, window);
    }

    /// <summary>The plate's booking, taken out of its window's grain (the truck knows which window), and off the ledger.</summary>
    private async Task<BookedTrip?> TakeBookingAsync(string plate)
    {
        var trip = await Truck(plate).Current();
        if (trip is not { Status: TruckStatus.Booked, Window: { } window })
        {
            return null;
        }

        var booked = await Window(window).Take(plate);
        if (booked is not null)
        {
            await Ledger.Taken(1);
        }

        return booked;
    }

    private IBookingLedgerGrain Ledger => GrainFactory.GetGrain<IBookingLedgerGrain>(GrainKey);

    private IBookingWindowGrain Window(ArrivalWindow window) => GrainFactory.GetGrain<IBookingWindowGrain>(BookingWindowGrain.Key(GrainKey, window));

    private ITruckGrain Truck(string plate) => GrainFactory.GetGrain<ITruckGrain>(CrossingIds.Truck(plate));

    private ILaneGrain Lane(string laneId) => GrainFactory.GetGrain<ILaneGrain>(CrossingIds.Lane(GrainKey, laneId));

    private LaneSlot LaneSlotOf(string laneId) =>
        S.Lanes.TryGetValue(laneId, out var slot) ? slot : throw new KeyNotFoundException($"Crossing {GrainKey} has no lane '{laneId}'.");

    private sealed record Admission(QueuedTruck Entry, ArrivalWindow? Window, string Note);

    /// <summary>A truck admitted to the queue whose record could not be told so.</summary>
    private sealed record UntoldArrival(string Plate, string TripId, string Note);

    [LoggerMessage(2115, LogLevel.Warning, "Gate {Crossing}: truck {Plate}, queued, could not be told it waits; told again on the gate's clock")]
    private static partial void LogArrivalUntold(ILogger logger, Exception exception, string crossing, string plate);

    [LoggerMessage(2106, LogLevel.Information, "Gate {Crossing}: truck {Plate} was seen at {SeenAt:O}, before its no-show deadline; its sighting was handled after the sweep, so its trip is back on")]
    private static partial void LogReinstated(ILogger logger, string crossing, string plate, DateTimeOffset seenAt);

    [LoggerMessage(2110, LogLevel.Warning, "Gate {Crossing}: lane {Lane} did not hold truck {Plate} it was given; the truck went back to the head of the queue")]
    private static partial void LogLaneReconciled(ILogger logger, string crossing, string lane, string plate);

    [LoggerMessage(2109, LogLevel.Warning, "Gate {Crossing}: the transfer reported truck {Plate} done, but it is not in transfer here; ignored")]
    private static partial void LogStaleTransferReport(ILogger logger, string crossing, string plate);

    [LoggerMessage(2105, LogLevel.Warning, "Gate {Crossing}: {Count} queue entries of trucks found elsewhere after a restart were dropped")]
    private static partial void LogQueueReconciled(ILogger logger, string crossing, int count);

    [LoggerMessage(2101, LogLevel.Information, "Gate {Crossing}: truck {Plate} held at the entrance (no booked trip)")]
    private static partial void LogHeldAtEntrance(ILogger logger, string crossing, string plate);

    [LoggerMessage(2102, LogLevel.Warning, "Gate {Crossing}: lane {Lane} reported truck {Plate}, but it holds {Current}; ignored")]
    private static partial void LogStaleLaneReport(ILogger logger, string crossing, string lane, string plate, string? current);

    [LoggerMessage(2103, LogLevel.Warning, "Gate {Crossing}: lane {Lane} left dispatch: {Reason}")]
    private static partial void LogLaneFaulted(ILogger logger, string crossing, string lane, string? reason);

}
