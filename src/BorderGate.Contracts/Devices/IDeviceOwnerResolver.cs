using BorderGate.Actors;

namespace BorderGate.Contracts.Devices;

/// <summary>
/// Finds the grain that owns a device (lane, gate, crane, driverless truck), as the sink of its events.
/// The owners' grain interfaces derive from <see cref="IDeviceEventSink"/>; the host maps each
/// <see cref="DeviceOwnerKind"/> to one of them, so that the runtime picks the right grain class.
/// </summary>
public interface IDeviceOwnerResolver
{
    IDeviceEventSink Resolve(IGrainFactory factory, DeviceInfo info);
}
