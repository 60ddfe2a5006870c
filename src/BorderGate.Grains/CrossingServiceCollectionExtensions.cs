using BorderGate.Contracts.Crossing;
using BorderGate.Contracts.Devices;
using BorderGate.Contracts.Site;
using BorderGate.Grains.Customs;
using BorderGate.Grains.Devices;
using BorderGate.Grains.Site;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BorderGate.Grains;

public static class CrossingServiceCollectionExtensions
{
    /// <summary>
    /// Adds what the crossing's grains need: the site layouts (with their checkpoint timings), the customs channel
    /// source (the simulated one unless another is registered), the device registry and the owners of
    /// devices. The host adds the runtime, storage and the <see cref="IDeviceLink"/>.
    /// </summary>
    public static IServiceCollection AddCrossing(this IServiceCollection services, IReadOnlyList<SiteLayout> layouts)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new CrossingSites(layouts));
        services.TryAddSingleton<ICustomsChannels>(new SimulatedCustomsChannels());
        services.AddDeviceGrains(layouts);
        services.AddSingleton<IDeviceOwnerResolver>(new DeviceOwners()
            .Map<IEntranceGrain>(DeviceOwnerKind.Gate)
            .Map<ILaneGrain>(DeviceOwnerKind.Lane)
            .Map<ICraneGrain>(DeviceOwnerKind.Crane)
            .Map<IDriverlessTruckGrain>(DeviceOwnerKind.DriverlessTruck));
        return services;
    }
}
