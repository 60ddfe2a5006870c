using BorderGate.Contracts.Devices;
using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Simulation;

/// <summary>A lane barrier: "open" and "close" take <see cref="OperateTime"/>, then it acks and reports telemetry "barrier" {state}.</summary>
public sealed class SimulatedBarrier(string deviceId, byte[] key, TimeProvider timeProvider, ILogger? logger = null)
    : SimulatedDevice(deviceId, DeviceKind.Barrier, key, timeProvider, logger)
{
    public const string Open = "open";
    public const string Closed = "closed";

    /// <summary>How long the arm takes to move.</summary>
    public TimeSpan OperateTime { get; init; } = TimeSpan.FromSeconds(1.5);

    public string State { get; private set; } = Closed;

    protected override async Task<CommandReply> ExecuteAsync(SimulatedCommand command, CancellationToken cancellationToken)
    {
        var target = command.Name switch
        {
            "open" => Open,
            "close" => Closed,
            _ => null,
        };
        if (target is null)
        {
            return CommandReply.Refused($"a barrier does not know '{command.Name}'");
        }

        if (State != target)
        {
            await DelayAsync(OperateTime, cancellationToken).ConfigureAwait(false);
            State = target;
        }

        await SendTelemetryAsync("barrier", new Dictionary<string, string> { ["state"] = State }, cancellationToken).ConfigureAwait(false);
        return CommandReply.Done;
    }
}
