using BorderGate.Contracts.Devices;
using BorderGate.Devices.Protocol;

namespace BorderGate.Devices.Endpoint;

/// <summary>Settings of the device endpoint.</summary>
public sealed class DeviceEndpointOptions
{
    /// <summary>The crossing whose devices connect here (device grain keys are "{CrossingId}/{deviceId}").</summary>
    public string CrossingId { get; set; } = string.Empty;

    /// <summary>The WebSocket path.</summary>
    public string Path { get; set; } = DeviceProtocol.Path;

    /// <summary>How often devices send a heartbeat (told in the welcome).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a new connection has to complete hello and auth.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The devices allowed to connect, with their kinds (from the site layout); a hello for another id or
    /// another kind fails authentication. Null allows every device that has a key.
    /// </summary>
    public IReadOnlyDictionary<string, DeviceKind>? KnownDevices { get; set; }
}
