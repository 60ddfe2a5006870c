namespace BorderGate.Contracts.Devices;

/// <summary>Names of the <see cref="DeviceEvent"/>s a device grain raises itself (the others are the device's telemetry names and fault codes).</summary>
public static class DeviceEventNames
{
    /// <summary>The device sent nothing for <see cref="Site.DispatchPolicy.DeviceStaleAfter"/> (a fault).</summary>
    public const string Stale = "stale";

    /// <summary>The device's connection closed (a fault).</summary>
    public const string Offline = "offline";

    /// <summary>The device is back after being stale or offline.</summary>
    public const string Online = "online";

    /// <summary>An operator cleared the device's fault.</summary>
    public const string FaultCleared = "fault-cleared";

    /// <summary>
    /// Whether <paramref name="deviceEvent"/> ends the fault an owner recorded for its device (<paramref name="recordedFault"/>,
    /// the fault event's name): an operator cleared it, or the device reconnected after being offline or stale.
    /// Being online again does not clear a real fault (a load cell, a hoist); only an operator does.
    /// </summary>
    public static bool IsRecovery(DeviceEvent deviceEvent, string? recordedFault)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        return deviceEvent.Name == FaultCleared || (deviceEvent.Name == Online && recordedFault is Offline or Stale);
    }
}
