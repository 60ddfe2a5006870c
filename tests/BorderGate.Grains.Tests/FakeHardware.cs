using System.Collections.Concurrent;
using BorderGate.Contracts.Devices;

namespace BorderGate.Grains.Tests;

/// <summary>
/// The device link of grain tests: every connected device acknowledges at once. Tests read the commands
/// sent and can disconnect a device. (The real endpoint and simulated devices are tested in Devices.Tests.)
/// </summary>
public sealed class FakeHardware : IDeviceLink
{
    private readonly ConcurrentDictionary<string, bool> _disconnected = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string DeviceId, DeviceCommand Command)> Commands { get; } = new();

    public Task<DeviceAck> SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_disconnected.ContainsKey(deviceId))
        {
            throw new DeviceUnavailableException($"{deviceId} is not connected");
        }

        Commands.Enqueue((deviceId, command));
        return Task.FromResult(new DeviceAck(command.CommandId, true, null));
    }

    public bool IsConnected(string deviceId) => !_disconnected.ContainsKey(deviceId);

    public void Disconnect(string deviceId) => _disconnected[deviceId] = true;

    public IEnumerable<DeviceCommand> SentTo(string deviceId) => Commands.Where(c => c.DeviceId == deviceId).Select(c => c.Command);
}
