using System.Security.Cryptography;
using System.Text;

namespace BorderGate.Devices.Protocol;

/// <summary>The challenge-response of the handshake: mac = lower-case hex of HMAC-SHA256(device key, UTF-8 nonce).</summary>
internal static class DeviceMac
{
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Compute(ReadOnlySpan<byte> key, string nonce) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(nonce)));

    public static bool Verify(ReadOnlySpan<byte> key, string nonce, string mac)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(nonce), expected);
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        return Convert.FromHexString(mac, given, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == given.Length
            && CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
