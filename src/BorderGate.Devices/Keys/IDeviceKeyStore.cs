using System.Diagnostics.CodeAnalysis;

namespace BorderGate.Devices.Keys;

/// <summary>The secret key of each device, for the handshake's HMAC challenge.</summary>
public interface IDeviceKeyStore
{
    /// <summary>The device's key; false when the device has none (it cannot connect).</summary>
    bool TryGetKey(string deviceId, [NotNullWhen(true)] out byte[]? key);
}
