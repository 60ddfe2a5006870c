using System.Globalization;
using BorderGate.Contracts.Devices;
using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Simulation;

/// <summary>
/// A rail-mounted crane's controller: "move" {from, to, fromX, toX, jobId?} is acknowledged at once; the crane
/// travels to fromX, picks, travels to toX and reports "move-done" {jobId, x}. With
/// <see cref="SimulatedDeviceFaults.FaultMidMove"/> it stops halfway with fault "hoist-fault" saying where the container hangs.
/// </summary>
public sealed class SimulatedCraneController(string deviceId, byte[] key, TimeProvider timeProvider, double startX = 0, double speedMetresPerSecond = 1.5, ILogger? logger = null)
    : SimulatedDevice(deviceId, DeviceKind.CraneController, key, timeProvider, logger)
{
    private int _busy;

    /// <summary>Time to pick up or set down a container.</summary>
    public TimeSpan HoistTime { get; init; } = TimeSpan.Zero;

    /// <summary>The trolley's position on the rail, in metres.</summary>
    public double X { get; private set; } = startX;

    protected override Task<CommandReply> ExecuteAsync(SimulatedCommand command, CancellationToken cancellationToken)
    {
        if (command.Name != "move")
        {
            return Task.FromResult(CommandReply.Refused($"a crane does not know '{command.Name}'"));
        }

        if (!TryCoordinate(command.Args, "fromX", out var fromX) || !TryCoordinate(command.Args, "toX", out var toX))
        {
            return Task.FromResult(CommandReply.Refused("move needs numeric fromX and toX"));
        }

        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return Task.FromResult(CommandReply.Refused("busy with another move"));
        }

        var jobId = command.Args.GetValueOrDefault("jobId") ?? command.CommandId;
        var from = command.Args.GetValueOrDefault("from") ?? string.Empty;
        var to = command.Args.GetValueOrDefault("to") ?? string.Empty;
        var faultMidMove = Faults.FaultMidMove;
        Faults.FaultMidMove = false;
        RunInBackground(token => MoveAsync(jobId, from, to, fromX, toX, faultMidMove, token));
        return Task.FromResult(CommandReply.Done);
    }

    private async Task MoveAsync(string jobId, string from, string to, double fromX, double toX, bool faultMidMove, CancellationToken cancellationToken)
    {
        try
        {
            await TravelAsync(fromX, cancellationToken).ConfigureAwait(false);
            await DelayAsync(HoistTime, cancellationToken).ConfigureAwait(false);
            if (faultMidMove)
            {
                await TravelAsync(X + ((toX - X) / 2), cancellationToken).ConfigureAwait(false);
                await SendFaultAsync("hoist-fault", $"hoist stopped carrying job {jobId}", new Dictionary<string, string>
                {
                    ["jobId"] = jobId,
                    ["from"] = from,
                    ["to"] = to,
                    ["x"] = X.ToString("0.0", CultureInfo.InvariantCulture),
                    ["holding"] = "true",
                }, cancellationToken).ConfigureAwait(false);
                return;
            }

            await TravelAsync(toX, cancellationToken).ConfigureAwait(false);
            await DelayAsync(HoistTime, cancellationToken).ConfigureAwait(false);

            // Free before it says so: the crane grain sends the next move as soon as it hears "move-done".
            Interlocked.Exchange(ref _busy, 0);
            await SendTelemetryAsync("move-done", new Dictionary<string, string>
            {
                ["jobId"] = jobId,
                ["x"] = X.ToString("0.0", CultureInfo.InvariantCulture),
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _busy, 0);
        }
    }

    private async Task TravelAsync(double targetX, CancellationToken cancellationToken)
    {
        await DelayAsync(TimeSpan.FromSeconds(Math.Abs(targetX - X) / speedMetresPerSecond), cancellationToken).ConfigureAwait(false);
        X = targetX;
    }

    private static bool TryCoordinate(IReadOnlyDictionary<string, string> args, string name, out double value) =>
        double.TryParse(args.GetValueOrDefault(name), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
