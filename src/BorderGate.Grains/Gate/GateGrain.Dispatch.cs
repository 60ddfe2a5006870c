using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Gate;

public sealed partial class GateGrain
{
    /// <summary>The stated rules for early and late arrivals.</summary>
    private (DateTimeOffset EligibleAt, bool Late, string Note) ArrivalRules(ArrivalWindow window, DateTimeOffset now)
    {
        if (now < window.Start - Policy.EarlyTolerance)
        {
            return (window.Start, false, $"early: waits until its window opens at {window.Start:HH:mm}");
        }

        if (now > window.End + Policy.LateTolerance)
        {
            return (now, true, "late: queued behind the trucks on time");
        }

        return (now, false, "on time");
    }

    private async Task RequeueAtHeadAsync(string plate, string reason)
    {
        var trip = await Truck(plate).Current();
        if (trip is null)
        {
            return;
        }

        if (!_queue.Contains(plate))
        {
            await QueueAtHeadAsync(plate, trip);
        }

        // A truck sent back before it was called (its lane faulted first) is waiting already.
        if (trip.Status is TruckStatus.Called or TruckStatus.InLane)
        {
            await Truck(plate).Advance(new TripTransition(TruckStatus.Waiting, TripEventNames.ReturnedToQueue, reason));
        }
    }

    /// <summary>Puts the trip's truck at the head of the queue, eligible at once (it was called before, or should have been).</summary>
    private Task QueueAtHeadAsync(string plate, TripView trip)
    {
        var now = TimeProvider.GetUtcNow();
        return _queue.AddAsync(new QueuedTruck(plate, trip.Trip.TripId, trip.Trip.Cargo, trip.Trip.Direction, now, now, false, (_queue.HeadOrder ?? S.NextOrder) - 1));
    }

    private bool ExportsAllowed()
    {
        if (S.YardCapacity == 0)
        {
            return true;
        }

        var exportsHeadingToYard = S.InFlight.Values.Count(f => f.Direction == TripDirection.Export)
            + S.Lanes.Values.Count(l => l.Plate is not null);
        return S.YardOccupied + S.YardReserved + exportsHeadingToYard < S.YardCapacity * Policy.YardHighWaterMark;
    }

    /// <summary>
    /// Calls waiting trucks to the free lanes by the dispatch policy. <paramref name="mustStore"/>: the caller changed the
    /// gate's state and leaves it to this to store it (with the calls, in one write, when there are any).
    /// </summary>
    private async Task DispatchAsync(bool mustStore = false)
    {
        var now = TimeProvider.GetUtcNow();
        var free = _layout.Lanes
            .Where(l => S.Lanes[l.Id] is { Mode: LaneMode.Open, Plate: null })
            .Select(l => new FreeLane(l.Id, l.Kind, l.Direction))
            .ToList();
        var run = S.PerishablesInARow;
        _queue.Promote(now);
        var exportsAllowed = ExportsAllowed();
        var assignments = free.Count == 0 || _queue.Count == 0
            ? []
            : Dispatcher.AssignInOrder(
                free,
                (exportsAllowed ? _queue.InDispatchOrder : _queue.ImportsInDispatchOrder).Select(AsWaiting),
                now,
                Policy,
                ref run,
                exportsAllowed,
                _queue.OversizeInDispatchOrder.Select(AsWaiting));
        if (assignments.Count == 0)
        {
            if (mustStore)
            {
                await state.WriteStateAsync();
            }

            return;
        }

        S.PerishablesInARow = run;
        var calls = new List<QueuedTruck>();
        foreach (var assignment in assignments)
        {
            var entry = _queue.Find(assignment.Plate)!;
            var slot = S.Lanes[assignment.LaneId];
            slot.Plate = entry.Plate;
            slot.Since = now;
            slot.Assignment = ++S.Assignments;
            S.InFlight[entry.Plate] = new InFlightTruck(entry.Direction, TruckStatus.Called, now);
            calls.Add(entry);
            LogCalled(logger, GrainKey, entry.Plate, assignment.LaneId);
            Diagnostics.Dispatches.Add(1, new KeyValuePair<string, object?>(Diagnostics.LaneTag, assignment.LaneId));
        }

        // Stored before anyone is told: a crash here re-runs nothing twice. The lanes first, the queue second (a crash
        // in between leaves a truck in its lane and in the queue, which activation reconciles). Both writes are handed
        // to storage at once: a grain's writes commit in the order they were made (one writer per grain), so the order
        // holds while the gate waits for one commit instead of two.
        var lanesStored = state.WriteStateAsync();
        var dequeued = _queue.RemoveAsync([.. calls.Select(c => c.Plate)]);
        try
        {
            await lanesStored;
        }
        catch
        {
            // The lanes were not stored (the state is back to what storage holds): the trucks go back to the queue
            // whatever became of their removal, so that none is left nowhere.
            await dequeued.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            foreach (var entry in calls)
            {
                await _queue.AddAsync(entry);
            }

            throw;
        }

        await dequeued;

        // Different trucks and lanes are told at the same time.
        await Task.WhenAll(calls.Select((entry, i) => CallAsync(entry, assignments[i].LaneId)));
    }

    private static Waiting AsWaiting(QueuedTruck q) => new(q.Plate, q.Cargo, q.Direction, q.EligibleAt, q.Late, q.Order);

    /// <summary>The lane is told one-way; it stores its truck and calls it forward itself (<see cref="ILaneGrain.Assign"/>).</summary>
    private Task CallAsync(QueuedTruck entry, string laneId) =>
        Lane(laneId).Assign(new QueueEntry(entry.Plate, entry.TripId, entry.Cargo, entry.Direction, entry.ArrivedAt, entry.EligibleAt, entry.Late, 0));

    private async Task StartInspectionsAsync()
    {
        var now = TimeProvider.GetUtcNow();
        foreach (var bayId in S.Bays.Where(b => b.Value is null).Select(b => b.Key).Order(StringComparer.Ordinal).ToList())
        {
            if (S.BayQueue.Count == 0)
            {
                break;
            }

            var plate = S.BayQueue[0];
            S.BayQueue.RemoveAt(0);
            S.Bays[bayId] = new BayUse(plate, now);
            await state.WriteStateAsync();
            await Truck(plate).Advance(new TripTransition(TruckStatus.Inspection, TripEventNames.InspectionStarted, $"bay {bayId}", BayId: bayId));
        }
    }

    private async Task FinishInspectionsAsync()
    {
        var now = TimeProvider.GetUtcNow();
        foreach (var (bayId, use) in S.Bays.Where(b => b.Value is not null && b.Value.Since + Timings.Inspection <= now).ToList())
        {
            S.Bays[bayId] = null;
            var direction = S.InFlight.GetValueOrDefault(use!.Plate)?.Direction ?? TripDirection.Export;
            S.InFlight[use.Plate] = new InFlightTruck(direction, TruckStatus.Transfer, now);
            await state.WriteStateAsync();
            await Truck(use.Plate).Advance(new TripTransition(TruckStatus.Transfer, TripEventNames.InspectionPassed, $"bay {bayId}"));
            await BeginTransferAsync(use.Plate, direction);
        }
    }

    private async Task OnClockAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.GetUtcNow();
        if (now >= _nextLaneCheck)
        {
            // Once a call timeout, not every minute: the lanes given a truck more than two call timeouts ago.
            _nextLaneCheck = now + Policy.CallTimeout;
            await ReconcileLanesAsync(Policy.CallTimeout * 2);
        }

        if (now - _yardLevelAt >= YardLevelRefresh)
        {
            // The transfer reports the yard's level with every truck it completes; asked here only when it has been quiet.
            await RefreshYardLevelAsync();
        }

        await TellUntoldArrivalsAsync();
        await FinishInspectionsAsync();
        await StartInspectionsAsync();
        await DispatchAsync();
        await StoreCompletionsAsync();
    }

    public async Task<GateView> Snapshot()
    {
        var booked = await Ledger.BookedCount();
        var now = TimeProvider.GetUtcNow();
        var queue = QueueInOrder(now).Take(GateViews.QueueHead).Select((q, i) => new QueueEntry(q.Plate, q.TripId, q.Cargo, q.Direction, q.ArrivedAt, q.EligibleAt, q.Late, i + 1)).ToList();
        var lanes = _layout.Lanes.Select(l =>
        {
            var slot = S.Lanes[l.Id];
            return new LaneView(l.Id, slot.Mode, slot.Plate is null ? LaneStep.Idle : LaneStep.AwaitingTruck, slot.Plate, null, slot.Reason, slot.Since);
        }).ToList();
        var bays = S.Bays.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => new InspectionBayView(b.Key, b.Value?.Plate, b.Value?.Since)).ToList();
        return new GateView(GrainKey, queue, _queue.Count, lanes, bays, [.. Held.Values], BuildKpis(now, booked));
    }

    public async Task<GateKpis> Kpis()
    {
        var booked = await Ledger.BookedCount();
        return BuildKpis(TimeProvider.GetUtcNow(), booked);
    }

    public Task<QueuePosition?> PositionOf(string plate)
    {
        var now = TimeProvider.GetUtcNow();
        if (_queue.Find(plate) is not { } entry)
        {
            return Task.FromResult<QueuePosition?>(null);
        }

        var index = 0;
        foreach (var truck in QueueInOrder(now))
        {
            if (truck.Plate == plate)
            {
                break;
            }

            index++;
        }

        // Lanes clear a truck about every average turn through them; with n lanes open, n at a time.
        var openLanes = Math.Max(1, S.Lanes.Values.Count(l => l.Mode == LaneMode.Open));
        var perTruck = KpiWindow.Average(_liveKpis.WaitSeconds) > TimeSpan.Zero && _liveKpis.WaitSeconds.Count >= 10
            ? TimeSpan.FromSeconds(Math.Max(60, _liveKpis.WaitSeconds.Average() / Math.Max(1, _queue.Count)))
            : TimeSpan.FromMinutes(4);
        var expected = TimeSpan.FromTicks(perTruck.Ticks * (index + 1) / openLanes);
        var notBefore = entry.EligibleAt - now;
        return Task.FromResult<QueuePosition?>(new QueuePosition(index + 1, index, notBefore > expected ? notBefore : expected));
    }

    /// <summary>The queue as it will be called: the trucks eligible now in dispatch order, then the early ones.</summary>
    private IEnumerable<QueuedTruck> QueueInOrder(DateTimeOffset now)
    {
        _queue.Promote(now);
        return _queue.InDispatchOrder.Concat(_queue.NotYetEligibleInDispatchOrder);
    }

    private GateKpis BuildKpis(DateTimeOffset now, int booked)
    {
        var byStatus = new Dictionary<TruckStatus, int>
        {
            [TruckStatus.Booked] = booked,
            [TruckStatus.Waiting] = _queue.Count,
            [TruckStatus.Called] = S.InFlight.Values.Count(f => f.Stage == TruckStatus.Called),
            [TruckStatus.Inspection] = S.InFlight.Values.Count(f => f.Stage == TruckStatus.Inspection),
            [TruckStatus.Transfer] = S.InFlight.Values.Count(f => f.Stage == TruckStatus.Transfer),
            [TruckStatus.Held] = Held.Count,
            [TruckStatus.Completed] = S.CompletedTotal,
        };
        return new GateKpis(
            byStatus,
            _liveKpis.CompletedInLastHour(now),
            _liveKpis.ByHour(),
            KpiWindow.Average(_liveKpis.WaitSeconds),
            KpiWindow.Percentile(_liveKpis.WaitSeconds, 0.95),
            KpiWindow.Average(_liveKpis.TurnSeconds),
            KpiWindow.Percentile(_liveKpis.TurnSeconds, 0.95),
            S.YardOccupied,
            S.YardReserved,
            S.YardCapacity);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(2116, Microsoft.Extensions.Logging.LogLevel.Debug, "Gate {Crossing}: truck {Plate} called to {Lane}")]
    private static partial void LogCalled(Microsoft.Extensions.Logging.ILogger logger, string crossing, string plate, string lane);
}
