using System.Security.Cryptography;
using System.Text;

namespace BorderGate.Devices.Keys;

/// <summary>
/// DEVELOPMENT ONLY: per-device keys derived from one shared secret (HMAC-SHA256(secret, deviceId)), so that
/// the simulation needs no key per device. Anyone who knows the shared secret can act as any device; a
/// production site configures one random key per device instead.
/// </summary>
public static class DevelopmentDeviceKeys
{
    /// <summary>The configuration key of the shared development secret.</summary>
    public const string SharedSecretKey = "BorderGate:Devices:DevelopmentSharedSecret";

    public static byte[] Derive(string sharedSecret, string deviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sharedSecret);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes(deviceId));
    }
}
