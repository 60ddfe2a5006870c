using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using Microsoft.Extensions.Logging;

namespace BorderGate.Devices.Simulation;

/// <summary>One simulated device per device of a site layout, all connected to one device endpoint.</summary>
public sealed class SimulatedDeviceFleet : IAsyncDisposable
{
    private readonly Dictionary<string, SimulatedDevice> _devices = new(StringComparer.Ordinal);

    /// <param name="layout">The site whose devices to simulate.</param>
    /// <param name="keyFor">Each device's key (for development: <see cref="Keys.DevelopmentDeviceKeys.Derive"/>).</param>
    /// <param name="timeProvider">The simulation's clock.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    public SimulatedDeviceFleet(SiteLayout layout, Func<string, byte[]> keyFor, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(keyFor);
        var logger = loggerFactory?.CreateLogger<SimulatedDeviceFleet>();
        foreach (var device in layout.Devices())
        {
            var key = keyFor(device.DeviceId);
            _devices[device.DeviceId] = device.Kind switch
            {
                DeviceKind.Barrier => new SimulatedBarrier(device.DeviceId, key, timeProvider, logger),
                DeviceKind.PlateCamera => new SimulatedPlateCamera(device.DeviceId, key, timeProvider, logger),
                DeviceKind.Weighbridge => new SimulatedWeighbridge(device.DeviceId, key, timeProvider, logger),
                DeviceKind.CraneController => Crane(layout, device.DeviceId, key, timeProvider, logger),
                _ => Vehicle(layout, device.DeviceId, key, timeProvider, logger),
            };
        }
    }

    public IReadOnlyCollection<SimulatedDevice> Devices => _devices.Values;

    /// <summary>The simulated device with <paramref name="deviceId"/>.</summary>
    /// <exception cref="KeyNotFoundException">The layout has no such device, or it is of another kind.</exception>
    public T Get<T>(string deviceId)
        where T : SimulatedDevice =>
        _devices.TryGetValue(deviceId, out var device) && device is T typed
            ? typed
            : throw new KeyNotFoundException($"The fleet has no {typeof(T).Name} '{deviceId}'.");

    /// <summary>Connects every device to the endpoint at <paramref name="server"/> (ws://host:port/devices/v1).</summary>
    public Task ConnectAllAsync(Uri server, CancellationToken cancellationToken = default) =>
        Task.WhenAll(_devices.Values.Select(d => d.ConnectAsync(server, cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices.Values)
        {
            await device.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static SimulatedCraneController Crane(SiteLayout layout, string deviceId, byte[] key, TimeProvider time, ILogger? logger)
    {
        var crane = layout.Cranes.First(c => string.Equals(c.ControllerId, deviceId, StringComparison.Ordinal));
        return new SimulatedCraneController(deviceId, key, time, crane.RailStartX, crane.SpeedMetresPerSecond, logger);
    }

    private static SimulatedVehicleController Vehicle(SiteLayout layout, string deviceId, byte[] key, TimeProvider time, ILogger? logger)
    {
        var vehicle = layout.DriverlessTrucks.First(v => string.Equals(v.ControllerId, deviceId, StringComparison.Ordinal));
        return new SimulatedVehicleController(deviceId, key, time, layout.Route, logger: logger);
    }
}
