using System.Globalization;
using BorderGate.Actors;
using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Grains.Cranes;

/// <summary>
/// A container crane (key: "crossing/crane-N"). Moves run one at a time: the controller is told to move,
/// acknowledges, and reports "move-done"; then the yard and the gate learn where the container is. A fault
/// mid-move records where the container was left (the controller says: still on the source, on the hoist,
/// or already down) and puts the job back at the head of the queue. Moves that load a waiting driverless truck go
/// ahead of the others, within a bound (<see cref="CraneQueue"/>).
/// </summary>
public sealed partial class CraneGrain(
    [PersistentState("crane")] IPersistentState<CraneState> state,
    CrossingSites sites,
    ILogger<CraneGrain> logger) : Grain, ICraneGrain
{
    /// <summary>
    /// How many finished job ids the crane remembers, so that a job handed over again (the transfer repeats its steps after
    /// a restart, within moments of the first time) is not done twice. Stored with every change of the crane: 200 ids made
    /// a 7.8 KB write per move.
    /// </summary>
    private const int DoneMemory = 50;
    private SiteLayout _layout = null!;
    private CraneLayout _crane = null!;
    private IGrainTimer? _start;

    private CraneState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_layout, var craneId) = sites.Resolve(GrainKey);
        _crane = _layout.Cranes.FirstOrDefault(c => c.Id == craneId) ?? throw new KeyNotFoundException($"Crossing {_layout.CrossingId} has no crane '{craneId}'.");
        if (S.PositionX == 0)
        {
            S.PositionX = _crane.RailStartX;
        }

        // Jobs queued before a restart resume.
        StartSoon();
        return Task.CompletedTask;
    }

    public async Task<bool> Enqueue(CraneJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (S.Done.Contains(job.JobId))
        {
            return false;
        }

        if (S.Current?.JobId == job.JobId || S.Queue.Any(j => j.JobId == job.JobId))
        {
            return true;
        }

        CraneQueue.Add(S.Queue, S.Overtaken, job);
        await state.WriteStateAsync();

        // The move starts in a turn of its own: whoever queued the job (the gate, busy with every truck) has its
        // answer once the job is stored, not after the controller's acknowledgement.
        StartSoon();
        return true;
    }

    private void StartSoon()
    {
        if (S.Mode != CraneMode.Idle || S.Queue.Count == 0 || _start is not null)
        {
            return;
        }

        _start = RunOnce(
            () =>
            {
                _start = null;
                return StartNextAsync();
            },
            TimeSpan.Zero);
    }

    public Task<CraneView> Status() =>
        Task.FromResult(new CraneView(_crane.Id, S.Mode, S.PositionX, S.Current, [.. S.Queue], S.Fault, S.Stranded));

    public async Task OnDeviceEvent(DeviceEvent deviceEvent)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        if (deviceEvent.IsFault)
        {
            await OnFaultAsync(deviceEvent);
            return;
        }

        switch (deviceEvent.Name)
        {
            case "move-done" when S.Current is { } job && deviceEvent.Data.GetValueOrDefault("jobId") == job.JobId:
                await CompleteAsync(job);
                break;
            case DeviceEventNames.FaultCleared or DeviceEventNames.Online
                when S.Mode == CraneMode.Faulted && DeviceEventNames.IsRecovery(deviceEvent, S.FaultCode):
                S.Mode = CraneMode.Idle;
                S.Fault = null;
                S.FaultCode = null;
                await state.WriteStateAsync();
                await Observer.OnCraneHealthChanged(_crane.Id, healthy: true, null);
                await StartNextAsync();
                break;
        }
    }

    private async Task StartNextAsync()
    {
        if (S.Mode != CraneMode.Idle || S.Queue.Count == 0)
        {
            return;
        }

        var job = CraneQueue.TakeFirst(S.Queue, S.Overtaken);
        S.Current = job;
        S.Mode = CraneMode.Moving;
        await state.WriteStateAsync();
        var args = new Dictionary<string, string>
        {
            ["jobId"] = job.JobId,
            ["container"] = job.ContainerNumber,
            ["from"] = $"{job.From.Kind}:{job.From.Id}",
            ["to"] = $"{job.To.Kind}:{job.To.Id}",
            ["fromX"] = job.From.RailX.ToString(CultureInfo.InvariantCulture),
            ["toX"] = job.To.RailX.ToString(CultureInfo.InvariantCulture),
        };
        var result = await Controller.Execute(new DeviceCommand($"{GrainKey}/{job.JobId}", "move", args));
        if (result.Outcome != CommandOutcome.Acknowledged && S.Current?.JobId == job.JobId)
        {
            await OnFaultAsync(new DeviceEvent(_crane.ControllerId, DeviceKind.CraneController, $"move-{result.Outcome}".ToLowerInvariant(),
                new Dictionary<string, string> { ["container-at"] = "source", ["message"] = result.Error ?? result.Outcome.ToString() }, TimeProvider.GetUtcNow(), IsFault: true));
        }
    }

    private async Task CompleteAsync(CraneJob job)
    {
        S.Current = null;
        S.Mode = CraneMode.Idle;
        S.PositionX = job.To.RailX;
        S.Stranded.Remove(job.ContainerNumber);
        S.Done.Add(job.JobId);
        if (S.Done.Count > DoneMemory)
        {
            S.Done.RemoveRange(0, S.Done.Count - DoneMemory);
        }

        await state.WriteStateAsync();
        LogMoveDone(logger, GrainKey, job.ContainerNumber, job.From.Id, job.To.Id);
        Diagnostics.CraneMoves.Add(1);
        await Observer.OnCraneJobDone(_crane.Id, job);
        await StartNextAsync();
    }

    private async Task OnFaultAsync(DeviceEvent fault)
    {
        S.Mode = CraneMode.Faulted;
        S.FaultCode = fault.Name;
        S.Fault = $"{fault.Name}: {fault.Data.GetValueOrDefault("message")}";
        if (S.Current is { } job)
        {
            // The controller says where the container is; without a word it is where the move began.
            var place = fault.Data.GetValueOrDefault("container-at") switch
            {
                "hoist" => new ContainerPlace(PlaceKind.CraneHoist, _crane.Id, ParseX(fault.Data.GetValueOrDefault("x"), job.From.RailX)),
                "destination" => job.To,
                _ => job.From,
            };
            S.Stranded[job.ContainerNumber] = place;
            S.Queue.Insert(0, job with { From = place.Kind == PlaceKind.CraneHoist ? place : job.From });
            S.Current = null;
        }

        await state.WriteStateAsync();
        LogFault(logger, GrainKey, S.Fault);
        await Observer.OnCraneHealthChanged(_crane.Id, healthy: false, S.Fault);
    }

    private ICraneJobObserver Observer => GrainFactory.GetGrain<ICraneJobObserver>(_layout.CrossingId);

    private static double ParseX(string? value, double fallback) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : fallback;

    private IDeviceGrain Controller => GrainFactory.GetGrain<IDeviceGrain>(CrossingIds.Device(_layout.CrossingId, _crane.ControllerId));

    [LoggerMessage(2301, LogLevel.Debug, "Crane {Crane}: container {Container} moved from {From} to {To}")]
    private static partial void LogMoveDone(ILogger logger, string crane, string container, string from, string to);

    [LoggerMessage(2302, LogLevel.Warning, "Crane {Crane} faulted: {Fault}")]
    private static partial void LogFault(ILogger logger, string crane, string? fault);
}
