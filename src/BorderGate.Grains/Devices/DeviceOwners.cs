using BorderGate.Actors;
using BorderGate.Contracts.Devices;

namespace BorderGate.Grains.Devices;

/// <summary>
/// The map from <see cref="DeviceOwnerKind"/> to the owner's grain interface:
/// <c>new DeviceOwners().Map&lt;ILaneGrain&gt;(DeviceOwnerKind.Lane)</c>.
/// </summary>
public sealed class DeviceOwners : IDeviceOwnerResolver
{
    private readonly Dictionary<DeviceOwnerKind, Func<IGrainFactory, string, IDeviceEventSink>> _owners = [];

    /// <summary>Devices owned by <paramref name="kind"/> send their events to the <typeparamref name="TOwner"/> grain of the owner key.</summary>
    public DeviceOwners Map<TOwner>(DeviceOwnerKind kind)
        where TOwner : IDeviceEventSink
    {
        _owners[kind] = static (factory, key) => factory.GetGrain<TOwner>(key);
        return this;
    }

    /// <exception cref="InvalidOperationException">No owner interface is mapped for the device's owner kind.</exception>
    public IDeviceEventSink Resolve(IGrainFactory factory, DeviceInfo info)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(info);
        return _owners.TryGetValue(info.OwnerKind, out var resolve)
            ? resolve(factory, info.OwnerKey)
            : throw new InvalidOperationException($"No owner grain is mapped for device owner kind {info.OwnerKind}.");
    }
}
