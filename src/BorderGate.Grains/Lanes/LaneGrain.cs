using System.Globalization;
using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Contracts.Trips;
using BorderGate.Grains.Customs;
using BorderGate.Grains.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Lanes;

/// <summary>
/// A checkpoint lane (key: "crossing/lane-N"): one truck at a time through plate read, weighbridge (a
/// reading counts once stable), customs channel (green passes, yellow document check, red to an
/// inspection bay), plant quarantine for farm produce, barrier open and leave. A device fault takes
/// the lane out of dispatch and sends its truck back to the head of the queue.
/// </summary>
public sealed partial class LaneGrain(
    [PersistentState("lane")] IPersistentState<LaneState> state,
    CrossingSites sites,
    ICustomsChannels customs,
    ILogger<LaneGrain> logger) : Grain, ILaneGrain
{
    private SiteLayout _layout = null!;
    private LaneLayout _lane = null!;
    private IGrainTimer? _stepTimer;
    private IGrainTimer? _callTimer;

    private LaneState S => state.State;

    private CheckpointTimings Timings => _layout.Timings;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_layout, var laneId) = sites.Resolve(GrainKey);
        _lane = _layout.Lanes.FirstOrDefault(l => l.Id == laneId)
            ?? throw new KeyNotFoundException($"Crossing {_layout.CrossingId} has no lane '{laneId}'.");
        if (S.Truck is not null)
        {
            // Re-arm whatever step was waiting on time when the lane was last active; a truck assigned but maybe not yet
            // called is called (again, if need be: a truck called already is left alone).
            ArmStepTimer(S.Step, S.Visit);
            if (S.Step == LaneStep.AwaitingTruck)
            {
                CallTruckSoon(S.Visit);
            }
        }

        return Task.CompletedTask;
    }

    public async Task Assign(QueueEntry truck)
    {
        ArgumentNullException.ThrowIfNull(truck);
        if (S.Truck is { } current)
        {
            if (current.Plate == truck.Plate)
            {
                return;
            }

            throw new InvalidOperationException($"Lane {GrainKey} already has truck {current.Plate}; one truck at a time.");
        }

        S.Truck = truck;
        S.Visit++;
        S.WeighedKg = null;
        S.Channel = null;
        await StepAsync(truck, LaneStep.AwaitingTruck);

        // The lane knows its truck before the truck is called: the call is what the driver sees (the feed, the drivers'
        // app), so the lane is ready for the plate read before anyone can drive in. The call goes out in a turn of the
        // lane's own: the gate, busy with every truck of the day, has its answer once the lane has stored the truck.
        CallTruckSoon(S.Visit);
    }

    private void CallTruckSoon(long visit)
    {
        _callTimer?.Dispose();
        _callTimer = RunOnce(
            () =>
            {
                _callTimer = null;
                return CallTruckAsync(visit);
            },
            TimeSpan.Zero);
    }

    /// <summary>Calls the assigned truck forward; should that fail, the call timeout sends it back to the queue.</summary>
    private async Task CallTruckAsync(long visit)
    {
        if (S.Visit != visit || S.Step != LaneStep.AwaitingTruck || S.Truck is not { } truck)
        {
            return;
        }

        try
        {
            var trip = await Truck(truck.Plate).Current();
            if (trip is { Status: TruckStatus.Waiting })
            {
                await Truck(truck.Plate).Advance(new TripTransition(TruckStatus.Called, TripEventNames.Called, $"go to {_lane.Id}", LaneId: _lane.Id));
            }
        }
        catch (InvalidTripTransitionException exception)
        {
            LogCallFailed(logger, GrainKey, truck.Plate, exception.Message);
        }
    }

    public Task ConfirmAssigned(string plate, long assignment) =>
        S.Truck?.Plate == plate ? Task.CompletedTask : Gate.LaneLacks(_lane.Id, plate, assignment);

    public async Task SetMode(LaneMode mode, string reason)
    {
        S.Mode = mode;
        S.ModeReason = reason;
        await state.WriteStateAsync();
    }

    public Task<LaneView> Status() =>
        Task.FromResult(new LaneView(_lane.Id, S.Mode, S.Step, S.Truck?.Plate, S.Truck?.TripId, S.ModeReason, S.Since));

    public async Task OnDeviceEvent(DeviceEvent deviceEvent)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        if (deviceEvent.IsFault)
        {
            await OnDeviceFaultAsync(deviceEvent);
            return;
        }

        if (DeviceEventNames.IsRecovery(deviceEvent, S.Faults.GetValueOrDefault(deviceEvent.DeviceId)) && S.Faults.Remove(deviceEvent.DeviceId))
        {
            await state.WriteStateAsync();
            if (S.Faults.Count == 0)
            {
                await Gate.LaneHealthChanged(_lane.Id, healthy: true, null);
            }

            return;
        }

        if (S.Truck is not { } truck)
        {
            return;
        }

        switch (deviceEvent.Name)
        {
            case "plate-read" when S.Step == LaneStep.AwaitingTruck && deviceEvent.DeviceId == _lane.Devices.PlateCameraId:
                await OnPlateReadAsync(truck, deviceEvent.Data.GetValueOrDefault("plate"));
                break;
            case "weight" when S.Step == LaneStep.Weighing && deviceEvent.DeviceId == _lane.Devices.WeighbridgeId:
                await OnWeightAsync(truck, deviceEvent.Data);
                break;
        }
    }

    private async Task OnPlateReadAsync(QueueEntry truck, string? plate)
    {
        if (!string.Equals(plate, truck.Plate, StringComparison.Ordinal))
        {
            // Another truck drove into the lane: not the called one. It is not weighed or checked.
            LogWrongTruck(logger, GrainKey, plate, truck.Plate);
            return;
        }

        await StepAsync(truck, LaneStep.Weighing, new TripTransition(TruckStatus.InLane, TripEventNames.PlateRead, $"lane {_lane.Id}", LaneId: _lane.Id));
    }

    private async Task OnWeightAsync(QueueEntry truck, IReadOnlyDictionary<string, string> data)
    {
        if (S.WeighedKg is not null
            || !string.Equals(data.GetValueOrDefault("stable"), "true", StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(data.GetValueOrDefault("kg"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var kg))
        {
            return;
        }

        S.WeighedKg = kg;
        var trip = await Truck(truck.Plate).Current();
        var declared = trip?.Trip.DeclaredWeightKg ?? 0;
        var weighed = new TripTransition(TruckStatus.InLane, TripEventNames.Weighed, $"{kg} kg");
        if (declared > 0 && Math.Abs(kg - declared) > declared * Timings.WeightMismatchTolerance)
        {
            await Truck(truck.Plate).Advance(weighed);
            await FinishAsync(truck, LaneOutcome.Held, $"weighed {kg} kg, declared {declared} kg");
            return;
        }

        var channel = await customs.ChannelOf(trip?.Trip.DeclarationNumber ?? truck.TripId, truck.Cargo, CancellationToken.None);
        S.Channel = channel;
        await StepAsync(
            truck,
            channel == CustomsChannel.Yellow ? LaneStep.DocumentCheck : NextAfterCustoms(truck),
            weighed,
            new TripTransition(TruckStatus.InLane, TripEventNames.CustomsChannel, channel.ToString(), Channel: channel));
    }

    private LaneStep NextAfterCustoms(QueueEntry truck) =>
        truck.Cargo.NeedsQuarantine() ? LaneStep.Quarantine : LaneStep.BarrierOpening;

    /// <summary>
    /// The lane's next step and the truck's steps that led to it (if any), stored at the same time (two grains, one
    /// wait). The step's timer is armed first: should the lane's write fail, its state is back at the step before and the
    /// timer finds nothing to do; should the truck's fail, the lane goes on and the truck's record misses those steps.
    /// </summary>
    private async Task StepAsync(QueueEntry truck, LaneStep step, params TripTransition[] steps)
    {
        S.Step = step;
        S.Since = TimeProvider.GetUtcNow();
        ArmStepTimer(step, S.Visit);
        try
        {
            await Task.WhenAll(state.WriteStateAsync(), steps.Length == 0 ? Task.CompletedTask : Truck(truck.Plate).AdvanceAll(steps));
        }
        catch when (S.Step != step)
        {
            // The lane's write failed: it is back at the step before, whose clock runs again (not at once: storage is out).
            ArmStepTimer(S.Step, S.Visit, StepRetry);
            throw;
        }

        if (step == LaneStep.BarrierOpening)
        {
            await OpenBarrierAsync();
        }
    }

    /// <summary>How soon a step whose write failed is tried again (site time).</summary>
    internal static readonly TimeSpan StepRetry = TimeSpan.FromSeconds(30);

    private void ArmStepTimer(LaneStep step, long visit, TimeSpan? atLeast = null)
    {
        _stepTimer?.Dispose();
        _stepTimer = null;
        var due = step switch
        {
            LaneStep.AwaitingTruck => _layout.Policy.CallTimeout,
            LaneStep.Weighing => Timings.WeighTimeout,
            LaneStep.DocumentCheck => Timings.DocumentCheck,
            LaneStep.Quarantine => Timings.Quarantine,
            LaneStep.Leaving => Timings.BarrierPass,
            _ => (TimeSpan?)null,
        };
        if (due is { } dueTime)
        {
            var remaining = S.Since + dueTime - TimeProvider.GetUtcNow();
            if (atLeast is { } minimum && remaining < minimum)
            {
                remaining = minimum;
            }

            _stepTimer = RegisterGrainTimer(_ => OnStepDueAsync(step, visit), remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnStepDueAsync(LaneStep step, long visit)
    {
        if (S.Visit != visit || S.Step != step || S.Truck is not { } truck)
        {
            return;
        }

        switch (step)
        {
            case LaneStep.AwaitingTruck:
                await FinishAsync(truck, LaneOutcome.Returned, $"did not reach {_lane.Id} within {_layout.Policy.CallTimeout.TotalMinutes:0} min");
                break;
            case LaneStep.Weighing when S.WeighedKg is null:
                await FinishAsync(truck, LaneOutcome.Returned, $"no stable weighbridge reading within {Timings.WeighTimeout.TotalMinutes:0} min on {_lane.Id}");
                break;
            case LaneStep.DocumentCheck:
                await StepAsync(truck, NextAfterCustoms(truck), new TripTransition(TruckStatus.InLane, TripEventNames.DocumentsChecked));
                break;
            case LaneStep.Quarantine:
                await StepAsync(truck, LaneStep.BarrierOpening, new TripTransition(TruckStatus.InLane, TripEventNames.QuarantinePassed));
                break;
            case LaneStep.Leaving:
                var close = await Barrier.Execute(new DeviceCommand($"{GrainKey}/{visit}/close", "close", EmptyArgs));
                await FinishAsync(truck, S.Channel == CustomsChannel.Red ? LaneOutcome.ToInspection : LaneOutcome.Passed, null);
                if (close.Outcome != CommandOutcome.Acknowledged)
                {
                    // The truck is through, but a barrier that did not close leaves the lane open to anyone.
                    await OnDeviceFaultAsync(BarrierFault("close", close));
                }

                break;
        }
    }

    private async Task OpenBarrierAsync()
    {
        var visit = S.Visit;
        var result = await Barrier.Execute(new DeviceCommand($"{GrainKey}/{visit}/open", "open", EmptyArgs));
        if (S.Visit != visit || S.Step != LaneStep.BarrierOpening || S.Truck is not { } truck)
        {
            return;
        }

        if (result.Outcome != CommandOutcome.Acknowledged)
        {
            await OnDeviceFaultAsync(BarrierFault("open", result));
            return;
        }

        await StepAsync(truck, LaneStep.Leaving, new TripTransition(TruckStatus.InLane, TripEventNames.BarrierOpened));
    }

    private async Task OnDeviceFaultAsync(DeviceEvent fault)
    {
        S.Faults[fault.DeviceId] = fault.Name;
        await state.WriteStateAsync();
        var reason = $"device {fault.DeviceId} reported {fault.Name}";
        LogDeviceFault(logger, GrainKey, fault.DeviceId, fault.Name);
        await Gate.LaneHealthChanged(_lane.Id, healthy: false, reason);
        if (S.Truck is { } truck)
        {
            await FinishAsync(truck, LaneOutcome.Returned, reason);
        }
    }

    /// <summary>Frees the lane and moves the truck on (stored at the same time), then tells the gate (which may call the next truck here at once).</summary>
    private async Task FinishAsync(QueueEntry truck, LaneOutcome outcome, string? reason)
    {
        _stepTimer?.Dispose();
        _stepTimer = null;
        S.Truck = null;
        S.Step = LaneStep.Idle;
        S.Since = TimeProvider.GetUtcNow();
        TripTransition[] left = outcome switch
        {
            // An import through its checks leaves the crossing here: its trip is done, in the same write.
            LaneOutcome.Passed when truck.Direction == TripDirection.Import =>
            [
                new TripTransition(TruckStatus.Transfer, TripEventNames.LeftLane, $"through {_lane.Id}"),
                new TripTransition(TruckStatus.Completed, TripEventNames.Completed, "checks done: leaves the crossing"),
            ],
            LaneOutcome.Passed => [new TripTransition(TruckStatus.Transfer, TripEventNames.LeftLane, $"to the transfer yard from {_lane.Id}")],
            LaneOutcome.ToInspection => [new TripTransition(TruckStatus.Inspection, TripEventNames.ToInspection, "red channel: physical inspection")],
            LaneOutcome.Held => [new TripTransition(TruckStatus.Held, TripEventNames.HeldAtLane, reason)],
            _ => [],
        };
        Task<TripView>? moved = null;
        try
        {
            // A truck through the lane (or held there): the freed lane and its step are stored at the same time (should only the truck's be
            // stored, the lane, back at its step, does it again, and the truck takes the same step again).
            moved = left.Length == 0 ? null : Truck(truck.Plate).AdvanceAll(left);
            await Task.WhenAll(state.WriteStateAsync(), moved ?? Task.CompletedTask);
        }
        catch when (S.Truck is not null)
        {
            // The lane's write failed: it holds the truck again, at the step it was at; that step's clock runs again.
            ArmStepTimer(S.Step, S.Visit, StepRetry);
            throw;
        }

        var completed = moved is not null && await moved is { Status: TruckStatus.Completed } done ? done : null;
        await Gate.LaneFinished(_lane.Id, truck.Plate, outcome, reason, completed);
    }

    private DeviceEvent BarrierFault(string command, CommandResult result) =>
        new(_lane.Devices.BarrierId, DeviceKind.Barrier, $"{command}-{result.Outcome}".ToLowerInvariant(),
            new Dictionary<string, string> { ["message"] = result.Error ?? result.Outcome.ToString() }, TimeProvider.GetUtcNow(), IsFault: true);

    private static readonly IReadOnlyDictionary<string, string> EmptyArgs = new Dictionary<string, string>();

    private IGateGrain Gate => GrainFactory.GetGrain<IGateGrain>(_layout.CrossingId);

    private IDeviceGrain Barrier => GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(_layout.CrossingId, _lane.Devices.BarrierId));

    private ITruckGrain Truck(string plate) => GrainFactory.GetGrain<ITruckGrain>(CrossingIds.Truck(plate));

    [LoggerMessage(2203, LogLevel.Warning, "Lane {Lane}: truck {Plate} could not be called ({Reason}); the call timeout sends it back to the queue")]
    private static partial void LogCallFailed(ILogger logger, string lane, string plate, string reason);

    [LoggerMessage(2201, LogLevel.Warning, "Lane {Lane}: plate {Seen} read, but truck {Called} was called; not checked")]
    private static partial void LogWrongTruck(ILogger logger, string lane, string? seen, string called);

    [LoggerMessage(2202, LogLevel.Warning, "Lane {Lane}: device {Device} fault {Fault}; lane leaves dispatch")]
    private static partial void LogDeviceFault(ILogger logger, string lane, string device, string fault);
}
