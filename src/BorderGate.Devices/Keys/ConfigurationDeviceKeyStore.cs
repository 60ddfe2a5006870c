using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace BorderGate.Devices.Keys;

/// <summary>
/// Device keys from configuration: <c>BorderGate:Devices:Keys:{deviceId}</c> (the UTF-8 bytes of the value are
/// the key), else, in development only, a key derived from <see cref="DevelopmentDeviceKeys.SharedSecretKey"/>.
/// </summary>
internal sealed class ConfigurationDeviceKeyStore : IDeviceKeyStore
{
    public const string KeysSection = "BorderGate:Devices:Keys";

    private readonly IConfiguration _configuration;
    private readonly string? _developmentSecret;

    public ConfigurationDeviceKeyStore(IConfiguration configuration, IHostEnvironment environment)
    {
        _configuration = configuration;
        _developmentSecret = configuration[DevelopmentDeviceKeys.SharedSecretKey];
        if (!string.IsNullOrEmpty(_developmentSecret) && environment.IsProduction())
        {
            throw new InvalidOperationException(
                $"{DevelopmentDeviceKeys.SharedSecretKey} is set in the Production environment: shared development device keys are not for production; configure {KeysSection}:{{deviceId}} per device.");
        }
    }

    public bool IsDevelopmentMode => !string.IsNullOrEmpty(_developmentSecret);

    public bool TryGetKey(string deviceId, [NotNullWhen(true)] out byte[]? key)
    {
        var configured = _configuration[$"{KeysSection}:{deviceId}"];
        if (!string.IsNullOrEmpty(configured))
        {
            key = Encoding.UTF8.GetBytes(configured);
            return true;
        }

        if (!string.IsNullOrEmpty(_developmentSecret))
        {
            key = DevelopmentDeviceKeys.Derive(_developmentSecret, deviceId);
            return true;
        }

        key = null;
        return false;
    }
}
