using System.Globalization;
using BorderGate.Contracts.Devices;
using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Simulation;

/// <summary>
/// A weighbridge: after <see cref="PlaceTruckAsync"/> it reports a few fluctuating "weight" readings while the
/// truck settles, then stable ones {kg, stable:"true", plate}; <see cref="ClearAsync"/> reports the empty deck.
/// </summary>
public sealed class SimulatedWeighbridge(string deviceId, byte[] key, TimeProvider timeProvider, ILogger? logger = null)
    : SimulatedDevice(deviceId, DeviceKind.Weighbridge, key, timeProvider, logger)
{
    private readonly Random _random = new(StringComparer.Ordinal.GetHashCode(deviceId));

    /// <summary>Time between readings.</summary>
    public TimeSpan ReadingInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public int SettlingReadings { get; init; } = 4;

    public int StableReadings { get; init; } = 2;

    /// <summary>A truck of <paramref name="kg"/> rolls on; completes after its last stable reading.</summary>
    public async Task PlaceTruckAsync(string plate, int kg, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < SettlingReadings; i++)
        {
            await DelayAsync(ReadingInterval, cancellationToken).ConfigureAwait(false);
            var swing = 1 + ((_random.NextDouble() - 0.5) * 0.04 * (SettlingReadings - i) / SettlingReadings);
            await ReportAsync(plate, (int)(kg * swing), stable: false, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < StableReadings; i++)
        {
            await DelayAsync(ReadingInterval, cancellationToken).ConfigureAwait(false);
            await ReportAsync(plate, kg, stable: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The truck rolled off.</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) => ReportAsync(null, 0, stable: true, cancellationToken);

    protected override Task<CommandReply> ExecuteAsync(SimulatedCommand command, CancellationToken cancellationToken) =>
        Task.FromResult(command.Name == "zero" ? CommandReply.Done : CommandReply.Refused($"a weighbridge does not know '{command.Name}'"));

    private Task ReportAsync(string? plate, int kg, bool stable, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string>
        {
            ["kg"] = kg.ToString(CultureInfo.InvariantCulture),
            ["stable"] = stable ? "true" : "false",
        };
        if (plate is not null)
        {
            data["plate"] = plate;
        }

        return SendTelemetryAsync("weight", data, cancellationToken);
    }
}
