using System.Collections.Frozen;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Devices;

/// <summary>The devices of one or more crossings, read from their site layouts.</summary>
public sealed class SiteDeviceRegistry : IDeviceRegistry
{
    private readonly FrozenDictionary<string, DeviceInfo> _devices;
    private readonly FrozenDictionary<string, TimeSpan> _staleAfter;

    /// <exception cref="ArgumentException">Two devices of one crossing share an id.</exception>
    public SiteDeviceRegistry(IEnumerable<SiteLayout> layouts)
    {
        ArgumentNullException.ThrowIfNull(layouts);
        var devices = new Dictionary<string, DeviceInfo>(StringComparer.Ordinal);
        var staleAfter = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var layout in layouts)
        {
            staleAfter[layout.CrossingId] = layout.Policy.DeviceStaleAfter;
            foreach (var device in layout.Devices())
            {
                if (!devices.TryAdd(CrossingIds.Device(layout.CrossingId, device.DeviceId), device))
                {
                    throw new ArgumentException($"Site '{layout.CrossingId}' lists device '{device.DeviceId}' twice.", nameof(layouts));
                }
            }
        }

        _devices = devices.ToFrozenDictionary(StringComparer.Ordinal);
        _staleAfter = staleAfter.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public DeviceInfo? Find(string crossingId, string deviceId) =>
        _devices.GetValueOrDefault(CrossingIds.Device(crossingId, deviceId));

    public TimeSpan StaleAfter(string crossingId) =>
        _staleAfter.TryGetValue(crossingId, out var value) ? value : new DispatchPolicy().DeviceStaleAfter;
}
