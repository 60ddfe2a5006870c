using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Trips;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Gate;

/// <summary>
/// What the lanes report: a truck through, sent to inspection, held or sent back. Fourteen lanes on a peak day report
/// several times a second, and each report frees a lane that waits for its next truck; so the reports are dealt with
/// together: a report is only noted when it comes (it interleaves with whatever the gate is doing), and the gate's next
/// turn, ahead of queued arrivals, frees every lane reported by then and calls their next trucks in one write.
/// </summary>
public sealed partial class GateGrain
{
    private readonly List<LaneReport> _laneReports = [];
    private IGrainTimer? _laneReportsTurn;

    /// <summary>How soon reports whose handling failed (storage out) are dealt with again (site time).</summary>
    internal static readonly TimeSpan LaneReportRetry = TimeSpan.FromSeconds(30);

    /// <summary>A lane's report, noted for the gate's next lane turn.</summary>
    /// <param name="Completed">An import's trip, completed by the lane: counted, not handed to the transfer.</param>
    /// <param name="Noted">The gate's assignments when it was noted: a lane given a truck after that (the same truck again,
    /// say, sent back and called to the same lane) holds a later assignment than the report is about.</param>
    private sealed record LaneReport(string LaneId, string Plate, LaneOutcome Outcome, string? Reason, TripView? Completed = null, long Noted = 0);

    public Task LaneFinished(string laneId, string plate, LaneOutcome outcome, string? reason, TripView? completed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(laneId);
        ArgumentException.ThrowIfNullOrWhiteSpace(plate);
        NoteLaneReport(new LaneReport(laneId, plate, outcome, reason, completed), TimeSpan.Zero);
        return Task.CompletedTask;
    }

    private void NoteLaneReport(LaneReport report, TimeSpan after)
    {
        _laneReports.Add(report with { Noted = S.Assignments });
        ArmLaneReportsTurn(after);
    }

    /// <summary>A single priority tick (ahead of queued arrivals); the timer is disposed once its tick is over.</summary>
    private void ArmLaneReportsTurn(TimeSpan after)
    {
        if (_laneReportsTurn is not null)
        {
            return;
        }

        IGrainTimer? timer = null;
        timer = RegisterGrainTimer(
            async _ =>
            {
                try
                {
                    await HandleLaneReportsAsync(timer!);
                }
                finally
                {
                    timer!.Dispose();
                }
            },
            new GrainTimerOptions { DueTime = after, Priority = true });
        _laneReportsTurn = timer;
    }

    /// <summary>
    /// Every lane reported since the last such turn is freed, and its truck moved on, in one write with the calls of the
    /// lanes' next trucks (<see cref="DispatchAsync"/>). Should that write fail, the gate's state is back to what storage
    /// holds and the reports are dealt with again later; a report about a lane that no longer holds that truck is stale and
    /// ignored, so one dealt with already is never dealt with twice.
    /// </summary>
    private async Task HandleLaneReportsAsync(IGrainTimer turn)
    {
        if (_laneReportsTurn == turn)
        {
            // Reports noted from here on arm a turn of their own.
            _laneReportsTurn = null;
        }

        if (_laneReports.Count == 0)
        {
            return;
        }

        var reports = _laneReports.ToArray();
        _laneReports.Clear();
        var now = TimeProvider.GetUtcNow();
        var transfers = new List<(string Plate, TripDirection Direction)>();
        var completions = new List<TripView>();
        var heldChanged = false;
        var again = new List<LaneReport>();
        try
        {
            foreach (var report in reports)
            {
                var slot = LaneSlotOf(report.LaneId);
                if (slot.Plate != report.Plate || slot.Assignment > report.Noted)
                {
                    LogStaleLaneReport(logger, GrainKey, report.LaneId, report.Plate, slot.Plate);
                    continue;
                }

                if (report.Outcome == LaneOutcome.Returned)
                {
                    // Back into the queue before the lane is freed (a failure in between leaves the truck in two places, never
                    // in none); should that fail, the lane keeps it and the report is dealt with again later.
                    try
                    {
                        await RequeueAtHeadAsync(report.Plate, report.Reason ?? "returned by the lane");
                    }
                    catch (Exception exception)
                    {
                        LogLaneReportFailed(logger, exception, GrainKey, report.LaneId, report.Plate);
                        again.Add(report);
                        continue;
                    }
                }

                slot.Plate = null;
                slot.Since = now;
                var direction = S.InFlight.GetValueOrDefault(report.Plate)?.Direction ?? TripDirection.Export;
                switch (report.Outcome)
                {
                    case LaneOutcome.Passed when report.Completed is { } completed:
                        // Its trip done at the lane: counted once the freed lane is stored (so a report dealt with again after
                        // a failed write is not counted twice).
                        S.InFlight.Remove(report.Plate);
                        completions.Add(completed);
                        break;
                    case LaneOutcome.Passed:
                        S.InFlight[report.Plate] = new InFlightTruck(direction, TruckStatus.Transfer, now);
                        transfers.Add((report.Plate, direction));
                        break;
                    case LaneOutcome.ToInspection:
                        S.InFlight[report.Plate] = new InFlightTruck(direction, TruckStatus.Inspection, now);
                        S.BayQueue.Add(report.Plate);
                        break;
                    case LaneOutcome.Returned:
                        S.InFlight.Remove(report.Plate);
                        break;
                    case LaneOutcome.Held:
                        S.InFlight.Remove(report.Plate);
                        Held[report.Plate] = new HeldTruck(report.Plate, null, report.Reason ?? "held at the lane", now);
                        heldChanged = true;
                        break;
                }
            }

            // The freed lanes are stored with the calls of their next trucks, in one write, before anyone is told; trucks held at
            // a lane go onto the held list first (handed to storage first: a grain's writes commit in the order made), so that a
            // failure leaves a truck in two places, never in none.
            var heldStored = heldChanged ? held.WriteStateAsync() : Task.CompletedTask;
            await DispatchAsync(mustStore: true);
            await heldStored;
        }
        catch (Exception exception)
        {
            // The write failed: the gate's state is back to what storage holds, every report is dealt with again.
            LogLaneReportsFailed(logger, exception, GrainKey, reports.Length);
            _laneReports.InsertRange(0, reports);
            ArmLaneReportsTurn(LaneReportRetry);
            return;
        }

        if (again.Count > 0)
        {
            _laneReports.InsertRange(0, again);
            ArmLaneReportsTurn(LaneReportRetry);
        }

        if (completions.Count > 0)
        {
            foreach (var completed in completions)
            {
                CountCompleted(completed);
            }

            await StoreCompletionsAsync();
        }

        foreach (var (plate, direction) in transfers)
        {
            await BeginTransferAsync(plate, direction);
        }

        // Bays whose inspection time is up are freed here too, not only on the gate's clock: lane events are handled ahead
        // of queued arrivals, the clock's turn waits behind them.
        await FinishInspectionsAsync();
        await StartInspectionsAsync();
    }

    /// <summary>
    /// A lane answered the gate's check that it does not hold the truck the gate gave it. If the truck still waits to be
    /// called, or is called to that lane, it goes back to the head of the queue (into the queue first, out of the lane
    /// second: a failure in between leaves the truck in two places, never in none). If its record shows it went through
    /// the lane, the lane's report of it was lost (a restart, a failed turn): it is dealt with as that report would have
    /// been — through, to inspection, held, or (still in the lane's checks) sent back.
    /// </summary>
    public async Task LaneLacks(string laneId, string plate, long assignment)
    {
        // The assignment asked about, not a later one of the same truck to the same lane: a lane that finished the truck
        // (sent back after a timeout, say) and was given it again answered for the first time, before it got the second.
        var slot = LaneSlotOf(laneId);
        if (slot.Plate != plate || slot.Assignment != assignment || await Truck(plate).Current() is not { } trip)
        {
            return;
        }

        var lost = trip.Status switch
        {
            TruckStatus.Transfer => new LaneReport(laneId, plate, LaneOutcome.Passed, null),
            TruckStatus.Completed => new LaneReport(laneId, plate, LaneOutcome.Passed, null, trip),
            TruckStatus.Inspection => new LaneReport(laneId, plate, LaneOutcome.ToInspection, null),
            TruckStatus.Held => new LaneReport(laneId, plate, LaneOutcome.Held, $"held at {laneId}"),
            TruckStatus.InLane when trip.LaneId == laneId => new LaneReport(laneId, plate, LaneOutcome.Returned, $"{laneId} no longer holds it"),
            _ => null,
        };
        if (lost is not null)
        {
            LogLaneReportRecovered(logger, GrainKey, laneId, plate, trip.Status);
            NoteLaneReport(lost, TimeSpan.Zero);
            return;
        }

        if (!(trip.Status == TruckStatus.Waiting || (trip.Status == TruckStatus.Called && trip.LaneId == laneId)))
        {
            return;
        }

        await QueueAtHeadAsync(plate, trip);
        slot.Plate = null;
        slot.Since = TimeProvider.GetUtcNow();
        S.InFlight.Remove(plate);
        await state.WriteStateAsync();
        if (trip.Status == TruckStatus.Called)
        {
            await Truck(plate).Advance(new TripTransition(TruckStatus.Waiting, TripEventNames.ReturnedToQueue, $"{laneId} did not get it"));
        }

        LogLaneReconciled(logger, GrainKey, laneId, plate);
        await DispatchAsync();
    }

    [LoggerMessage(2114, LogLevel.Warning, "Gate {Crossing}: truck {Plate}, sent back by lane {Lane}, could not be put back in the queue; the lane keeps it until the report is dealt with again")]
    private static partial void LogLaneReportFailed(ILogger logger, Exception exception, string crossing, string lane, string plate);

    [LoggerMessage(2113, LogLevel.Warning, "Gate {Crossing}: {Count} lane reports could not be dealt with; tried again shortly")]
    private static partial void LogLaneReportsFailed(ILogger logger, Exception exception, string crossing, int count);

    [LoggerMessage(2112, LogLevel.Warning, "Gate {Crossing}: lane {Lane} no longer holds truck {Plate}, whose record shows it {Status}; the lane's report of it was lost and is dealt with now")]
    private static partial void LogLaneReportRecovered(ILogger logger, string crossing, string lane, string plate, TruckStatus status);
}
