using System.Globalization;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Simulation;

/// <summary>
/// A driverless truck's controller, loosely after VDA 5050: "drive" {segment, to} is acknowledged, the vehicle
/// covers the segment at its speed and reports "position" {waypoint, segment}; "stop" halts it where it is,
/// "resume" goes on. A breakdown (<see cref="BreakDownAsync"/> or <see cref="SimulatedDeviceFaults.BreakdownOnRoute"/>)
/// reports fault "breakdown" with the segment and how far along it the vehicle stands.
/// </summary>
public sealed class SimulatedVehicleController(string deviceId, byte[] key, TimeProvider timeProvider, RouteLayout route, double speedMetresPerSecond = 8, ILogger? logger = null)
    : SimulatedDevice(deviceId, DeviceKind.VehicleController, key, timeProvider, logger)
{
    private readonly Lock _lock = new();
    private CancellationTokenSource? _legStop;
    private TaskCompletionSource? _resumed;
    private bool _brokenDown;

    /// <summary>The waypoint the vehicle last reached.</summary>
    public string? Waypoint { get; private set; }

    /// <summary>The segment the vehicle is on, or null when it stands at a waypoint.</summary>
    public string? Segment { get; private set; }

    /// <summary>
    /// Told, at the moment it happens, that the vehicle entered a segment (true) or left it at its end (false): a
    /// vehicle leaves a segment before it reports its position there, so whoever follows it in is told after.
    /// </summary>
    public Action<SimulatedVehicleController, string, bool>? SegmentChanged { get; set; }

    public bool IsStopped { get; private set; }

    /// <summary>The vehicle breaks down where it is.</summary>
    public Task BreakDownAsync(CancellationToken cancellationToken = default)
    {
        _brokenDown = true;
        lock (_lock)
        {
            _legStop?.Cancel();
        }

        return SendFaultAsync("breakdown", "vehicle broke down", new Dictionary<string, string>
        {
            ["segment"] = Segment ?? string.Empty,
            ["waypoint"] = Waypoint ?? string.Empty,
        }, cancellationToken);
    }

    protected override Task<CommandReply> ExecuteAsync(SimulatedCommand command, CancellationToken cancellationToken)
    {
        if (_brokenDown)
        {
            return Task.FromResult(CommandReply.Refused("broken down"));
        }

        switch (command.Name)
        {
            case "drive":
                return Task.FromResult(StartDrive(command));
            case "stop":
                lock (_lock)
                {
                    IsStopped = true;
                    _resumed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _legStop?.Cancel();
                }

                return Task.FromResult(CommandReply.Done);
            case "resume":
                lock (_lock)
                {
                    IsStopped = false;
                    _resumed?.TrySetResult();
                    _resumed = null;
                }

                return Task.FromResult(CommandReply.Done);
            default:
                return Task.FromResult(CommandReply.Refused($"a vehicle does not know '{command.Name}'"));
        }
    }

    private CommandReply StartDrive(SimulatedCommand command)
    {
        var segmentId = command.Args.GetValueOrDefault("segment");
        var segment = route.Segments.FirstOrDefault(s => string.Equals(s.Id, segmentId, StringComparison.Ordinal));
        if (segment is null)
        {
            return CommandReply.Refused($"no segment '{segmentId}' on the route");
        }

        if (Segment is not null)
        {
            return CommandReply.Refused($"already driving on {Segment}");
        }

        var to = command.Args.GetValueOrDefault("to") ?? segment.To;
        var breakdown = Faults.BreakdownOnRoute;
        Faults.BreakdownOnRoute = false;
        Segment = segment.Id;
        SegmentChanged?.Invoke(this, segment.Id, true);
        RunInBackground(token => DriveAsync(segment, to, breakdown, token));
        return CommandReply.Done;
    }

    private async Task DriveAsync(RouteSegment segment, string to, bool breakdown, CancellationToken cancellationToken)
    {
        var remaining = TimeSpan.FromSeconds(segment.LengthMetres / speedMetresPerSecond);
        var breakdownAt = breakdown ? remaining / 2 : TimeSpan.MaxValue;
        var driven = TimeSpan.Zero;
        while (remaining > TimeSpan.Zero)
        {
            Task? resumed;
            lock (_lock)
            {
                resumed = _resumed?.Task;
            }

            if (resumed is not null)
            {
                await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_brokenDown)
            {
                return;
            }

            using var legStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lock (_lock)
            {
                _legStop = legStop;
            }

            var leg = remaining < breakdownAt - driven ? remaining : breakdownAt - driven;
            var started = Time.GetTimestamp();
            try
            {
                await DelayAsync(leg, legStop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Stopped or broken down: the time driven so far counts.
            }
            finally
            {
                lock (_lock)
                {
                    _legStop = null;
                }
            }

            var elapsed = Time.GetElapsedTime(started);
            if (elapsed > leg)
            {
                elapsed = leg;
            }

            driven += elapsed;
            remaining -= elapsed;
            if (driven >= breakdownAt && !_brokenDown)
            {
                var progress = (driven.TotalSeconds * speedMetresPerSecond / segment.LengthMetres).ToString("0.00", CultureInfo.InvariantCulture);
                _brokenDown = true;
                await SendFaultAsync("breakdown", $"vehicle broke down on {segment.Id}", new Dictionary<string, string>
                {
                    ["segment"] = segment.Id,
                    ["progress"] = progress,
                }, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        Segment = null;
        Waypoint = to;
        SegmentChanged?.Invoke(this, segment.Id, false);
        await SendTelemetryAsync("position", new Dictionary<string, string> { ["waypoint"] = to, ["segment"] = segment.Id }, cancellationToken).ConfigureAwait(false);
    }
}
