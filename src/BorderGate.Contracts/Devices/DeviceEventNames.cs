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
}
