namespace BorderGate.Contracts.Devices;

/// <summary>Which devices a crossing has and who owns them (built from the site layouts).</summary>
public interface IDeviceRegistry
{
    /// <summary>The device of the crossing, or null when the layout has no such device.</summary>
    DeviceInfo? Find(string crossingId, string deviceId);

    /// <summary>How long a device of the crossing may stay silent before it is stale (<see cref="Site.DispatchPolicy.DeviceStaleAfter"/>).</summary>
    TimeSpan StaleAfter(string crossingId);
}
