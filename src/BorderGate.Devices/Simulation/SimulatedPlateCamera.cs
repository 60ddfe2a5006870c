using System.Globalization;
using BorderGate.Contracts.Devices;
using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Simulation;

/// <summary>A plate camera: the simulation calls <see cref="SightAsync"/> when a truck drives up; it reports "plate-read" {plate, confidence}.</summary>
public sealed class SimulatedPlateCamera(string deviceId, byte[] key, TimeProvider timeProvider, ILogger? logger = null)
    : SimulatedDevice(deviceId, DeviceKind.PlateCamera, key, timeProvider, logger)
{
    /// <summary>A truck with <paramref name="plate"/> is in view.</summary>
    public Task SightAsync(string plate, double confidence = 0.97, CancellationToken cancellationToken = default) =>
        SendTelemetryAsync("plate-read", new Dictionary<string, string>
        {
            ["plate"] = plate,
            ["confidence"] = confidence.ToString("0.00", CultureInfo.InvariantCulture),
        }, cancellationToken);

    protected override Task<CommandReply> ExecuteAsync(SimulatedCommand command, CancellationToken cancellationToken) =>
        Task.FromResult(command.Name == "ping" ? CommandReply.Done : CommandReply.Refused($"a plate camera does not know '{command.Name}'"));
}
