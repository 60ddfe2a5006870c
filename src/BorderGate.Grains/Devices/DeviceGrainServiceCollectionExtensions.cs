using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Grains.Devices;

/// <summary>Registers what device grains need besides the runtime.</summary>
public static class DeviceGrainServiceCollectionExtensions
{
    /// <summary>
    /// Adds the device registry of <paramref name="layouts"/> and <see cref="DeviceGrainOptions"/>. The host
    /// adds the <see cref="IDeviceLink"/> (the device endpoint) and an <see cref="IDeviceOwnerResolver"/>
    /// (such as <see cref="DeviceOwners"/>).
    /// </summary>
    public static IServiceCollection AddDeviceGrains(this IServiceCollection services, IEnumerable<SiteLayout> layouts, Action<DeviceGrainOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IDeviceRegistry>(new SiteDeviceRegistry(layouts));
        var options = services.AddOptions<DeviceGrainOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }
}
