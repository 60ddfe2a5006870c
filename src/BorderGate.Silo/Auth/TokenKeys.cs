using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace BorderGate.Silo.Auth;

/// <summary>The tokens' signing key: <see cref="AuthOptions.SigningKey"/>, else derived from the development secret.</summary>
internal sealed class TokenKeys(IOptions<AuthOptions> options)
{
    public const int MinimumKeyBytes = 32;

    public SymmetricSecurityKey SigningKey { get; } = new(KeyBytes(options.Value)) { KeyId = "bordergate-1" };

    public static byte[]? TryDecode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] KeyBytes(AuthOptions options) =>
        !string.IsNullOrEmpty(options.SigningKey) ? TryDecode(options.SigningKey)!
        : HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.DevelopmentSecret!), "token-signing"u8);
}
