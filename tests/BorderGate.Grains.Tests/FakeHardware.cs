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
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string DeviceId, DeviceCommand Command)> Commands { get; } = new();

    public Task<DeviceAck> SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_disconnected.ContainsKey(deviceId))
        {
            throw new DeviceUnavailableException($"{deviceId} is not connected");
        }

        Commands.Enqueue((deviceId, command));
        var ack = new DeviceAck(command.CommandId, true, null);
        return _held.TryGetValue(deviceId, out var gate) ? AckWhenReleased(gate.Task, ack) : Task.FromResult(ack);
    }

    /// <summary>The device takes its commands but acknowledges none until <see cref="ReleaseAcks"/>.</summary>
    public void HoldAcks(string deviceId) => _held.TryAdd(deviceId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void ReleaseAcks(string deviceId)
    {
        if (_held.TryRemove(deviceId, out var gate))
        {
            gate.TrySetResult();
        }
    }

    private static async Task<DeviceAck> AckWhenReleased(Task released, DeviceAck ack)
    {
        await released.ConfigureAwait(false);
        return ack;
    }

    public bool IsConnected(string deviceId) => !_disconnected.ContainsKey(deviceId);

    public void Disconnect(string deviceId) => _disconnected[deviceId] = true;

    public IEnumerable<DeviceCommand> SentTo(string deviceId) => Commands.Where(c => c.DeviceId == deviceId).Select(c => c.Command);
}
