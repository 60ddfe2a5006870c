using BorderGate.Contracts.Site;
using BorderGate.Devices.Endpoint;
using BorderGate.Grains;

namespace BorderGate.Silo.Hosting;

/// <summary>Loads the site layout the configuration names and adds the crossing's grains and device endpoint.</summary>
internal static class CrossingSetup
{
    /// <summary>Configuration key of the layout file (a path, or a file name under deploy/sites).</summary>
    public const string SiteKey = "BorderGate:Site";

    public static SiteLayout AddCrossingServices(this IServiceCollection services, IConfiguration configuration)
    {
        var configured = configuration[SiteKey];
        var path = string.IsNullOrWhiteSpace(configured)
            ? SiteLayouts.DefaultPath
            : File.Exists(configured) ? configured : SiteLayouts.PathOf(configured);
        var layout = SiteLayoutLoader.Load(path);
        services.AddCrossing([layout]);
        services.AddHostedService<CrossingClocks>();
        services.AddDeviceEndpoint(layout, options => configuration.GetSection("BorderGate:Devices").Bind(options));
        return layout;
    }
}
